import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Job, NewJob } from '../../core/jobs/job.ts';
import type { JobRepo } from '../../core/jobs/ports.ts';
import type { Database } from './client.ts';
import { changeEvents, jobs } from './schema.ts';

/** A transaction handed out by `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DatabaseExecutor = Database | Transaction;

const LIVE_STATUSES = ['QUEUED', 'PROCESSING'] as const;

const FINISHED_NOW = { finishedAt: sql`now()`, updatedAt: sql`now()` };

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
    })
    .returning();
  if (!row) throw new Error('Inserting a job returned no row');
  return row;
}

export function createJobRepo(db: DatabaseExecutor): JobRepo {
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

    async claim(id) {
      // `startedAt` keeps the first start so that finishedAt − startedAt covers every attempt.
      const [row] = await db
        .update(jobs)
        .set({
          status: 'PROCESSING',
          attempts: sql`${jobs.attempts} + 1`,
          startedAt: sql`coalesce(${jobs.startedAt}, now())`,
          updatedAt: sql`now()`,
        })
        .where(live(id))
        .returning();
      return row;
    },

    async recordAttemptError(id, reason) {
      await db.update(jobs).set({ lastError: reason, updatedAt: sql`now()` }).where(live(id));
    },

    async markSucceeded(id, result) {
      const finished = { status: 'SUCCEEDED' as const, model: result?.model ?? null, ...FINISHED_NOW };
      const rows = await db
        .update(jobs)
        .set(finished)
        .where(and(eq(jobs.id, id), eq(jobs.status, 'PROCESSING')))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    async markFailed(id, reason) {
      const rows = await db
        .update(jobs)
        .set({ status: 'FAILED', lastError: reason, ...FINISHED_NOW })
        .where(live(id))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    findUnsent: (olderThan, limit) => unsentJobs(db, olderThan, limit),

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
