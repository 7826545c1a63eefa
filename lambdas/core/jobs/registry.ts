/**
 * The one registry of job kinds. Adding a kind means a folder under `kinds/` (its definition, accept and run
 * use cases), its worker handler, and a line here; the CDK queues and workers, the local runtime, the admin
 * routes and the message parser all follow (docs/architecture.md walks through it).
 */
import type { JobKindDefinition } from './kind.ts';
import { summarizeLog } from './kinds/summarize-log/definition.ts';
import { triageTicket } from './kinds/triage-ticket/definition.ts';

export const JOB_KINDS = [summarizeLog, triageTicket] as const;

/** A job kind names the worker that handles it; each kind has its own queue. */
export type JobKind = (typeof JOB_KINDS)[number]['kind'];

/** Every kind's name, for schemas (`z.enum(JOB_KIND_NAMES)`). */
export const JOB_KIND_NAMES = JOB_KINDS.map((definition) => definition.kind) as [JobKind, ...JobKind[]];

export function isJobKind(value: string): value is JobKind {
  return (JOB_KIND_NAMES as readonly string[]).includes(value);
}

export function jobKindDefinition(kind: JobKind): JobKindDefinition<JobKind> {
  const definition = JOB_KINDS.find((candidate) => candidate.kind === kind);
  if (!definition) throw new Error(`Unknown job kind ${kind}`);
  return definition;
}
