import { describe, expect, it } from 'vitest';
import { createTicketClassifier, DEFAULT_MODEL_PATH } from '../../../lambdas/core/tickets/index.ts';
import { scoreTicket } from '../../../lambdas/core/tickets/model.ts';
import { parseTicket } from '../../../lambdas/core/tickets/text.ts';
import { fixtureTickets, internalTickets } from './support.ts';

/**
 * The default model's decisions on a fixed set of tickets (the 93 fixture tickets), to the last bit of every
 * probability: a speed-up of the scoring path must not change a single answer. The file was written by the
 * code before the allocation-free rewrite of vectorize/scoreTicket/topMargins and is compared exactly.
 * After retraining the default model (a new `modelVersion`), rewrite it with `npx vitest run <this file> --update`
 * and review the diff.
 */
const NOW = new Date('2026-01-01T00:00:00Z');

describe('the default model on a fixed set of tickets', () => {
  it('gives exactly the recorded decisions and probabilities', async () => {
    const classifier = createTicketClassifier(DEFAULT_MODEL_PATH);
    const tickets = [...fixtureTickets(), ...internalTickets()];
    const decisions = tickets.map((ticket) => {
      const { rationale: _rationale, ...result } = classifier.classify(ticket, { now: NOW });
      const doc = parseTicket(ticket.title, ticket.body ?? '', ticket.createdAt ?? NOW);
      const scores = scoreTicket(classifier.model, doc, 'project' in ticket ? ticket.project : undefined);
      return {
        ...result,
        probabilities: Array.from(scores.probabilities),
        labelProbabilities: Object.fromEntries([...scores.labels].map(([name, p]) => [name, Array.from(p)])),
      };
    });
    expect(decisions).toHaveLength(93);
    // One JSON line per ticket (a readable diff after retraining); `.snap` so no formatter rewrites it.
    await expect(`${decisions.map((d) => JSON.stringify(d)).join('\n')}\n`).toMatchFileSnapshot(
      '../../fixtures/tickets/default-model-decisions.snap',
    );
  });
});
