/**
 * The operations surface: dead letters with the reason each failed (OPS and ADMIN read them; ADMIN redrives
 * and purges, both recorded in the audit log), and the health of the system per job kind (queue depths, the
 * last hour's outcomes, durations) and of the database.
 */
import type { Caller } from '../auth/roles.ts';
import { ForbiddenError } from '../errors.ts';
import { type Job, type JobKind, parseJobMessage } from '../jobs/job.ts';
import type { DeadLetter, DeadLetterAdmin, JobLookup, QueueReading, QueueStats } from '../jobs/ports.ts';
import { type RedriveDeps, redriveDeadLetters } from '../jobs/redrive.ts';
import { ALARM_THRESHOLDS } from '../metrics.ts';
import { type AuditLog, actorOf } from './audit.ts';
import { requireAdmin } from './feature-flags.ts';

/** OPS and ADMIN run the system: they see its health and its failures. */
export function requireOps(caller: Caller): void {
  if (caller.role !== 'OPS' && caller.role !== 'ADMIN')
    throw new ForbiddenError('Only OPS or ADMIN may do this');
}

export interface DeadLetterView extends DeadLetter {
  kind: JobKind;
  /** Why it failed, in words safe to show: the job's last error, or what is wrong with the message. */
  reason: string;
  firstFailedAt: Date | null;
  lastFailedAt: Date | null;
  job: Job | null;
}

/** The reason of one dead letter of `kind`'s queue, from its job when the message names one. */
export function deadLetterReason(letter: DeadLetter, kind: JobKind, job: Job | undefined): string {
  if (letter.jobId === null) {
    const parsed = parseJobMessage(letter.body);
    return `The message is not a job message (${parsed.ok ? 'unknown problem' : parsed.problem})`;
  }
  if (!job) return 'The message names a job that does not exist (it may have been deleted with its data)';
  if (job.kind !== kind)
    return `The message names a ${job.kind} job, which does not belong on the ${kind} queue`;
  if (job.status === 'SUCCEEDED') return 'The job succeeded on a later delivery: this message can be purged';
  if (job.lastError) return job.lastError;
  return job.status === 'FAILED'
    ? 'The job failed without a recorded reason'
    : 'The worker gave up on the message before the job recorded a failure (timeout or crash)';
}

export async function listDeadLetters(
  deps: { deadLetters: Pick<DeadLetterAdmin, 'list'>; jobs: JobLookup },
  input: { caller: Caller; kinds: readonly JobKind[]; limit: number },
): Promise<DeadLetterView[]> {
  requireOps(input.caller);
  const pages = await Promise.all(
    input.kinds.map(async (kind) =>
      (await deps.deadLetters.list(kind, input.limit)).map((letter) => ({ kind, letter })),
    ),
  );
  const letters = pages.flat();
  const ids = [...new Set(letters.flatMap(({ letter }) => (letter.jobId ? [letter.jobId] : [])))];
  const jobs = new Map((await deps.jobs.findMany(ids)).map((job) => [job.id, job]));
  return letters.map(({ kind, letter }) => {
    const job = letter.jobId ? jobs.get(letter.jobId) : undefined;
    return {
      ...letter,
      kind,
      reason: deadLetterReason(letter, kind, job),
      firstFailedAt: job?.firstFailedAt ?? null,
      lastFailedAt: job?.lastFailedAt ?? null,
      job: job ?? null,
    };
  });
}

type QueueAdminDeps = RedriveDeps & { audit: Pick<AuditLog, 'record'> };

/** What an ADMIN may do to a kind's dead letters, and how the audit log records it. */
const QUEUE_ACTIONS = {
  /** Back to the work queue (a fresh attempt: issue 13's redrive semantics). */
  redrive: {
    action: 'DEAD_LETTERS_REDRIVEN',
    run: async (deps: QueueAdminDeps, kind: JobKind, actorId: string) => {
      const { rearmed, ...moved } = await redriveDeadLetters(deps, { kind, actorId });
      return { ...moved, jobsRequeued: rearmed };
    },
  },
  /** Deleted for good; their jobs stay FAILED with their reasons. */
  purge: {
    action: 'DEAD_LETTERS_PURGED',
    run: (deps: QueueAdminDeps, kind: JobKind, _actorId: string) => deps.deadLetters.purge(kind),
  },
} as const;

type QueueAction = keyof typeof QUEUE_ACTIONS;
type QueueActionResult<A extends QueueAction> = Awaited<ReturnType<(typeof QUEUE_ACTIONS)[A]['run']>>;

/** Redrives or purges a kind's dead letters; what was done, by whom and to how many goes to the audit log. */
export async function actOnDeadLetters<A extends QueueAction>(
  deps: QueueAdminDeps,
  input: { caller: Caller; kind: JobKind; action: A },
): Promise<QueueActionResult<A>> {
  requireAdmin(input.caller);
  const { action, run } = QUEUE_ACTIONS[input.action];
  const result = (await run(deps, input.kind, input.caller.userId)) as QueueActionResult<A>;
  await deps.audit.record({
    actor: actorOf(input.caller),
    action,
    target: { type: 'queue', id: input.kind, label: input.kind },
    details: { ...result },
  });
  return result;
}

