import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Job, JobStatus, NewJob } from '../../core/jobs/job.ts';
import type { JobLookup, JobRepo } from '../../core/jobs/ports.ts';
import type { Database } from './client.ts';
import { changeEvents, jobs } from './schema.ts';

/** A transaction handed out by `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DatabaseExecutor = Database | Transaction;

/** An uploaded log's job is claimed straight from AWAITING_UPLOAD when its upload's message arrives. */
const LIVE_STATUSES = ['QUEUED', 'PROCESSING', 'AWAITING_UPLOAD'] as const;

const FINISHED_NOW = { finishedAt: sql`now()`, updatedAt: sql`now()` };
/** A failed attempt: the first failure is kept, the latest moves on. */
const FAILED_NOW = { firstFailedAt: sql`coalesce(${jobs.firstFailedAt}, now())`, lastFailedAt: sql`now()` };

/** The job, while it is not final yet: the condition of every write a late delivery must not redo. */
const live = (id: string) => and(eq(jobs.id, id), inArray(jobs.status, LIVE_STATUSES));

/**
 * Inserts a job row with whatever executor the caller holds, so a resolver can create a job together with
 * its subject in one transaction, then `dispatchJob` it after the commit.
 */
export async function createJobRecord(executor: DatabaseExecutor, job: NewJob): Promise<Job> {
  const [row] = await executor
    .insert(jobs)
    .values({
      kind: job.kind,
      subjectId: job.subjectId ?? null,
      ownerId: job.ownerId ?? null,
      traceId: job.traceId ?? null,
      ...(job.status ? { status: job.status } : {}),
    })
    .returning();
  if (!row) throw new Error('Inserting a job returned no row');
  return row;
}

/**
 * One step of a job's life in the change history (entity `job`): what `logEntryHistory` shows beside the
 * entry's own changes. Written in the transaction of the step itself.
 */
async function recordStep(
  executor: DatabaseExecutor,
  job: Pick<Job, 'id' | 'kind' | 'attempts'>,
  step: { action: string; from: JobStatus; to: JobStatus; meta?: Record<string, unknown> },
): Promise<void> {
  await executor.insert(changeEvents).values({
    entityType: 'job',
    entityId: job.id,
    action: step.action,
    actorId: null,
    changes: { status: { from: step.from, to: step.to } },
    meta: { kind: job.kind, attempt: job.attempts, ...step.meta },
  });
}

export function createJobRepo(db: DatabaseExecutor): JobRepo & JobLookup {
  return {
    create: (job) => createJobRecord(db, job),

    async get(id) {
      const [row] = await db.select().from(jobs).where(eq(jobs.id, id)).limit(1);
      return row;
    },

    async markEnqueued(id) {
      await db
        .update(jobs)
        .set({ enqueuedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(jobs.id, id), isNull(jobs.enqueuedAt)));
    },

    async findMany(ids) {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(jobs)
        .where(inArray(jobs.id, [...ids]));
    },

    claim: (id) =>
      db.transaction(async (tx) => {
        const [before] = await tx.select({ status: jobs.status }).from(jobs).where(live(id)).for('update');
        if (!before) return undefined;
        // `startedAt` keeps the first start so that finishedAt − startedAt covers every attempt.
        const [row] = await tx
          .update(jobs)
          .set({
            status: 'PROCESSING',
            attempts: sql`${jobs.attempts} + 1`,
            startedAt: sql`coalesce(${jobs.startedAt}, now())`,
            updatedAt: sql`now()`,
          })
          .where(live(id))
          .returning();
        if (row) {
          const from = before.status;
          await recordStep(tx, row, { action: 'job_started', from, to: 'PROCESSING' });
        }
        return row;
      }),

    recordAttemptError: (id, reason) =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .update(jobs)
          .set({ lastError: reason, updatedAt: sql`now()`, ...FAILED_NOW })
          .where(live(id))
          .returning();
        if (row) {
          const step = { action: 'job_attempt_failed', meta: { reason, willRetry: true } } as const;
          await recordStep(tx, row, { ...step, from: row.status, to: row.status });
        }
      }),

    markSucceeded: (id, result) =>
      db.transaction(async (tx) => {
        const finished = { status: 'SUCCEEDED' as const, model: result?.model ?? null, ...FINISHED_NOW };
        const [row] = await tx
          .update(jobs)
          .set(finished)
          .where(and(eq(jobs.id, id), eq(jobs.status, 'PROCESSING')))
          .returning();
        if (!row) return false;
        const meta = { model: row.model };
        await recordStep(tx, row, { action: 'job_succeeded', from: 'PROCESSING', to: 'SUCCEEDED', meta });
        return true;
      }),

    markFailed: (id, reason) =>
      db.transaction(async (tx) => {
        const [before] = await tx.select({ status: jobs.status }).from(jobs).where(live(id)).for('update');
        if (!before) return false;
        const [row] = await tx
          .update(jobs)
          .set({ status: 'FAILED', lastError: reason, ...FINISHED_NOW, ...FAILED_NOW })
          .where(live(id))
          .returning();
        if (!row) return false;
        const meta = { reason };
        await recordStep(tx, row, { action: 'job_failed', from: before.status, to: 'FAILED', meta });
        return true;
      }),

    findUnsent: (olderThan, limit) => unsentJobs(db, olderThan, limit),

    findAbandonedUploads: (olderThan, limit) =>
      db
        .select()
        .from(jobs)
        .where(and(eq(jobs.status, 'AWAITING_UPLOAD'), lt(jobs.createdAt, olderThan)))
        .orderBy(asc(jobs.createdAt))
        .limit(limit),

    rearm: (id, by) => rearmJob(db, id, by),
  };
}

/** Back to QUEUED with a fresh attempt budget, and a `redriven` change event, in one transaction. */
async function rearmJob(
  db: DatabaseExecutor,
  id: string,
  by: { actorId: string | null; at: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ status: jobs.status, attempts: jobs.attempts, lastError: jobs.lastError })
      .from(jobs)
      .where(eq(jobs.id, id))
      .for('update');
    if (!before || before.status === 'SUCCEEDED') return false;
    await tx
      .update(jobs)
      .set({ status: 'QUEUED', attempts: 0, lastError: null, finishedAt: null, updatedAt: sql`now()` })
      .where(eq(jobs.id, id));
    await tx.insert(changeEvents).values({
      entityType: 'job',
      entityId: id,
      action: 'redriven',
      actorId: by.actorId,
      at: by.at,
      changes: {
        status: { from: before.status, to: 'QUEUED' },
        attempts: { from: before.attempts, to: 0 },
        lastError: { from: before.lastError, to: null },
      },
    });
    return true;
  });
}

/** QUEUED jobs that never reached a queue, created before `olderThan`, oldest first. */
function unsentJobs(db: DatabaseExecutor, olderThan: Date, limit: number): Promise<Job[]> {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, 'QUEUED'), isNull(jobs.enqueuedAt), lt(jobs.createdAt, olderThan)))
    .orderBy(asc(jobs.createdAt))
    .limit(limit);
}
