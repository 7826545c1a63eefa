/**
 * The ticket lifecycle after creation: read by its owner (OPS and ADMIN: everyone's), updated with
 * optimistic locking, corrected by people (kept for retraining), and every change recorded so history and
 * point-in-time reads can be rebuilt. Creating and triaging a ticket are the triage-ticket job kind's use
 * cases (`core/jobs/kinds/triage-ticket`). Inputs arrive checked and typed from the edge.
 */
import type { Caller } from '../auth/roles.ts';
import type { Clock } from '../clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { IdempotentRequest } from '../idempotency.ts';
import type { Job, JobStatus, NewJob } from '../jobs/job.ts';
import { type Cursor, LIST_ANSWER_BYTES, type Page, type PageRequest, toPage } from '../pagination.ts';
import { assertCanRead, canRead, seesEveryone } from './access.ts';

export const TICKET_STATUSES = ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface TicketRecord {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  /** Project or repository, trimmed and lower-cased; null when not given. */
  project: string | null;
  status: TicketStatus;
  version: number;
  category: string | null;
  priority: string | null;
  labels: string[];
  /** The team or queue the triage (a served model's `team` output) or a person routed the ticket to. */
  team: string | null;
  /** The ticket this one was marked a duplicate of. */
  duplicateOf: string | null;
  triage: Record<string, unknown> | null;
  correction: Record<string, unknown> | null;
  redactions: Record<string, number>;
  createdAt: Date;
  updatedAt: Date;
  job: Job;
}

/**
 * A ticket as a list reads it: each of its large columns (`LargeTicketColumn`) only when the query shows it,
 * null otherwise. A body is up to 256 KiB; the triage and the correction are JSON decoded on every read.
 */
export type ListedTicket = Omit<TicketRecord, 'body'> & { body: string | null };

/** The columns of a ticket a list may leave out: its body and its triage and correction (JSON). */
export type LargeTicketColumn = 'body' | 'triage' | 'correction';

/** Which large columns to read; those not wanted come back null. */
export type TicketColumnsWanted = Readonly<Record<LargeTicketColumn, boolean>>;

export interface TicketChange {
  at: Date;
  actorId: string | null;
  action: string;
  changes: Record<string, { from: unknown; to: unknown }>;
  meta: Record<string, unknown> | null;
}

export interface TicketFilter {
  status?: TicketStatus | null;
  category?: string | null;
  priority?: Priority | null;
  label?: string | null;
  project?: string | null;
  team?: string | null;
  /** Words that must all occur in the title or body (prefixes match: `crash` finds `crashes`). */
  text?: readonly string[] | null;
}

/** A ticket's similarity fingerprint as stored: term hashes (signed 32-bit) and their weights. */
export interface SimilarityVector {
  terms: number[];
  weights: number[];
}

/** A ticket like another one, and how alike (cosine of their fingerprints, 0..1). */
export interface SimilarTicketRecord {
  /** Read with only the large columns the query shows of it, as a list reads its tickets. */
  ticket: ListedTicket;
  score: number;
}

/** A person's recorded correction, with the ticket's text: one training example. */
export interface CorrectionRecord {
  id: string;
  title: string;
  body: string;
  project: string | null;
  createdAt: Date;
  category: string;
  priority: string | null;
  team: string | null;
  correctedAt: Date;
}

export interface CorrectionsQuery {
  since: Date | null;
  after: { at: Date; id: string } | null;
  limit: number;
}

/** Outcome of a conditional write: applied, or why not (so the use case picks the error). */
export type VersionedWrite =
  | { status: 'updated'; ticket: TicketRecord }
  | { status: 'notFound' }
  | { status: 'stale'; version: number };

export interface NewTicket {
  ownerId: string;
  title: string;
  body: string;
  project: string | null;
  redactions: Record<string, number>;
}

