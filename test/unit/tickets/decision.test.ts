import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ticketsCommand } from '../../../bin/commands/tickets.ts';
import {
  createTicketClassifier,
  createTriagePolicy,
  NEEDS_REVIEW,
} from '../../../lambdas/core/tickets/index.ts';
import { fixtureModel, mixedModel, validationField } from './support.ts';

const classifier = () => createTicketClassifier(mixedModel().model);

describe('createTriagePolicy', () => {
  it('names a bad setting by the name the caller uses for it', () => {
    const names = { categories: 'TRIAGE_CATEGORIES', reviewThreshold: 'TRIAGE_REVIEW_THRESHOLD' };
    expect(
      validationField(() => createTriagePolicy(classifier(), { categories: ['bug', 'chore'] }, names)),
    ).toBe('TRIAGE_CATEGORIES');
    expect(validationField(() => createTriagePolicy(classifier(), { reviewThreshold: 1.5 }, names))).toBe(
      'TRIAGE_REVIEW_THRESHOLD',
    );
  });

  it('stores canonical category names however the settings spell them', () => {
    const policy = createTriagePolicy(classifier(), { categories: [' bug', 'Feature'], reviewThreshold: 0 });
    expect(policy.categories).toEqual(['BUG', 'FEATURE']);
    const decision = policy.decide({ title: 'Add an export to CSV button', body: 'It would be nice.' });
    expect(['BUG', 'FEATURE']).toContain(decision.category);
  });

  it('abstains below the threshold, keeping the best guess in the details', () => {
    const decision = createTriagePolicy(classifier(), { reviewThreshold: 0.99 }).decide({ title: 'Hmm' });
    expect(decision.category).toBe(NEEDS_REVIEW);
    expect(decision.details.predictedCategory).not.toBe(NEEDS_REVIEW);
    expect(decision.rationale).toContain(NEEDS_REVIEW);
  });

  it('carries extra outputs as plain values and with their confidences', () => {
    const decision = createTriagePolicy(classifier()).decide({ title: 'VPN drops every 10 minutes' });
    expect(typeof decision.extra.team).toBe('string');
    expect(decision.details.extra.team?.value).toBe(decision.extra.team);
  });
});

describe('one decision for the CLI and the worker', () => {
  it('gives the same answers from `tickets classify` as from the policy with the same settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-decision-'));
    const model = join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(fixtureModel().json));
    const tickets = [
      ['App crashes with a segfault on start', 'Steps to reproduce: open it.'],
      ['Hmm', ''],
      ['Production checkout is down – 502 for all users', ''],
      ['How do I configure the proxy?', 'Is there a setting?'],
    ];
    const input = join(dir, 'tickets.csv');
    writeFileSync(input, `title,body\n${tickets.map(([t, b]) => `"${t}","${b}"`).join('\n')}\n`);
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(
        await ticketsCommand.run(['classify', '--input', input, '--model', model, '--review-below', '0.6']),
      ).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
    const policy = createTriagePolicy(createTicketClassifier(model), { reviewThreshold: 0.6 });
    const printed = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(printed.some((p) => p.category === NEEDS_REVIEW)).toBe(true);
    printed.forEach((line, i) => {
      const [title, body] = tickets[i] ?? [];
      const decision = policy.decide({ title: title ?? '', body: body ?? '' });
      expect(line).toMatchObject({
        category: decision.category,
        predictedCategory: decision.details.predictedCategory,
        priority: decision.priority,
        labels: decision.labels,
        confidence: decision.confidence,
      });
    });
  });
});
