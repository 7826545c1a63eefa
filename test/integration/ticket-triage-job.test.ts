import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRepo } from '../../lambdas/adapters/db/job-repo.ts';
import { users } from '../../lambdas/adapters/db/schema.ts';
import { createTicketRepo } from '../../lambdas/adapters/db/ticket-repo.ts';
import type { Caller } from '../../lambdas/core/auth/roles.ts';
import { triageTicketWithModel } from '../../lambdas/core/llm/ticket-triage.ts';
import { validateTicketInput } from '../../lambdas/core/tickets/index.ts';
import {
  type ClassifyTicket,
  createTicket,
  type TicketRepo,
  type TriageAnswer,
  triageTicketJob,
} from '../../lambdas/core/use-cases/tickets.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const ANSWER: TriageAnswer = {
  category: 'BUG',
  priority: 'P3',
  labels: [],
  confidence: 0.9,
  rationale: 'fake',
  classifierVersion: 'fake-1',
  details: {},
};

/** A classifier that answers BUG and records what it was asked. */
function recordingClassifier() {
  const calls: Parameters<ClassifyTicket>[0][] = [];
  const classify: ClassifyTicket = (ticket) => {
    calls.push(ticket);
    return ANSWER;
  };
  return { calls, classify };
}

describe('the triage job', () => {
  let database: TestDatabase;
  let tickets: TicketRepo;
  let caller: Caller;

  beforeAll(async () => {
    database = await createTestDatabase();
    tickets = createTicketRepo(database.db);
    const [user] = await database.db
      .insert(users)
      .values({ email: 'reporter@example.com', passwordHash: 'fake$x' })
      .returning();
    if (!user) throw new Error('no user');
    caller = { userId: user.id, role: 'USER', sessionId: 'session', email: user.email };
  });
  afterAll(async () => database?.close());

  const newTicket = (project: string | null) =>
    createTicket(
      {
        tickets,
        jobs: createJobRepo(database.db),
        queue: { send: async () => {} },
        validate: validateTicketInput,
      },
      { caller, title: 'Editor freezes', body: 'The window stops responding.', project },
    );

  it('gives the classifier the project stored with the ticket', async () => {
    const ticket = await newTicket(' Microsoft/VSCode ');
    const { calls, classify } = recordingClassifier();
    await triageTicketJob({ tickets, classify }, ticket.job);
    expect(calls).toEqual([
      { title: 'Editor freezes', body: 'The window stops responding.', project: 'microsoft/vscode' },
    ]);
    expect((await tickets.get(ticket.id))?.category).toBe('BUG');
  });

  it('classifies without a project when the ticket has none', async () => {
    const ticket = await newTicket(null);
    const { calls, classify } = recordingClassifier();
    await triageTicketJob({ tickets, classify }, ticket.job);
    expect(calls.map((call) => call.project)).toEqual([null]);
  });

  it('gives the classifier the project when a model refines the answer too', async () => {
    const ticket = await newTicket('facebook/react');
    const { calls, classify } = recordingClassifier();
    const refine = async (_ticket: unknown, local: TriageAnswer) => ({ answer: local, model: null });
    await triageTicketWithModel({ tickets, classify, refine }, ticket.job);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((call) => call.project === 'facebook/react')).toBe(true);
  });
});