export type HealthStatus = 'OK' | 'WARNING' | 'FAILING';

/** The last hour of a kind's jobs, from the jobs table. */
export interface JobOutcomes {
  succeeded: number;
  failed: number;
  /** Of the jobs that succeeded, first start to finish; null when none did. */
  p95DurationMs: number | null;
  /** How long the oldest job accepted and sent, but not yet started, has waited; null when none waits. */
  oldestWaitingSeconds: number | null;
}

export interface JobStats {
  lastHour(kinds: readonly JobKind[], since: Date): Promise<Map<JobKind, JobOutcomes>>;
}

export interface HealthSources {
  queues: QueueStats;
  jobs: JobStats;
  /** Round trip of a trivial query; rejects when the database does not answer. */
  probeDatabase: () => Promise<number>;
}

export interface QueueHealth extends Partial<JobOutcomes> {
  kind: JobKind;
  description: string;
  status: HealthStatus;
  reading: (QueueReading & { oldestAgeSeconds: number | null }) | null;
  problems: string[];
}

export interface SystemHealth {
  status: HealthStatus;
  checkedAt: Date;
  database: { status: HealthStatus; latencyMs: number | null; message: string | null };
  queues: QueueHealth[];
  problems: string[];
}

const RANK: Readonly<Record<HealthStatus, number>> = { OK: 0, WARNING: 1, FAILING: 2 };
const worst = (statuses: HealthStatus[]): HealthStatus =>
  statuses.reduce<HealthStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'OK');

/** What needs attention in one kind's numbers, each with the status it warrants. */
function queueProblems(kind: JobKind, reading: QueueReading | null, outcomes: JobOutcomes | undefined) {
  const problems: { status: HealthStatus; text: string }[] = [];
  if (!reading) problems.push({ status: 'FAILING', text: `${kind}: the queue could not be read` });
  if (reading && reading.deadLetters > 0) {
    const letters = reading.deadLetters === 1 ? '1 dead letter' : `${reading.deadLetters} dead letters`;
    problems.push({ status: 'WARNING', text: `${kind}: ${letters} to look at` });
  }
  const age = reading?.oldestAgeSeconds ?? null;
  if (age !== null && age >= ALARM_THRESHOLDS.oldestMessageSeconds) {
    problems.push({
      status: 'FAILING',
      text: `${kind}: the oldest message has waited ${Math.round(age / 60)} minutes`,
    });
  }
  const finished = (outcomes?.succeeded ?? 0) + (outcomes?.failed ?? 0);
  const failed = outcomes?.failed ?? 0;
  // The alarm's rule over the hour this reads: each breaching period holds a failed job, so it takes as many
  // failures as periods; no floor of finished jobs, so a quiet kind whose every job fails shows.
  if (
    failed >= ALARM_THRESHOLDS.workerFailurePeriods &&
    (100 * failed) / finished >= ALARM_THRESHOLDS.workerFailurePercent
  ) {
    problems.push({
      status: 'WARNING',
      text: `${kind}: ${failed} of ${finished} jobs failed in the last hour`,
    });
  }
  return problems;
}

export interface KindInfo {
  kind: JobKind;
  description: string;
}

/**
 * Reads every source it can and reports what it could not: a database that does not answer makes the
 * health FAILING, it never makes the query fail.
 */
export async function systemHealth(
  deps: { sources: () => Promise<HealthSources>; now: () => Date },
  input: { caller: Caller; kinds: readonly KindInfo[] },
): Promise<SystemHealth> {
  requireOps(input.caller);
  const checkedAt = deps.now();
  const sources = await deps.sources().catch(() => null);
  const latency = sources ? await sources.probeDatabase().catch(() => null) : null;
  const database =
    latency === null
      ? { status: 'FAILING' as const, latencyMs: null, message: 'The database did not answer' }
      : { status: 'OK' as const, latencyMs: Math.round(latency), message: null };
  const names = input.kinds.map((k) => k.kind);
  const since = new Date(checkedAt.getTime() - 3600_000);
  const outcomes =
    sources && latency !== null ? await sources.jobs.lastHour(names, since).catch(() => null) : null;
  const queues = await Promise.all(
    input.kinds.map(async ({ kind, description }): Promise<QueueHealth> => {
      const reading = sources ? await sources.queues.read(kind).catch(() => null) : null;
      const jobs = outcomes?.get(kind);
      // SQS keeps the age of its oldest message in CloudWatch only: the oldest waiting job stands in.
      const oldest = reading ? (reading.oldestAgeSeconds ?? jobs?.oldestWaitingSeconds ?? 0) : null;
      const withAge = reading ? { ...reading, oldestAgeSeconds: oldest } : null;
      const problems = queueProblems(kind, withAge, jobs);
      return {
        kind,
        description,
        status: worst(problems.map((p) => p.status)),
        reading: withAge,
        ...jobs,
        problems: problems.map((p) => p.text),
      };
    }),
  );
  const problems = [...(database.message ? [database.message] : []), ...queues.flatMap((q) => q.problems)];
  return {
    status: worst([database.status, ...queues.map((q) => q.status)]),
    checkedAt,
    database,
    queues,
    problems,
  };
}
