/** The jobs table read for systemHealth: the last hour per kind, and how long the oldest waiting job waits. */
import { and, eq, gte, inArray, isNotNull, min, sql } from 'drizzle-orm';
import type { JobKind } from '../../core/jobs/job.ts';
import type { JobOutcomes, JobStats } from '../../core/use-cases/operations.ts';
import type { Sql } from './client.ts';
import type { DatabaseExecutor } from './job-repo.ts';
import { jobs } from './schema.ts';

export function createJobStats(db: DatabaseExecutor): JobStats {
  return {
    async lastHour(kinds, since) {
      const finished = await db
        .select({
          kind: jobs.kind,
          succeeded: sql<number>`count(*) filter (where ${jobs.status} = 'SUCCEEDED')::int`,
          failed: sql<number>`count(*) filter (where ${jobs.status} = 'FAILED')::int`,
          p95: sql<number | null>`(percentile_cont(0.95) within group (
            order by extract(epoch from ${jobs.finishedAt} - ${jobs.startedAt}) * 1000
          ) filter (where ${jobs.status} = 'SUCCEEDED'))::float8`,
        })
        .from(jobs)
        .where(and(inArray(jobs.kind, [...kinds]), gte(jobs.finishedAt, since)))
        .groupBy(jobs.kind);
      const waiting = await db
        .select({
          kind: jobs.kind,
          age: sql<number | null>`extract(epoch from now() - ${min(jobs.enqueuedAt)})::float8`,
        })
        .from(jobs)
        .where(and(inArray(jobs.kind, [...kinds]), eq(jobs.status, 'QUEUED'), isNotNull(jobs.enqueuedAt)))
        .groupBy(jobs.kind);
      const result = new Map<JobKind, JobOutcomes>();
      for (const kind of kinds) {
        const done = finished.find((row) => row.kind === kind);
        const wait = waiting.find((row) => row.kind === kind);
        result.set(kind, {
          succeeded: done?.succeeded ?? 0,
          failed: done?.failed ?? 0,
          p95DurationMs: done?.p95 === null || done?.p95 === undefined ? null : Math.round(done.p95),
          oldestWaitingSeconds:
            wait?.age === null || wait?.age === undefined ? null : Math.max(0, Math.round(wait.age)),
        });
      }
      return result;
    },
  };
}

/** Milliseconds for `select 1`; rejects when the database does not answer within `timeoutMs`. */
export async function probeDatabase(sql: Sql, timeoutMs = 3000): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database probe timed out')), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`, timeout]);
    return performance.now() - started;
  } finally {
    clearTimeout(timer);
  }
}