export interface TicketRepo {
  /**
   * Ticket + job + creation record in one transaction; a key this owner used for the same request returns the
   * first ticket, for another request throws `idempotencyKeyReused`.
   */
  create(
    ticket: NewTicket,
    job: Pick<NewJob, 'kind' | 'traceId'>,
    idempotency: IdempotentRequest | null,
  ): Promise<{ ticket: TicketRecord; created: boolean }>;
  get(id: string): Promise<TicketRecord | null>;
  /** Each ticket with only the large `columns` wanted; the others are null. */
  list(query: {
    ownerId: string | null;
    filter: TicketFilter;
    limit: number;
    after: Cursor | null;
    columns: TicketColumnsWanted;
  }): Promise<{ row: ListedTicket; cursor: Cursor }[]>;
  /**
   * Applies `changes` only if the ticket is at `expectedVersion`, bumps the version and records the fields
   * that differ. A change in which no field differs (and no fingerprint) is no write: same version, no record.
   */
  update(
    id: string,
    expectedVersion: number,
    change: {
      actorId: string | null;
      action: string;
      set: Partial<Record<TicketField, unknown>>;
      meta?: Record<string, unknown>;
      /** The fingerprint of the ticket's text (not a tracked field: it follows the text). */
      similarity?: SimilarityVector;
    },
  ): Promise<VersionedWrite>;
  history(id: string): Promise<TicketChange[]>;
  /** The status steps of job `jobId` (the ticket's triage job), oldest first. */
  jobStatusChanges(jobId: string): Promise<{ at: Date; from: JobStatus; to: JobStatus }[]>;
  /**
   * Tickets whose fingerprint is closest to ticket `id`'s (none when it has no fingerprint yet), best first:
   * at most `limit` with a score of at least `minScore`, among the owner's tickets (everyone's for null);
   * each with only the large `columns` wanted, the others null.
   */
  similar(query: {
    id: string;
    ownerId: string | null;
    limit: number;
    minScore: number;
    columns: TicketColumnsWanted;
  }): Promise<SimilarTicketRecord[]>;
  /**
   * Tickets with a recorded correction made after `since`, oldest correction first (then by id), past the
   * `after` position of the previous page.
   */
  corrections(query: CorrectionsQuery): Promise<CorrectionRecord[]>;
}

/** The fields whose changes are recorded and replayed by `ticketAt`. */
export type TicketField =
  | 'title'
  | 'body'
  | 'project'
  | 'status'
  | 'category'
  | 'priority'
  | 'labels'
  | 'team'
  | 'duplicateOf'
  | 'triage'
  | 'correction';

export { normalisedProject } from '../tickets/input.ts';

export async function getTicket(
  deps: { tickets: Pick<TicketRepo, 'get'> },
  input: { caller: Caller; id: string },
): Promise<TicketRecord> {
  const ticket = await deps.tickets.get(input.id);
  if (!ticket) throw new NotFoundError('Ticket');
  assertCanRead(input.caller, ticket.ownerId, 'Ticket');
  return ticket;
}

/**
 * A page of the caller's tickets (everyone's for OPS and ADMIN), each read with only the large `columns` wanted
 * and turned into its answer once (`view`). With `sizeOf` (bytes of one answer) the page stays within
 * LIST_ANSWER_BYTES: 100 bodies of 256 KiB would pass a Lambda response (6 MB).
 */
export async function listTickets<Item>(
  deps: { tickets: Pick<TicketRepo, 'list'> },
  input: {
    caller: Caller;
    filter: TicketFilter;
    page: PageRequest;
    columns: TicketColumnsWanted;
    view: (ticket: ListedTicket) => Item;
    sizeOf?: (item: Item) => number;
  },
): Promise<Page<Item>> {
  const { limit, after } = input.page;
  const rows = await deps.tickets.list({
    ownerId: seesEveryone(input.caller) ? null : input.caller.userId,
    filter: input.filter,
    limit: limit + 1,
    after,
    columns: input.columns,
  });
  const budget = input.sizeOf ? { maxBytes: LIST_ANSWER_BYTES, sizeOf: input.sizeOf } : undefined;
  return toPage(rows, limit, input.view, budget);
}

async function writeVersioned(
  deps: { tickets: TicketRepo },
  caller: Caller,
  id: string,
  expectedVersion: number,
  change: Parameters<TicketRepo['update']>[2],
): Promise<TicketRecord> {
  const current = await deps.tickets.get(id);
  if (!current) throw new NotFoundError('Ticket');
  assertCanRead(caller, current.ownerId, 'Ticket');
  const result = await deps.tickets.update(id, expectedVersion, change);
  if (result.status === 'notFound') throw new NotFoundError('Ticket');
  if (result.status === 'stale') {
    throw new ConflictError(
      `Ticket was changed by someone else: expectedVersion ${expectedVersion}, current version ${result.version}`,
    );
  }
  return result.ticket;
}

/**
 * Sets the status. The status it already has changes nothing (same version, no history record; a stale
 * `expectedVersion` is still a ConflictError). A ticket closed as a duplicate and set to any other status is
 * no longer a duplicate: `duplicateOf` is cleared in the same recorded change.
 */
