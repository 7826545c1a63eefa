import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../lambdas/core/auth/roles.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import type { Job } from '../../../lambdas/core/jobs/job.ts';
import {
  correctTriage,
  type TicketRecord,
  type TicketRepo,
  type VersionedWrite,
} from '../../../lambdas/core/use-cases/tickets.ts';
import { FakeClock } from '../../support/clock.ts';

const owner: Caller = { userId: 'u-1', role: 'USER', sessionId: 's-1', email: 'owner@example.com' };

const ticket: TicketRecord = {
  id: 't-1',
  ownerId: owner.userId,
  title: 'Printer offline on floor 2',
  body: '',
  project: null,
  status: 'OPEN',
  version: 2,
  category: 'BUG',
  priority: 'P3',
  labels: [],
  team: null,
  duplicateOf: null,
  triage: null,
  correction: null,
  redactions: {},
  createdAt: new Date('2025-03-01T12:00:00Z'),
  updatedAt: new Date('2025-03-01T12:00:00Z'),
  job: {} as Job,
};

/** A repository holding one ticket that records what `update` was asked to set. */
function repo() {
  const sets: Record<string, unknown>[] = [];
  const tickets = {
    get: async (id: string) => (id === ticket.id ? ticket : null),
    update: async (_id: string, _version: number, change: { set: Record<string, unknown> }) => {
      sets.push(change.set);
      return { status: 'updated', ticket } satisfies VersionedWrite;
    },
  } as unknown as TicketRepo;
  return { tickets, sets };
}

const correct = (deps: ReturnType<typeof repo>, input: { labels?: string[] | null; team?: string | null }) =>
  correctTriage(
    { tickets: deps.tickets, categories: ['BUG', 'TASK'], clock: new FakeClock() },
    {
      caller: owner,
      id: ticket.id,
      category: 'task',
      priority: null,
      labels: input.labels ?? null,
      team: input.team,
      expectedVersion: ticket.version,
    },
  );

describe('correctTriage', () => {
  it('stores the team and the labels trimmed, each label once (" SRE " was a team of its own)', async () => {
    const deps = repo();
    await correct(deps, { labels: [' ui', 'ui', 'network '], team: ' sre ' });
    expect(deps.sets[0]).toMatchObject({ category: 'TASK', team: 'sre', labels: ['ui', 'network'] });
    expect(deps.sets[0]?.correction).toMatchObject({ team: 'sre', labels: ['ui', 'network'] });
  });

  it('refuses a blank team or label, naming it, and writes nothing', async () => {
    const deps = repo();
    await expect(correct(deps, { team: '   ' })).rejects.toThrow(
      new ValidationError('team', 'must not be blank (omit it to keep the current team)'),
    );
    await expect(correct(deps, { labels: ['ui', '  '] })).rejects.toThrow(
      new ValidationError('labels[1]', 'must not be blank'),
    );
    expect(deps.sets).toEqual([]);
  });

  it('keeps the team and labels when none are given', async () => {
    const deps = repo();
    await correct(deps, { team: null });
    expect(deps.sets[0]).not.toHaveProperty('team');
    expect(deps.sets[0]).not.toHaveProperty('labels');
  });
});
