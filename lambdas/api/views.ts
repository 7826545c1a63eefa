/** Maps stored records onto the GraphQL types (schema/schema.graphql). */
import type { Caller } from '../core/auth/roles.ts';
import type { Job } from '../core/jobs/job.ts';
import {
  summaryWithoutRawText,
  templatesWithoutRawText,
  textWithoutRawText,
} from '../core/logs/without-raw-text.ts';
import { seesRawLogText } from '../core/use-cases/access.ts';
import type { AuditEntry } from '../core/use-cases/audit.ts';
import { isHighlightsSection, isNotesSection, type StoredChangelog } from '../core/use-cases/changelogs.ts';
import type { FlagListing } from '../core/use-cases/feature-flags.ts';
import {
  type ListedLogEntry,
  type LogColumnsWanted,
  type LogEntryRecord,
  SMALL_LOG_COLUMNS,
} from '../core/use-cases/log-entries.ts';
import type { DeadLetterView, SystemHealth } from '../core/use-cases/operations.ts';
import type { ListedTicket, TicketChange, TicketColumnsWanted } from '../core/use-cases/tickets.ts';

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

/**
 * Which fields of a view the query selected, from AppSync's `selectionSetList` (paths such as
 * `items/summary/text`) below `at`. Large fields (log text, summaries) are put in a view only when selected:
 * the resolver's whole answer crosses the Lambda response limit (6 MB) before AppSync picks the fields.
 */
export type Selected = (path: string) => boolean;

export const everything: Selected = () => true;

export function selectedIn(selection: readonly string[] | undefined, at = ''): Selected {
  if (!selection || selection.length === 0) return everything;
  const prefix = at === '' ? '' : `${at}/`;
  return (path) => selection.includes(prefix + path);
}

const below =
  (selected: Selected, field: string): Selected =>
  (path) =>
    selected(`${field}/${path}`);

/**
 * The large columns of an entry that a view of its summary with this selection shows: the JSON for `json`
 * (and for the text of a caller who may not see raw text, which is rewritten from it), the stored text for
 * anyone else's `text`, the templates for `templates`. Read nothing else: `logSummaryView` uses nothing else.
 */
export function summaryColumns(caller: Caller, selected: Selected): LogColumnsWanted {
  const raw = seesRawLogText(caller);
  const wantsText = selected('text');
  return {
    raw: false,
    summary: selected('json') || (wantsText && !raw),
    summaryText: wantsText && raw,
    templates: selected('templates'),
  };
}

/** The large columns `logEntryView` shows with this selection (the text only to those who may read it). */
export function logEntryColumns(caller: Caller, selected: Selected): LogColumnsWanted {
  return {
    ...(selected('summary') ? summaryColumns(caller, below(selected, 'summary')) : SMALL_LOG_COLUMNS),
    raw: selected('raw') && seesRawLogText(caller),
  };
}

/** Bytes of one item of an answer as it goes on the wire: what a page's byte budget counts. */
export const jsonBytes = (item: unknown): number => Buffer.byteLength(JSON.stringify(item));

/** Null before the entry is summarized (`summarizedAt`, written with the summary); only the selected parts. */
export function logSummaryView(entry: ListedLogEntry, caller: Caller, selected: Selected = everything) {
  if (entry.summarizedAt === null) return null;
  const raw = seesRawLogText(caller);
  const wantsText = selected('text');
  const json =
    entry.summary && (selected('json') || (wantsText && !raw)) ? shownSummary(entry.summary, raw) : null;
  return {
    logEntryId: entry.id,
    text: wantsText ? (raw ? entry.summaryText : json && textWithoutRawText(json)) : null,
    json: selected('json') ? json : null,
    templates: selected('templates') ? shownTemplates(entry.templates ?? [], raw) : null,
    generatedBy: entry.generatedBy ?? 'local',
    createdAt: iso(entry.summarizedAt ?? entry.updatedAt),
  };
}

const shownSummary = (summary: NonNullable<LogEntryRecord['summary']>, raw: boolean) =>
  raw ? summary : summaryWithoutRawText(summary);