export async function updateTicketStatus(
  deps: { tickets: TicketRepo },
  input: { caller: Caller; id: string; status: TicketStatus; expectedVersion: number },
): Promise<TicketRecord> {
  const set: Partial<Record<TicketField, unknown>> = { status: input.status };
  // Unconditional, so the locked row decides: the repo records it only when the ticket was a duplicate.
  if (input.status !== 'CLOSED') set.duplicateOf = null;
  return writeVersioned(deps, input.caller, input.id, input.expectedVersion, {
    actorId: input.caller.userId,
    action: 'status_changed',
    set,
  });
}

/**
 * A person's team, as it will be filtered on and learned from: trimmed (" SRE " was stored as written, a
 * class apart from "sre" in retraining); blank is refused (omit it to keep the current team).
 */
function correctedTeam(team: string | null | undefined): string | null {
  if (team === undefined || team === null) return null;
  const trimmed = team.trim();
  if (trimmed === '')
    throw new ValidationError('team', 'must not be blank (omit it to keep the current team)');
  return trimmed;
}

/** A person's labels: trimmed, each once, in the order given; a blank one is refused. */
function correctedLabels(labels: readonly string[] | null | undefined): string[] | null {
  if (labels === undefined || labels === null) return null;
  const out: string[] = [];
  for (const [i, label] of labels.entries()) {
    const trimmed = label.trim();
    if (trimmed === '') throw new ValidationError(`labels[${i}]`, 'must not be blank');
    if (!out.includes(trimmed)) out.push(trimmed);
  }
  return out;
}

/**
 * A person's answer replaces the triage fields and is kept (with the classifier's answer) for retraining.
 * The category must be one the triage answers (`categories`, canonical names); `bug` or `Feature request`
 * name BUG and FEATURE_REQUEST, as for the worker's TRIAGE_CATEGORIES.
 */
export async function correctTriage(
  deps: { tickets: TicketRepo; categories: readonly string[]; clock: Clock },
  input: {
    caller: Caller;
    id: string;
    category: string;
    priority: Priority | null;
    labels: string[] | null;
    /** The team or queue, as a person routes it (kept for retraining a `team` output). */
    team?: string | null;
    expectedVersion: number;
  },
): Promise<TicketRecord> {
  const wanted = input.category
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const category = deps.categories.find((known) => known.toLowerCase() === wanted);
  if (category === undefined) {
    throw new ValidationError(
      'category',
      `unknown category "${input.category}"; one of ${deps.categories.join(', ')}`,
    );
  }
  const { priority } = input;
  const labels = correctedLabels(input.labels);
  const team = correctedTeam(input.team);
  const set: Partial<Record<TicketField, unknown>> = { category };
  if (priority) set.priority = priority;
  if (labels) set.labels = labels;
  if (team) set.team = team;
  set.correction = {
    category,
    priority,
    labels,
    ...(team ? { team } : {}),
    by: input.caller.userId,
    at: deps.clock.now().toISOString(),
  };
  return writeVersioned(deps, input.caller, input.id, input.expectedVersion, {
    actorId: input.caller.userId,
    action: 'triage_corrected',
    set,
  });
}

export async function ticketHistory(deps: { tickets: TicketRepo }, input: { caller: Caller; id: string }) {
  const ticket = await getTicket(deps, input);
  return deps.tickets.history(ticket.id);
}

/**
 * The ticket as it was at `at`: its creation snapshot with every recorded change up to then applied in order,
 * and the triage status its job had then (the job's recorded steps), not the job's current one.
 */
export async function ticketAt(
  deps: { tickets: TicketRepo },
  input: { caller: Caller; id: string; at: Date },
): Promise<TicketRecord> {
  const { at } = input;
  const ticket = await getTicket(deps, input);
  if (at < ticket.createdAt)
    throw new NotFoundError(
      `Ticket at ${at.toISOString()}`,
      `it was created at ${ticket.createdAt.toISOString()}`,
    );
  const state: Record<string, unknown> = { ...ticket };
  const history = await deps.tickets.history(ticket.id);
  const first = history[0];
  if (first?.action !== 'created') throw new Error(`Ticket ${ticket.id} has no creation record`);
  let version = 0;
  for (const change of history) {
    if (change.at > at) break;
    for (const [field, { to }] of Object.entries(change.changes)) state[field] = to;
    version += 1;
    state.updatedAt = change.at;
  }
  const steps = await deps.tickets.jobStatusChanges(ticket.job.id);
  let status = steps[0]?.from ?? ticket.job.status;
  for (const step of steps) {
    if (step.at > at) break;
    status = step.to;
  }
  return { ...(state as unknown as TicketRecord), version, job: { ...ticket.job, status } };
}

