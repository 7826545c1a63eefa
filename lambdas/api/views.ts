/** Maps stored records onto the GraphQL types (schema/schema.graphql). */
import type { Caller } from '../core/auth/roles.ts';
import type { Job } from '../core/jobs/job.ts';
import {
  summaryWithoutRawText,
  templatesWithoutRawText,
  textWithoutRawText,
} from '../core/logs/without-raw-text.ts';
import { seesRawLogText } from '../core/use-cases/access.ts';
import { isHighlightsSection, type StoredChangelog } from '../core/use-cases/changelogs.ts';
import type { FeatureFlag } from '../core/use-cases/feature-flags.ts';
import type { LogEntryRecord } from '../core/use-cases/log-entries.ts';
import type { TicketChange, TicketRecord } from '../core/use-cases/tickets.ts';

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

export function logSummaryView(entry: LogEntryRecord, caller: Caller) {
  if (entry.summaryText === null || entry.summary === null) return null;
  const raw = seesRawLogText(caller);
  const json = raw ? entry.summary : summaryWithoutRawText(entry.summary);
  return {
    logEntryId: entry.id,
    text: raw ? entry.summaryText : textWithoutRawText(json),
    json,
    templates: raw ? (entry.templates ?? []) : templatesWithoutRawText(entry.templates ?? []),
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
    raw: seesRawLogText(caller) ? entry.raw : null,
    format: entry.format,
    source: entry.source,
    baselineEntryId: entry.baselineEntryId,
    sizeBytes: entry.sizeBytes,
    lineCount: entry.lineCount,
    redactions: entry.redactions,
    summary: logSummaryView(entry, caller),
    job: jobView(entry.job),
    createdAt: iso(entry.createdAt),
    updatedAt: iso(entry.updatedAt),
  };
}

export function changelogView(changelog: StoredChangelog) {
  const highlights = changelog.sections.find(isHighlightsSection);
  return {
    ...changelog,
    sections: changelog.sections.filter((section) => !isHighlightsSection(section)),
    highlights: highlights?.text ?? null,
    highlightsInfo: highlights ? highlights.llm : null,
    createdAt: iso(changelog.createdAt),
  };
}

export function featureFlagView(flag: FeatureFlag) {
  return { ...flag, updatedAt: iso(flag.updatedAt) };
}

/** A similar ticket as `Ticket.similar` lists it (its own `similar` only when the query went that deep). */
export interface SimilarTicketView {
  score: number;
  ticket: TicketView | undefined;
}

export type TicketView = ReturnType<typeof ticketView>;

export function ticketView(ticket: TicketRecord, similar?: SimilarTicketView[]) {
  const triage = ticket.triage ?? {};
  const confidence = typeof triage.confidence === 'number' ? triage.confidence : null;
  return {
    id: ticket.id,
    ownerId: ticket.ownerId,
    title: ticket.title,
    body: ticket.body,
    project: ticket.project,
    team: ticket.team,
    duplicateOf: ticket.duplicateOf,
    similar: similar ?? null,
    status: ticket.status,
    version: ticket.version,
    triage: {
      status: ticket.job.status,
      category: ticket.category,
      priority: ticket.priority,
      labels: ticket.labels,
      confidence,
      details: ticket.triage ? (triage.details ?? null) : null,
      rationale: typeof triage.rationale === 'string' ? triage.rationale : null,
      classifierVersion: typeof triage.classifierVersion === 'string' ? triage.classifierVersion : null,
      correction: ticket.correction,
    },
    createdAt: iso(ticket.createdAt),
    updatedAt: iso(ticket.updatedAt),
  };
}

export function changeView(change: TicketChange) {
  return {
    at: iso(change.at),
    actorId: change.actorId,
    action: change.action,
    changes: change.changes,
    meta: change.meta,
  };
}
