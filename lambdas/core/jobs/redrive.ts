/**
 * Redriving a kind's dead letters. A redrive is not a duplicate delivery (DESIGN §5): each job a dead letter
 * names is re-armed first (back to QUEUED with a fresh attempt budget, recorded in the job's history with who
 * and when), then the letters move back to the kind's queue, where the worker runs them again. The order
 * matters: a letter delivered before its job was re-armed would meet a FAILED job and be dropped as a
 * duplicate.
 */
import type { Clock } from '../clock.ts';
import type { JobKind } from './job.ts';
import type { DeadLetterAdmin, JobRepo, RedriveResult } from './ports.ts';

export interface RedriveDeps {
  deadLetters: DeadLetterAdmin;
  jobs: Pick<JobRepo, 'rearm'>;
  clock: Clock;
}

export interface RedriveOutcome extends RedriveResult {
  /** Jobs put back to QUEUED with a fresh attempt budget. */
  rearmed: number;
}

export async function redriveDeadLetters(
  deps: RedriveDeps,
  input: { kind: JobKind; actorId: string | null },
): Promise<RedriveOutcome> {
  const letters = await deps.deadLetters.list(input.kind, deps.deadLetters.listLimit);
  const jobIds = [
    ...new Set(letters.map((letter) => letter.jobId).filter((id): id is string => id !== null)),
  ];
  const at = deps.clock.now();
  let rearmed = 0;
  for (const jobId of jobIds) {
    if (await deps.jobs.rearm(jobId, { actorId: input.actorId, at })) rearmed += 1;
  }
  const moved = await deps.deadLetters.redrive(input.kind);
  return { ...moved, rearmed };
}
