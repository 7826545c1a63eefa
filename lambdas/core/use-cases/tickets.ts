/**
 * The ticket lifecycle: created with triage QUEUED, triaged by the worker, updated with optimistic locking,
 * corrected by people (kept for retraining), and every change recorded so history and point-in-time reads can
 * be rebuilt. USER and HR see their own tickets; OPS and ADMIN see all.
 */
import type { Caller } from '../auth/roles.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { dispatchJob } from '../jobs/dispatch.ts';
import type { Job } from '../jobs/job.ts';
import { triageTicket } from '../jobs/kinds/triage-ticket/definition.ts';
import type { JobQueue, JobRepo, WarningLog } from '../jobs/ports.ts';
import { type Cursor, type Page, pageRequest, toPage } from '../pagination.ts';
import { Redactor } from '../redaction/redact.ts';
import { TICKET_LIMITS } from '../tickets/index.ts';
import { assertCanRead, optionalIdempotencyKey, requireId, seesEveryone } from './access.ts';

export const TICKET_STATUSES = ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** What a triage (classifier or model) answered, stored whole in `triage`. */
export interface TriageAnswer {
  category: string;
  priority: Priority;
  labels: string[];
  confidence: number;
  rationale: string;
  classifierVersion: string;
  details: Record<string, unknown>;
}

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
  triage: Record<string, unknown> | null;
  correction: Record<string, unknown> | null;
  redactions: Record<string, number>;
  createdAt: Date;
  updatedAt: Date;
  job: Job;
}

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
}

/** Outcome of a conditional write: applied, or why not (so the use case picks the error). */
export type VersionedWrite =
  | { status: 'updated'; ticket: TicketRecord }
  | { status: 'notFound' }
  | { status: 'stale'; version: number };

export interface TicketRepo {
  create(
    ticket: {
      ownerId: string;
      title: string;
      body: string;
      project: string | null;
      redactions: Record<string, number>;
      traceId: string | null;
    },
    idempotencyKey: string | null,
  ): Promise<{ ticket: TicketRecord; created: boolean }>;
  get(id: string): Promise<TicketRecord | null>;
  list(query: {
    ownerId: string | null;
    filter: TicketFilter;
    limit: number;
    after: Cursor | null;
  }): Promise<{ row: TicketRecord; cursor: Cursor }[]>;
  /** Applies `changes` only if the ticket is at `expectedVersion`, bumps the version and records the change. */
  update(
    id: string,
    expectedVersion: number,
    change: {
      actorId: string | null;
      action: string;
      set: Partial<Record<TicketField, unknown>>;
      meta?: Record<string, unknown>;
    },
  ): Promise<VersionedWrite>;
  history(id: string): Promise<TicketChange[]>;
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
  | 'triage'
  | 'correction';

export type ClassifyTicket = (ticket: {
  title: string;
  body: string;
  project: string | null;
}) => TriageAnswer;

export interface CreateTicketDeps {
  tickets: TicketRepo;
  jobs: JobRepo;
  queue: JobQueue;
  /** Validates title, body and project before any work (the classifier's own limits). */
  validate: (input: { title: unknown; body: unknown; project: unknown }) => {
    title: string;
    body: string;
    project: string | undefined;
  };
  log?: WarningLog;
}

/** A given project is trimmed and must not be blank; the classifier's limits apply to what remains. */
function trimmedProject(value: unknown, field: string): unknown {
  if (typeof value !== 'string') return value;
  const project = value.trim();
  if (project === '') throw new ValidationError(field, 'must not be blank (omit it instead)');
  return project;
}

/** How a project is stored and matched: lower-cased (projects compare case-insensitively), PII redacted. */
const normalisedProject = (project: string, redactor = new Redactor()) =>
  redactor.redact(project.toLowerCase());

export async function createTicket(
  deps: CreateTicketDeps,
  input: {
    caller: Caller;
    title: unknown;
    body: unknown;
    project?: unknown;
    idempotencyKey?: unknown;
    traceId?: string | null;
  },
): Promise<TicketRecord> {
  const { title, body, project } = deps.validate({
    title: input.title,
    body: input.body,
    project: trimmedProject(input.project, 'project'),
  });
  const idempotencyKey = optionalIdempotencyKey(input.idempotencyKey);
  const redactor = new Redactor();
  const { ticket, created } = await deps.tickets.create(
    {
      ownerId: input.caller.userId,
      title: redactor.redact(title),
      body: redactor.redact(body),
      project: project === undefined ? null : normalisedProject(project, redactor),
      redactions: { ...redactor.counts },
      traceId: input.traceId ?? null,
    },
    idempotencyKey,
  );
  if (!created) return ticket;
  const job = await dispatchJob({ jobs: deps.jobs, queue: deps.queue, log: deps.log }, ticket.job);
  return { ...ticket, job };
}

export async function getTicket(deps: { tickets: TicketRepo }, input: { caller: Caller; id: unknown }) {
  const ticket = await deps.tickets.get(requireId(input.id));
  if (!ticket) throw new NotFoundError('Ticket');
  assertCanRead(input.caller, ticket.ownerId, 'Ticket');
  return ticket;
}

function optionalMember<T extends string>(value: unknown, allowed: readonly T[], field: string): T | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ValidationError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function optionalWord(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !/^[\w .:/-]{1,64}$/.test(value)) {
    throw new ValidationError(field, 'must be 1-64 letters, digits or . _ : / -');
  }
  return value;
}

function optionalProjectFilter(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const project = trimmedProject(value, 'filter.project');
  const max = TICKET_LIMITS.projectMaxChars;
  if (typeof project !== 'string' || project.length > max) {
    throw new ValidationError('filter.project', `must be a string of at most ${max} characters`);
  }
  return normalisedProject(project);
}

