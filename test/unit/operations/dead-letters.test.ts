import { describe, expect, it } from 'vitest';
import type { Job } from '../../../lambdas/core/jobs/job.ts';
import type { DeadLetter } from '../../../lambdas/core/jobs/ports.ts';
import {
  actOnDeadLetters,
  deadLetterReason,
  listDeadLetters,
} from '../../../lambdas/core/use-cases/operations.ts';

const JOB_ID = '0b7f6c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
const OPS = { userId: 'u-ops', role: 'OPS', sessionId: 's', email: 'ops@example.com' } as const;
const ADMIN = { ...OPS, userId: 'u-admin', role: 'ADMIN', email: 'admin@example.com' } as const;

function letter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    messageId: 'm-1',
    body: JSON.stringify({ jobId: JOB_ID, kind: 'triage-ticket' }),
    jobId: JOB_ID,
    kind: 'triage-ticket',
    receiveCount: 5,
    sentAt: new Date('2026-12-01T09:00:00Z'),
    sourceQueue: null,
    ...overrides,
  };
}

function job(overrides: Partial<Job> = {}): Job {
  const at = new Date('2026-12-01T09:00:00Z');
  return {
    id: JOB_ID,
    kind: 'triage-ticket',
    status: 'FAILED',
    subjectId: null,
    ownerId: null,
    attempts: 5,
    lastError: 'Classifier model failed to load',
    traceId: null,
    model: null,
    createdAt: at,
    updatedAt: at,
    enqueuedAt: at,
    startedAt: at,
    finishedAt: at,
    firstFailedAt: new Date('2026-12-01T09:00:01Z'),
    lastFailedAt: new Date('2026-12-01T09:04:00Z'),
    ...overrides,
  };
}

describe('dead-letter reasons', () => {
  it.each([
    ['the job’s last error', letter(), job(), 'Classifier model failed to load'],
    ['a job that no longer exists', letter(), undefined, /does not exist/],
    [
      'a job of another kind',
      letter(),
      job({ kind: 'summarize-log' }),
      /summarize-log job.*triage-ticket queue/,
    ],
    ['a job that succeeded later', letter(), job({ status: 'SUCCEEDED', lastError: null }), /can be purged/],
    [
      'a worker that gave up before recording',
      letter(),
      job({ status: 'PROCESSING', lastError: null }),
      /timeout or crash/,
    ],
    [
      'a body that is not a job message',
      letter({ jobId: null, body: 'hello' }),
      undefined,
      /not a job message/,
    ],
  ])('names %s', (_case, message, found, expected) => {
    const reason = deadLetterReason(message, 'triage-ticket', found);
    if (typeof expected === 'string') expect(reason).toBe(expected);
    else expect(reason).toMatch(expected);
  });

  it('looks every job up once and carries its failure times', async () => {
    const lookups: string[][] = [];
    const letters = await listDeadLetters(
      {
        deadLetters: {
          list: async (kind) => (kind === 'triage-ticket' ? [letter(), letter({ messageId: 'm-2' })] : []),
        },
        jobs: {
          findMany: async (ids) => {
            lookups.push([...ids]);
            return [job()];
          },
        },
      },
      { caller: OPS, kinds: ['summarize-log', 'triage-ticket'], limit: 10 },
    );
    expect(lookups).toEqual([[JOB_ID]]);
    expect(letters.map((l) => [l.messageId, l.reason, l.lastFailedAt?.toISOString()])).toEqual([
      ['m-1', 'Classifier model failed to load', '2026-12-01T09:04:00.000Z'],
      ['m-2', 'Classifier model failed to load', '2026-12-01T09:04:00.000Z'],
    ]);
  });

  it('lets only ADMIN purge, and records who purged how many', async () => {
    const recorded: unknown[] = [];
    const deps = queueAdminFakes(recorded);
    await expect(
      actOnDeadLetters(deps, { caller: OPS, kind: 'triage-ticket', action: 'purge' }),
    ).rejects.toMatchObject({
      errorType: 'Forbidden',
    });
    expect(await actOnDeadLetters(deps, { caller: ADMIN, kind: 'triage-ticket', action: 'purge' })).toEqual({
      purged: 3,
    });
    expect(recorded).toEqual([
      {
        actor: { id: 'u-admin', email: 'admin@example.com' },
        action: 'DEAD_LETTERS_PURGED',
        target: { type: 'queue', id: 'triage-ticket', label: 'triage-ticket' },
        details: { purged: 3 },
      },
    ]);
  });
});

describe('redriving dead letters', () => {
  it('re-arms the job of each letter before moving the letters, and records how many jobs run again', async () => {
    const recorded: unknown[] = [];
    const deps = queueAdminFakes(recorded);
    expect(await actOnDeadLetters(deps, { caller: ADMIN, kind: 'triage-ticket', action: 'redrive' })).toEqual(
      {
        moved: 1,
        taskHandle: null,
        jobsRequeued: 1,
      },
    );
    expect(deps.rearmed).toEqual([[JOB_ID, 'u-admin']]);
    expect(recorded).toMatchObject([
      { action: 'DEAD_LETTERS_REDRIVEN', details: { moved: 1, taskHandle: null, jobsRequeued: 1 } },
    ]);
  });
});

/** Dead letters of one job, a job repository that records re-arms, and an audit log that records entries. */
function queueAdminFakes(recorded: unknown[]) {
  const rearmed: [string, string | null][] = [];
  return {
    rearmed,
    deadLetters: {
      listLimit: 10,
      list: async () => [
        {
          messageId: 'm-1',
          body: '{}',
          jobId: JOB_ID,
          kind: 'triage-ticket' as const,
          receiveCount: 5,
          sentAt: new Date('2026-12-01T09:00:00Z'),
          sourceQueue: null,
        },
      ],
      redrive: async () => ({ moved: 1, taskHandle: null }),
      purge: async () => ({ purged: 3 }),
    },
    jobs: {
      rearm: async (id: string, by: { actorId: string | null }) => {
        rearmed.push([id, by.actorId]);
        return true;
      },
    },
    clock: { now: () => new Date('2026-12-01T10:00:00Z') },
    audit: { record: async (entry: unknown) => void recorded.push(entry) },
  };
}