/** Tickets shown as similar: at most this many, and only when at least this alike (docs/triage.md). */
export const SIMILAR_LIMIT = 3;
export const SIMILAR_MIN_SCORE = 0.3;

/**
 * Up to three tickets like `ticket` among those the caller can see (their own; OPS and ADMIN: everyone's),
 * best first. A ticket the triage worker has not fingerprinted yet has none.
 */
export async function similarTickets(
  deps: { tickets: Pick<TicketRepo, 'similar'> },
  input: { caller: Caller; ticket: Pick<TicketRecord, 'id'>; columns: TicketColumnsWanted },
): Promise<SimilarTicketRecord[]> {
  return deps.tickets.similar({
    id: input.ticket.id,
    ownerId: seesEveryone(input.caller) ? null : input.caller.userId,
    limit: SIMILAR_LIMIT,
    minScore: SIMILAR_MIN_SCORE,
    columns: input.columns,
  });
}

/**
 * The similar tickets of each of `tickets`, in order, looked up one ticket at a time, as they already ran in a
 * Lambda (whose pool has one connection). All at once, a page of 100 queued 100 scored queries on the local API's
 * pool of ten, which every request shares: fifty aliases of such a page held it for 19–26 s, and a concurrent
 * `me` waited 13.6–19 s; one at a time, `me` took p50 0.27 s, at most 1.2 s (300 tickets, load average 15).
 */
export async function similarTicketsOfEach(
  deps: { tickets: Pick<TicketRepo, 'similar'> },
  input: { caller: Caller; tickets: readonly Pick<TicketRecord, 'id'>[]; columns: TicketColumnsWanted },
): Promise<SimilarTicketRecord[][]> {
  const similar: SimilarTicketRecord[][] = [];
  for (const ticket of input.tickets)
    similar.push(await similarTickets(deps, { caller: input.caller, ticket, columns: input.columns }));
  return similar;
}

/** Links followed when checking that marking a duplicate makes no cycle. */
const MAX_DUPLICATE_CHAIN = 50;

/**
 * Marks ticket `id` a duplicate of ticket `of` (both visible to the caller) and closes it; recorded in its
 * history. Marking it again with the same original changes nothing. A ticket cannot be a duplicate of itself
 * or of a ticket that is (through others) a duplicate of it.
 */
export async function markDuplicate(
  deps: { tickets: TicketRepo },
  input: { caller: Caller; id: string; of: string; expectedVersion: number | null },
): Promise<TicketRecord> {
  if (input.id === input.of) throw new ValidationError('of', 'a ticket cannot be a duplicate of itself');
  const ticket = await getTicket(deps, input);
  const original = await deps.tickets.get(input.of);
  if (!original || !canRead(input.caller, original.ownerId)) throw new NotFoundError('Ticket given as of');
  if (ticket.duplicateOf === original.id && input.expectedVersion === null) return ticket;
  let next: string | null = original.duplicateOf;
  for (let hops = 0; next !== null && hops < MAX_DUPLICATE_CHAIN; hops++) {
    if (next === ticket.id) {
      throw new ValidationError('of', `ticket ${original.id} is already marked a duplicate of this ticket`);
    }
    next = (await deps.tickets.get(next))?.duplicateOf ?? null;
  }
  return writeVersioned(deps, input.caller, ticket.id, input.expectedVersion ?? ticket.version, {
    actorId: input.caller.userId,
    action: 'marked_duplicate',
    set: { duplicateOf: original.id, status: 'CLOSED' },
    meta: { of: original.id },
  });
}

/** The longest text search, and the most words it may hold. */
export const TEXT_SEARCH_MAX_CHARS = 200;
export const TEXT_SEARCH_MAX_WORDS = 8;

/**
 * The words of a text search: letters and digits (anything else separates words), lower-cased, at most
 * eight. Search matches tickets containing every word, as a word or a word's beginning.
 */
export function textSearchWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words)];
  if (unique.length === 0) throw new ValidationError('filter.text', 'must contain a letter or digit');
  if (unique.length > TEXT_SEARCH_MAX_WORDS) {
    throw new ValidationError('filter.text', `must have at most ${TEXT_SEARCH_MAX_WORDS} words`);
  }
  return unique;
}

/** One page of recorded corrections, oldest first, for `ai-ops tickets export-corrections`. */
export function correctionsAfter(
  deps: { tickets: Pick<TicketRepo, 'corrections'> },
  query: CorrectionsQuery,
): Promise<CorrectionRecord[]> {
  return deps.tickets.corrections(query);
}
