import { isDeepStrictEqual } from 'node:util';
import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, sql } from 'drizzle-orm';
import type { IdempotentRequest } from '../../core/idempotency.ts';
import type { JobStatus, NewJob } from '../../core/jobs/job.ts';
import type { Cursor } from '../../core/pagination.ts';
import type {
  CorrectionRecord,
  NewTicket,
  TicketField,
  TicketFilter,
  TicketRecord,
  TicketRepo,
} from '../../core/use-cases/tickets.ts';
import type { Database } from './client.ts';
import { readingOnly } from './columns.ts';
import { cursorTimestamp, pastCursor } from './cursor.ts';
import { createOnce } from './idempotency.ts';
import { createJobRecord, type DatabaseExecutor, type Transaction } from './job-repo.ts';
import { changeEvents, jobs, tickets } from './schema.ts';

const cursorAt = cursorTimestamp(tickets.createdAt);

/**
 * A ticket as read: every column but the search vector and the similarity fingerprint, which only Postgres
 * reads (text search, `similar`).
 */
const {
  search: _search,
  similarityTerms: _terms,
  similarityWeights: _weights,
  ...ticketColumns
} = getTableColumns(tickets);
type TicketRow = Omit<typeof tickets.$inferSelect, 'search' | 'similarityTerms' | 'similarityWeights'>;

const FIELD_COLUMNS: Record<TicketField, keyof TicketRow> = {
  title: 'title',
  body: 'body',
  project: 'project',
  status: 'status',
  category: 'category',
  priority: 'priority',
  labels: 'labels',
  team: 'team',
  duplicateOf: 'duplicateOf',
  triage: 'triage',
  correction: 'correction',
};

/** A row as read: a list may have left its body out (null); every other read has it. */
type ReadRow<Body> = Omit<TicketRow, 'body'> & { body: Body };

const toRecord = <Body extends string | null>({
  ticket,
  job,
}: {
  ticket: ReadRow<Body>;
  job: typeof jobs.$inferSelect;
}): Omit<TicketRecord, 'body'> & { body: Body } => ({
  id: ticket.id,
  ownerId: ticket.ownerId,
  title: ticket.title,
  body: ticket.body,
  project: ticket.project,
  status: ticket.status,
  version: ticket.version,
  category: ticket.category,
  priority: ticket.priority,
  labels: ticket.labels,
  team: ticket.team,
  duplicateOf: ticket.duplicateOf,
  triage: ticket.triage,
  correction: ticket.correction,
  redactions: ticket.redactions,
  createdAt: ticket.createdAt,
  updatedAt: ticket.updatedAt,
  job,
});

