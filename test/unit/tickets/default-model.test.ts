import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTicketClassifier, DEFAULT_MODEL_PATH } from '../../../lambdas/core/tickets/index.ts';

describe('the committed default model', () => {
  it('loads, is small, and knows the default category set', () => {
    expect(statSync(DEFAULT_MODEL_PATH).size).toBeLessThan(5 * 1024 * 1024);
    const classifier = createTicketClassifier(DEFAULT_MODEL_PATH);
    expect(classifier.categories).toEqual(['BUG', 'FEATURE', 'QUESTION', 'INCIDENT', 'TASK']);
    expect(classifier.version).toMatch(/^tickets-[0-9a-f]{12}$/);
  });

  it('classifies clear-cut tickets as a person would', () => {
    const c = createTicketClassifier(DEFAULT_MODEL_PATH);
    const options = { reviewThreshold: 0 };
    expect(
      c.classify(
        {
          title: 'TypeError when calling fit() after upgrading',
          body: 'Steps to reproduce:\n```\nTraceback (most recent call last):\n  File "a.py", line 1\n  File "b.py", line 2\n  File "c.py", line 3\nTypeError: bad\n```\nExpected it to work, actual: crash.',
        },
        options,
      ).category,
    ).toBe('BUG');
    expect(
      c.classify(
        {
          title: 'Feature request: add support for exporting to ONNX',
          body: 'It would be great to have an option to export models.',
        },
        options,
      ).category,
    ).toBe('FEATURE');
    expect(
      c.classify(
        { title: 'How do I install this on Windows?', body: 'What is the right way to set it up? Thanks.' },
        options,
      ).category,
    ).toBe('QUESTION');
  });
});
