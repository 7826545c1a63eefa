import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRepo } from '../../lambdas/adapters/db/job-repo.ts';
import { users } from '../../lambdas/adapters/db/schema.ts';
import { createTicketRepo } from '../../lambdas/adapters/db/ticket-repo.ts';
import type { Caller } from '../../lambdas/core/auth/roles.ts';
import { systemClock } from '../../lambdas/core/clock.ts';
import { createTicket } from '../../lambdas/core/jobs/kinds/triage-ticket/accept.ts';
import {
  type ClassifyTicket,
  runTriageTicket,
  type TriageAnswer,
} from '../../lambdas/core/jobs/kinds/triage-ticket/run.ts';
import type { TicketRepo } from '../../lambdas/core/use-cases/tickets.ts';
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
    createTicket({ tickets, jobs: createJobRepo(database.db), queue: { send: async () => {} } }, caller, {
      title: 'Editor freezes',
      body: 'The window stops responding.',
      project,
      idempotencyKey: null,
      traceId: null,
    });

  it('gives the classifier the project stored with the ticket', async () => {
    const ticket = await newTicket('Microsoft/VSCode');
    const { calls, classify } = recordingClassifier();
    await runTriageTicket({ tickets, classify, clock: systemClock }, ticket.job);
    expect(calls).toEqual([
      {
        title: 'Editor freezes',
        body: 'The window stops responding.',
        project: 'microsoft/vscode',
        // Dates in the text are read relative to the ticket's creation, as the CLI's created_at column.
        createdAt: ticket.createdAt,
      },
    ]);
    expect((await tickets.get(ticket.id))?.category).toBe('BUG');
  });

  it('classifies without a project when the ticket has none', async () => {
    const ticket = await newTicket(null);
    const { calls, classify } = recordingClassifier();
    await runTriageTicket({ tickets, classify, clock: systemClock }, ticket.job);
    expect(calls.map((call) => call.project)).toEqual([null]);
  });

  it('classifies once, with the project, when a model refines the answer too', async () => {
    const ticket = await newTicket('facebook/react');
    const { calls, classify } = recordingClassifier();
    const refined: TriageAnswer[] = [];
    const refine = async (_ticket: unknown, local: TriageAnswer) => {
      refined.push(local);
      return { answer: { ...local, category: 'FEATURE' }, model: 'fake-model' };
    };
    const result = await runTriageTicket({ tickets, classify, refine, clock: systemClock }, ticket.job);
    expect(calls).toEqual([
      {
        title: 'Editor freezes',
        body: 'The window stops responding.',
        project: 'facebook/react',
        createdAt: ticket.createdAt,
      },
    ]);
    expect(refined).toEqual([ANSWER]);
    expect(result).toEqual({ model: 'fake-model' });
    expect((await tickets.get(ticket.id))?.category).toBe('FEATURE');
  });

  it('keeps its answer when a concurrent change makes the first write stale, without asking again', async () => {
    const ticket = await newTicket(null);
    const { calls, classify } = recordingClassifier();
    let raced = false;
    const racing: TicketRepo = {
      ...tickets,
      async update(id, expectedVersion, change) {
        if (!raced) {
          raced = true;
          // Someone changes the status between the job's read and its write.
          const current = await tickets.get(id);
          await tickets.update(id, current?.version ?? 0, {
            actorId: caller.userId,
            action: 'status_changed',
            set: { status: 'IN_PROGRESS' },
          });
        }
        return tickets.update(id, expectedVersion, change);
      },
    };
    const clock = { now: () => new Date('2026-01-02T03:04:05Z') };
    await runTriageTicket({ tickets: racing, classify, clock }, ticket.job);
    expect(calls).toHaveLength(1);
    const stored = await tickets.get(ticket.id);
    expect(stored).toMatchObject({ status: 'IN_PROGRESS', category: 'BUG' });
    expect(stored?.triage).toMatchObject({ jobId: ticket.job.id, triagedAt: '2026-01-02T03:04:05.000Z' });
  });
});