export function createTicketRepo(db: Database): TicketRepo {
  const select = (executor: DatabaseExecutor = db) =>
    executor
      .select({ ticket: ticketColumns, job: jobs, cursorAt })
      .from(tickets)
      .innerJoin(jobs, eq(jobs.id, tickets.jobId));
  const get = async (id: string, executor: DatabaseExecutor = db) => {
    const [row] = await select(executor).where(eq(tickets.id, id)).limit(1);
    return row ? toRecord(row) : null;
  };

  return {
    async create(input, newJob, idempotency) {
      const { id, created } = await insertTicket(db, input, newJob, idempotency);
      const ticket = await get(id);
      if (!ticket) throw new Error('A created ticket could not be read back');
      return { ticket, created };
    },

    get: (id) => get(id),

    async list({ ownerId, filter, limit, after, columns }) {
      const rows = await db
        .select({ ticket: readingOnly(ticketColumns, columns), job: jobs, cursorAt })
        .from(tickets)
        .innerJoin(jobs, eq(jobs.id, tickets.jobId))
        .where(listConditions(ownerId, filter, after))
        .orderBy(desc(tickets.createdAt), desc(tickets.id))
        .limit(limit);
      return rows.map((row) => ({
        row: toRecord(row),
        cursor: { createdAt: row.cursorAt, id: row.ticket.id },
      }));
    },

    update: (id, expectedVersion, change) =>
      db.transaction(async (tx) => {
        const result = await updateVersioned(tx, id, expectedVersion, change);
        if (result.status !== 'updated') return result;
        const ticket = await get(id, tx);
        return ticket ? { status: 'updated' as const, ticket } : { status: 'notFound' as const };
      }),

    async history(id) {
      const rows = await db
        .select()
        .from(changeEvents)
        .where(and(eq(changeEvents.entityType, 'ticket'), eq(changeEvents.entityId, id)))
        .orderBy(asc(changeEvents.at), asc(changeEvents.id));
      return rows.map((row) => ({
        at: row.at,
        actorId: row.actorId,
        action: row.action,
        changes: row.changes as Record<string, { from: unknown; to: unknown }>,
        meta: row.meta ?? null,
      }));
    },

    async jobStatusChanges(jobId) {
      const rows = await db
        .select({ at: changeEvents.at, changes: changeEvents.changes })
        .from(changeEvents)
        .where(and(eq(changeEvents.entityType, 'job'), eq(changeEvents.entityId, jobId)))
        .orderBy(asc(changeEvents.at), asc(changeEvents.id));
      return rows.flatMap(({ at, changes }) => {
        const status = changes.status as { from: JobStatus; to: JobStatus } | undefined;
        return status ? [{ at, from: status.from, to: status.to }] : [];
      });
    },

    async similar({ id, ownerId, limit, minScore, columns }) {
      const scored = await similarIds(db, { id, ownerId, limit, minScore });
      if (scored.length === 0) return [];
      // Only the large columns the query shows: each ticket of a page brings three, bodies of up to 256 KiB.
      const rows = await db
        .select({ ticket: readingOnly(ticketColumns, columns), job: jobs })
        .from(tickets)
        .innerJoin(jobs, eq(jobs.id, tickets.jobId))
        .where(
          inArray(
            tickets.id,
            scored.map((s) => s.id),
          ),
        );
      const byId = new Map(rows.map((row) => [row.ticket.id, toRecord(row)]));
      return scored.flatMap(({ id: similarId, score }) => {
        const ticket = byId.get(similarId);
        return ticket ? [{ ticket, score }] : [];
      });
    },

    async corrections({ since, after, limit }) {
      const correctedAt = sql<Date>`(${tickets.correction}->>'at')::timestamptz`;
      const rows = await db
        .select({ ticket: ticketColumns, correctedAt: sql<string>`${correctedAt}::text` })
        .from(tickets)
        .where(
          and(
            isNotNull(tickets.correction),
            since ? sql`${correctedAt} > ${since.toISOString()}::timestamptz` : undefined,
            after
              ? sql`(${correctedAt}, ${tickets.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
              : undefined,
          ),
        )
        .orderBy(asc(correctedAt), asc(tickets.id))
        .limit(limit);
      return rows.map(({ ticket, correctedAt: at }) => correctionOf(ticket, new Date(at)));
    },
  };
}

/** A correction as a training example: the person's answers, blank where they left the classifier's. */
function correctionOf(ticket: TicketRow, correctedAt: Date): CorrectionRecord {
  const correction = ticket.correction ?? {};
  const text = (key: string): string | null =>
    typeof correction[key] === 'string' && correction[key] !== '' ? (correction[key] as string) : null;
  return {
    id: ticket.id,
    title: ticket.title,
    body: ticket.body,
    project: ticket.project,
    createdAt: ticket.createdAt,
    category: text('category') ?? ticket.category ?? '',
    priority: text('priority'),
    team: text('team'),
    correctedAt,
  };
}

/** Candidates scored at most: the most recent tickets sharing a term with the query ticket. */
const SIMILAR_CANDIDATES = 5000;

/**
 * The closest tickets by cosine of the stored fingerprints, computed in Postgres: the GIN index on the term
 * hashes finds tickets sharing a term, the dot product of the matching weights is the cosine (both vectors
 * are L2-normalised).
 */
async function similarIds(
  db: Database,
  query: { id: string; ownerId: string | null; limit: number; minScore: number },
): Promise<{ id: string; score: number }[]> {
  const owner = query.ownerId === null ? sql`true` : sql`t.owner_id = ${query.ownerId}`;
  const rows = await db.execute<{ id: string; score: number }>(sql`
    with q as (
      select similarity_terms as terms, similarity_weights as weights
      from tickets where id = ${query.id} and similarity_terms is not null
    ),
    candidates as (
      select t.id, t.similarity_terms, t.similarity_weights
      from tickets t, q
      where t.similarity_terms && q.terms and t.id <> ${query.id} and ${owner}
      order by t.created_at desc
      limit ${SIMILAR_CANDIDATES}
    ),
    query_terms as (
      select u.term, u.weight from q, unnest(q.terms, q.weights) as u(term, weight)
    )
    select c.id, sum(u.weight * qt.weight)::float8 as score
    from candidates c
    cross join lateral unnest(c.similarity_terms, c.similarity_weights) as u(term, weight)
    join query_terms qt on qt.term = u.term
    group by c.id
    having sum(u.weight * qt.weight) >= ${query.minScore}
    order by score desc, c.id
    limit ${query.limit}
  `);
  return [...rows].map((row) => ({ id: row.id, score: Math.min(1, Math.round(row.score * 1e4) / 1e4) }));
}

/** Ticket + job + creation record in one transaction, at most once per idempotency key. */
function insertTicket(
  db: Database,
  input: NewTicket,
  newJob: Pick<NewJob, 'kind' | 'traceId'>,
  idempotency: IdempotentRequest | null,
): Promise<{ id: string; created: boolean }> {
  return createOnce(
    db,
    { ownerId: input.ownerId, operation: 'triageTicket', request: idempotency },
    async (tx, id) => {
      const job = await createJobRecord(tx, { ...newJob, subjectId: id, ownerId: input.ownerId });
      const [row] = await tx
        .insert(tickets)
        .values({
          id,
          ownerId: input.ownerId,
          title: input.title,
          body: input.body,
          project: input.project,
          jobId: job.id,
          redactions: input.redactions,
        })
        .returning();
      if (!row) throw new Error('Inserting a ticket returned no row');
      // The creation record holds every tracked field, so any later state can be replayed from history.
      const changes = Object.fromEntries(
        (Object.keys(FIELD_COLUMNS) as TicketField[]).map((field) => [
          field,
          { from: null, to: row[FIELD_COLUMNS[field]] },
        ]),
      );
      await tx.insert(changeEvents).values({
        entityType: 'ticket',
        entityId: id,
        action: 'created',
        actorId: input.ownerId,
        at: row.createdAt,
        changes,
        meta: { version: 1, redactions: input.redactions },
      });
    },
  );
}

type TicketChangeRequest = Parameters<TicketRepo['update']>[2];

/**
 * Applies a change if the ticket is at `expectedVersion`, and records it. The row lock makes the version check
 * and the history record one atomic step: of many writers holding the same version, exactly one gets through.
 */
async function updateVersioned(
  tx: Transaction,
  id: string,
  expectedVersion: number,
  change: TicketChangeRequest,
): Promise<{ status: 'updated' } | { status: 'notFound' } | { status: 'stale'; version: number }> {
  const [current] = await tx.select(ticketColumns).from(tickets).where(eq(tickets.id, id)).for('update');
  if (!current) return { status: 'notFound' };
  if (current.version !== expectedVersion) return { status: 'stale', version: current.version };
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const set: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(change.set) as [TicketField, unknown][]) {
    const column = FIELD_COLUMNS[field];
    if (isDeepStrictEqual(current[column], value)) continue;
    changes[field] = { from: current[column], to: value };
    set[column] = value;
  }
  // Nothing differs (the status it already has): no new version and no history record.
  if (Object.keys(changes).length === 0 && !change.similarity) return { status: 'updated' };
  if (change.similarity) {
    set.similarityTerms = change.similarity.terms;
    set.similarityWeights = change.similarity.weights;
  }
  const [updated] = await tx
    .update(tickets)
    .set({ ...set, version: current.version + 1, updatedAt: sql`now()` })
    .where(eq(tickets.id, id))
    .returning();
  if (!updated) return { status: 'notFound' };
  await tx.insert(changeEvents).values({
    entityType: 'ticket',
    entityId: id,
    action: change.action,
    actorId: change.actorId,
    at: updated.updatedAt,
    changes,
    meta: { ...(change.meta ?? {}), version: updated.version },
  });
  return { status: 'updated' };
}

/** The owner's tickets (all, for null) that match the filter, past the cursor. */
function listConditions(ownerId: string | null, filter: TicketFilter, after: Cursor | null) {
  return and(
    ownerId ? eq(tickets.ownerId, ownerId) : undefined,
    filter.status ? eq(tickets.status, filter.status) : undefined,
    filter.category ? eq(tickets.category, filter.category) : undefined,
    filter.priority ? eq(tickets.priority, filter.priority) : undefined,
    filter.label ? sql`${filter.label} = any(${tickets.labels})` : undefined,
    filter.project ? eq(tickets.project, filter.project) : undefined,
    filter.team ? sql`lower(${tickets.team}) = ${filter.team.toLowerCase()}` : undefined,
    filter.text && filter.text.length > 0
      ? sql`${tickets.search} @@ to_tsquery('english', ${filter.text.map((word) => `${word}:*`).join(' & ')})`
      : undefined,
    pastCursor(tickets.createdAt, tickets.id, after, 'desc'),
  );
}