export async function listTickets(
  deps: { tickets: TicketRepo },
  input: { caller: Caller; filter?: Record<string, unknown> | null; limit?: unknown; nextToken?: unknown },
): Promise<Page<TicketRecord>> {
  const { limit, after } = pageRequest(input);
  const raw = input.filter ?? {};
  const filter: TicketFilter = {
    status: optionalMember(raw.status, TICKET_STATUSES, 'filter.status'),
    category: optionalWord(raw.category, 'filter.category')?.toUpperCase() ?? null,
    priority: optionalMember(raw.priority, PRIORITIES, 'filter.priority'),
    label: optionalWord(raw.label, 'filter.label')?.toLowerCase() ?? null,
    project: optionalProjectFilter(raw.project),
  };
  const rows = await deps.tickets.list({
    ownerId: seesEveryone(input.caller) ? null : input.caller.userId,
    filter,
    limit: limit + 1,
    after,
  });
  return toPage(rows, limit, (row) => row);
}

function requireVersion(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError('expectedVersion', 'must be a positive integer (the version you read)');
  }
  return value;
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

export async function updateTicketStatus(
  deps: { tickets: TicketRepo },
  input: { caller: Caller; id: unknown; status: unknown; expectedVersion: unknown },
): Promise<TicketRecord> {
  const id = requireId(input.id);
  const status = optionalMember(input.status, TICKET_STATUSES, 'status');
  if (!status) throw new ValidationError('status', `must be one of ${TICKET_STATUSES.join(', ')}`);
  return writeVersioned(deps, input.caller, id, requireVersion(input.expectedVersion), {
    actorId: input.caller.userId,
    action: 'status_changed',
    set: { status },
  });
}

/** A person's answer replaces the triage fields and is kept (with the classifier's answer) for retraining. */
export async function correctTriage(
  deps: { tickets: TicketRepo; knownCategory: (name: string) => string },
  input: {
    caller: Caller;
    id: unknown;
    category: unknown;
    priority?: unknown;
    labels?: unknown;
    expectedVersion: unknown;
  },
): Promise<TicketRecord> {
  const id = requireId(input.id);
  if (typeof input.category !== 'string') throw new ValidationError('category', 'must be a category name');
  const category = deps.knownCategory(input.category);
  const priority = optionalMember(input.priority, PRIORITIES, 'priority');
  let labels: string[] | null = null;
  if (input.labels !== undefined && input.labels !== null) {
    if (!Array.isArray(input.labels) || input.labels.length > 20) {
      throw new ValidationError('labels', 'must be a list of at most 20 labels');
    }
    labels = input.labels.map((label, index) => {
      const word = optionalWord(label, `labels[${index}]`);
      if (!word) throw new ValidationError(`labels[${index}]`, 'must not be empty');
      return word.toLowerCase();
    });
  }
  const set: Partial<Record<TicketField, unknown>> = { category };
  if (priority) set.priority = priority;
  if (labels) set.labels = labels;
  set.correction = { category, priority, labels, by: input.caller.userId, at: new Date().toISOString() };
  return writeVersioned(deps, input.caller, id, requireVersion(input.expectedVersion), {
    actorId: input.caller.userId,
    action: 'triage_corrected',
    set,
  });
}

export async function ticketHistory(deps: { tickets: TicketRepo }, input: { caller: Caller; id: unknown }) {
  const ticket = await getTicket(deps, input);
  return deps.tickets.history(ticket.id);
}

/** The ticket as it was at `at`: its creation snapshot with every recorded change up to then applied in order. */
export async function ticketAt(
  deps: { tickets: TicketRepo },
  input: { caller: Caller; id: unknown; at: unknown },
): Promise<TicketRecord> {
  if (typeof input.at !== 'string' || Number.isNaN(Date.parse(input.at))) {
    throw new ValidationError('at', 'must be an ISO 8601 date-time');
  }
  const at = new Date(input.at);
  const ticket = await getTicket(deps, input);
  if (at < ticket.createdAt) throw new NotFoundError('Ticket at that time (it did not exist yet)');
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
  return { ...(state as unknown as TicketRecord), version };
}

/** The triage worker's part: classify the stored ticket and record the answer (idempotent per job). */
export async function triageTicketJob(
  deps: { tickets: TicketRepo; classify: ClassifyTicket },
  job: Job,
): Promise<{ model: string | null }> {
  if (job.kind !== triageTicket.kind || !job.subjectId) {
    throw new ValidationError('job', `job ${job.id} is not a ticket triage job`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const ticket = await deps.tickets.get(job.subjectId);
    if (!ticket) throw new ValidationError('job', `ticket ${job.subjectId} no longer exists`);
    if (ticket.triage && ticket.triage.jobId === job.id) return { model: null };
    const answer = deps.classify({ title: ticket.title, body: ticket.body, project: ticket.project });
    const triage = { ...answer, jobId: job.id, triagedAt: new Date().toISOString() };
    // A person's correction wins over the classifier: keep it, but still record what the classifier said.
    const set: Partial<Record<TicketField, unknown>> = ticket.correction
      ? { triage }
      : { triage, category: answer.category, priority: answer.priority, labels: answer.labels };
    const result = await deps.tickets.update(ticket.id, ticket.version, {
      actorId: null,
      action: 'triaged',
      set,
      meta: { classifierVersion: answer.classifierVersion, confidence: answer.confidence },
    });
    if (result.status === 'updated') return { model: null };
    if (result.status === 'notFound')
      throw new ValidationError('job', `ticket ${job.subjectId} no longer exists`);
    // Someone changed the ticket meanwhile: read it again and retry on the new version.
  }
  throw new ConflictError(`Ticket ${job.subjectId} kept changing during triage`);
}
