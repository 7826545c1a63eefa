import { describe, expect, it } from 'vitest';
import { NEEDS_REVIEW } from '../../../lambdas/core/tickets/index.ts';
import { ConfigError, parseConfig, ticketTriageConfigSchema } from '../../../lambdas/shared/config.ts';
import { ticketTriageSetup } from '../../../lambdas/triage/local-classifier.ts';

const ticketTriageFromEnv = (env: Record<string, string>) =>
  ticketTriageSetup(parseConfig(ticketTriageConfigSchema, env, 'ticket triage'));

const CREATED = new Date('2026-03-02T10:00:00Z');
const DARK_MODE = {
  title: 'Add dark mode',
  body: 'It would be nice to have a dark theme.',
  project: null,
  createdAt: CREATED,
};
const VAGUE = { title: 'Editor', body: 'The editor and the settings.', project: null, createdAt: CREATED };

function configError(env: Record<string, string>): ConfigError {
  try {
    ticketTriageFromEnv(env);
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the triage worker settings', () => {
  it('uses every category of the model and the default review threshold when nothing is set', () => {
    const { classifier, categories, classify } = ticketTriageFromEnv({});
    expect(categories).toEqual(classifier.categories);
    expect(classify(DARK_MODE).category).toBe('FEATURE');
  });

  it('chooses among TRIAGE_CATEGORIES only, storing canonical names however the variable spells them', () => {
    const { categories, classify } = ticketTriageFromEnv({ TRIAGE_CATEGORIES: ' bug, Question ' });
    expect(categories).toEqual(['BUG', 'QUESTION']);
    const answer = classify(DARK_MODE);
    expect(['BUG', 'QUESTION', NEEDS_REVIEW]).toContain(answer.category);
    expect(answer.details).toMatchObject({ predictedCategory: expect.stringMatching(/^(BUG|QUESTION)$/) });
  });

  it('abstains below TRIAGE_REVIEW_THRESHOLD, and never with 0', () => {
    const never = ticketTriageFromEnv({ TRIAGE_REVIEW_THRESHOLD: '0' }).classify(VAGUE);
    expect(never.category).not.toBe(NEEDS_REVIEW);
    expect(never.confidence).toBeLessThan(0.99);
    const strict = ticketTriageFromEnv({ TRIAGE_REVIEW_THRESHOLD: '0.99' }).classify(VAGUE);
    expect(strict.category).toBe(NEEDS_REVIEW);
    expect(strict.details).toMatchObject({ predictedCategory: never.category });
  });

  it('fails the cold start naming the variable for an unknown category, a bad threshold or a missing model', () => {
    expect(configError({ TRIAGE_CATEGORIES: 'bug,chore' }).message).toMatch(/TRIAGE_CATEGORIES: .*chore/);
    expect(configError({ TRIAGE_REVIEW_THRESHOLD: 'high' }).message).toContain(
      'TRIAGE_REVIEW_THRESHOLD: must be a number from 0 to 1',
    );
    expect(configError({ TRIAGE_REVIEW_THRESHOLD: '1.5' }).message).toContain('TRIAGE_REVIEW_THRESHOLD');
    expect(configError({ TICKET_MODEL_PATH: '/nowhere/model.json' }).message).toMatch(
      /TICKET_MODEL_PATH: .*\/nowhere\/model\.json/,
    );
  });
});
