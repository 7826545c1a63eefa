/** Maps stored records onto the GraphQL types (schema/schema.graphql). */
import type { Caller } from '../core/auth/roles.ts';
import type { Job } from '../core/jobs/job.ts';
import type { StoredChangelog } from '../core/use-cases/changelogs.ts';
import type { LogEntryRecord } from '../core/use-cases/log-entries.ts';

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

export function jobView(job: Job) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    attempts: job.attempts,
    lastError: job.lastError,
    model: job.model,
    createdAt: iso(job.createdAt),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}

export function logSummaryView(entry: LogEntryRecord) {
  if (entry.summaryText === null || entry.summary === null) return null;
  return {
    logEntryId: entry.id,
    text: entry.summaryText,
    json: entry.summary,
    templates: entry.templates ?? [],
    generatedBy: entry.generatedBy ?? 'local',
    createdAt: iso(entry.summarizedAt ?? entry.updatedAt),
  };
}

export function logEntryView(entry: LogEntryRecord, caller: Caller) {
  return {
    id: entry.id,
    ownerId: entry.ownerId,
    status: entry.job.status,
    // AppSync denies LogEntry.raw to HR; leaving it out here as well keeps it off the wire even if it did not.
    raw: caller.role === 'HR' ? null : entry.raw,
    format: entry.format,
    sizeBytes: entry.sizeBytes,
    lineCount: entry.lineCount,
    redactions: entry.redactions,
    summary: logSummaryView(entry),
    job: jobView(entry.job),
    createdAt: iso(entry.createdAt),
    updatedAt: iso(entry.updatedAt),
  };
}

export function changelogView(changelog: StoredChangelog) {
  return { ...changelog, createdAt: iso(changelog.createdAt) };
}