const shownTemplates = (templates: NonNullable<LogEntryRecord['templates']>, raw: boolean) =>
  raw ? templates : templatesWithoutRawText(templates);

export function logEntryView(entry: ListedLogEntry, caller: Caller, selected: Selected = everything) {
  return {
    id: entry.id,
    ownerId: entry.ownerId,
    status: entry.job.status,
    // AppSync denies LogEntry.raw to HR; leaving it out here as well keeps it off the wire even if it did not.
    raw: selected('raw') && seesRawLogText(caller) ? entry.raw : null,
    format: entry.format,
    source: entry.source,
    baselineEntryId: entry.baselineEntryId,
    sizeBytes: entry.sizeBytes,
    lineCount: entry.lineCount,
    redactions: entry.redactions,
    summary: selected('summary') ? logSummaryView(entry, caller, below(selected, 'summary')) : null,
    job: jobView(entry.job),
    createdAt: iso(entry.createdAt),
    updatedAt: iso(entry.updatedAt),
  };
}

export function changelogView(changelog: StoredChangelog) {
  const highlights = changelog.sections.find(isHighlightsSection);
  return {
    ...changelog,
    sections: changelog.sections.filter(
      (section) => !isHighlightsSection(section) && !isNotesSection(section),
    ),
    notes: changelog.sections.find(isNotesSection)?.notes ?? [],
    highlights: highlights?.text ?? null,
    highlightsInfo: highlights ? highlights.llm : null,
    createdAt: iso(changelog.createdAt),
  };
}

export function featureFlagView(flag: FlagListing) {
  return { ...flag, updatedAt: iso(flag.updatedAt) };
}

/** A similar ticket as `Ticket.similar` lists it (its own `similar` only when the query went that deep). */
export interface SimilarTicketView {
  score: number;
  ticket: TicketView | undefined;
}

export type TicketView = ReturnType<typeof ticketView>;

/** Fields of `Ticket.triage` read from the stored triage JSON (the rest are columns or the job's status). */
const TRIAGE_JSON_FIELDS = ['confidence', 'details', 'rationale', 'classifierVersion'];

/** The large columns `ticketView` shows with this selection. */
export function ticketColumns(selected: Selected): TicketColumnsWanted {
  return {
    body: selected('body'),
    triage: TRIAGE_JSON_FIELDS.some((field) => selected(`triage/${field}`)),
    correction: selected('triage/correction'),
  };
}

export function ticketView(ticket: ListedTicket, similar?: SimilarTicketView[]) {
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

export function deadLetterView(letter: DeadLetterView) {
  return {
    messageId: letter.messageId,
    kind: letter.kind,
    jobId: letter.jobId,
    body: letter.body,
    receiveCount: letter.receiveCount,
    sentAt: iso(letter.sentAt),
    reason: letter.reason,
    firstFailedAt: iso(letter.firstFailedAt),
    lastFailedAt: iso(letter.lastFailedAt),
    job: letter.job ? jobView(letter.job) : null,
  };
}

export function systemHealthView(health: SystemHealth) {
  return {
    status: health.status,
    checkedAt: iso(health.checkedAt),
    database: health.database,
    problems: health.problems,
    queues: health.queues.map((queue) => ({
      kind: queue.kind,
      description: queue.description,
      status: queue.status,
      depth: queue.reading?.visible ?? null,
      inFlight: queue.reading?.inFlight ?? null,
      delayed: queue.reading?.delayed ?? null,
      oldestMessageAgeSeconds: queue.reading?.oldestAgeSeconds ?? null,
      deadLetters: queue.reading?.deadLetters ?? null,
      succeededLastHour: queue.succeeded ?? 0,
      failedLastHour: queue.failed ?? 0,
      p95DurationMs: queue.p95DurationMs ?? null,
      problems: queue.problems,
    })),
  };
}

export function auditEntryView(entry: AuditEntry) {
  return { ...entry, id: String(entry.id), at: iso(entry.at) };
}
