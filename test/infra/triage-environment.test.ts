import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../../lambdas/core/tickets/index.ts';
import { ticketTriageConfigSchema } from '../../lambdas/shared/config.ts';
import { ticketCategories, triageEnvironment } from '../../lib/ai-ops-stack.ts';
import type { StageConfig } from '../../lib/stage-config.ts';

describe('the triage stage settings', () => {
  const stage = (triage: StageConfig['triage']) => ({ triage }) as StageConfig;

  it('leave the variables unset when the stage sets nothing', () => {
    expect(triageEnvironment(stage(undefined))).toEqual({});
  });

  it('become variables the worker accepts, a threshold of 0 included', () => {
    const env = triageEnvironment(
      stage({ reviewThreshold: 0, extraReviewThreshold: 0.5, categories: ['BUG', 'FEATURE'] }),
    );
    expect(env).toEqual({
      TRIAGE_REVIEW_THRESHOLD: '0',
      TRIAGE_EXTRA_REVIEW_THRESHOLD: '0.5',
      TRIAGE_CATEGORIES: 'BUG,FEATURE',
    });
    expect(ticketTriageConfigSchema.parse(env)).toMatchObject({
      TRIAGE_REVIEW_THRESHOLD: 0,
      TRIAGE_EXTRA_REVIEW_THRESHOLD: 0.5,
      TRIAGE_CATEGORIES: ['BUG', 'FEATURE'],
    });
  });

  it('give the resolver the categories the worker answers, canonical, and refuse one the model does not know', () => {
    expect(ticketCategories(stage(undefined))).toEqual(DEFAULT_CATEGORIES);
    expect(ticketCategories(stage({ categories: ['bug', 'Feature'] }))).toEqual(['BUG', 'FEATURE']);
    expect(() => ticketCategories(stage({ categories: ['DOCS'] }))).toThrow(
      /TRIAGE_CATEGORIES: unknown category/,
    );
  });
});
