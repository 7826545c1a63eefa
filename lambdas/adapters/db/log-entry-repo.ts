import { and, asc, desc, eq, getTableColumns, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { IdempotentRequest } from '../../core/idempotency.ts';
import type { NewJob } from '../../core/jobs/job.ts';
import { uploadObjectKey } from '../../core/jobs/kinds/summarize-log/upload-key.ts';
import { ROLES_SEEING_EVERYONE } from '../../core/use-cases/access.ts';
import type {
  ListedLogEntry,
  LogColumnsWanted,
  LogEntryChange,
  LogEntryRecord,
  LogEntryRepo,
  LogSummaryResult,
  NewLogEntry,
} from '../../core/use-cases/log-entries.ts';
import type { Database } from './client.ts';
import { readingOnly } from './columns.ts';
import { cursorTimestamp, pastCursor } from './cursor.ts';
import { createOnce } from './idempotency.ts';
import { createJobRecord } from './job-repo.ts';
import { changeEvents, jobs, logEntries, users } from './schema.ts';

const cursorAt = cursorTimestamp(logEntries.createdAt);

const toRecord = ({ entry, job }: { entry: typeof logEntries.$inferSelect; job: typeof jobs.$inferSelect }) =>
  ({ ...entry, job }) satisfies LogEntryRecord;

export function createLogEntryRepo(db: Database): LogEntryRepo {
  const selectEntries = () =>
    db
      .select({ entry: logEntries, job: jobs, cursorAt })
      .from(logEntries)
      .innerJoin(jobs, eq(jobs.id, logEntries.jobId));
  const get = async (id: string) => {
    const [row] = await selectEntries().where(eq(logEntries.id, id)).limit(1);
    return row ? toRecord(row) : null;
  };
  /**
   * The entry + job with only the large columns wanted; the others are read as null, so a row's 5 MB of text
   * or its summary's JSON never leaves the database when the caller did not ask for them.
   */
  const selectListed = (columns: LogColumnsWanted) =>
    db
      .select({ entry: readingOnly(getTableColumns(logEntries), columns), job: jobs, cursorAt })
      .from(logEntries)
      .innerJoin(jobs, eq(jobs.id, logEntries.jobId));

  return {
    async create(input, newJob, idempotency) {
      const inserted = await insertEntry(db, input, newJob, idempotency);
      // A new entry is answered from what was just written: reading the row back would bring its text (up to
      // 5 MB) over the wire and decode it again on the thread every other request shares. A key's first
      // result is read as it stands now (it may be summarized since).
      const entry = inserted.created ? inserted.entry : await get(inserted.id);
      if (!entry) throw new Error('The log entry of an idempotency key could not be read');
      return { entry, created: inserted.created };
    },

    get,

    async read(id, columns) {
      const [row] = await selectListed(columns).where(eq(logEntries.id, id)).limit(1);
      return row ? ({ ...row.entry, job: row.job } satisfies ListedLogEntry) : null;
    },

    async list({ ownerId, status, limit, after, columns }) {
      const rows = await selectListed(columns)
        .where(
          and(
            ownerId ? eq(logEntries.ownerId, ownerId) : undefined,
            status ? eq(jobs.status, status) : undefined,
            pastCursor(logEntries.createdAt, logEntries.id, after, 'desc'),
          ),
        )
        .orderBy(desc(logEntries.createdAt), desc(logEntries.id))
        .limit(limit);
      return rows.map((row) => ({
        row: { ...row.entry, job: row.job } satisfies ListedLogEntry,
        cursor: { createdAt: row.cursorAt, id: row.entry.id },
      }));
    },

    saveSummary: (id, result) => saveSummary(db, id, result),

    async history(id, jobId) {
      const rows = await db
        .select()
        .from(changeEvents)
        .where(
          or(
            and(eq(changeEvents.entityType, 'log_entry'), eq(changeEvents.entityId, id)),
            and(eq(changeEvents.entityType, 'job'), eq(changeEvents.entityId, jobId)),
          ),
        )
        .orderBy(asc(changeEvents.at), asc(changeEvents.id));
      return rows.map((row) => ({
        at: row.at,
        actorId: row.actorId,
        action: row.action,
        changes: row.changes as LogEntryChange['changes'],
        meta: row.meta ?? null,
      }));
    },

    async baselineFor(entry) {
      if (entry.source === null) return null;
      const ownerSeesEveryone = db
        .select({ one: sql`1` })
        .from(users)
        .where(
          and(
            eq(users.id, entry.ownerId),
            sql`${users.role}::text = any(${sql.param([...ROLES_SEEING_EVERYONE])}::text[])`,
          ),
        );
      const [row] = await db
        .select({ id: logEntries.id, createdAt: logEntries.createdAt, summary: logEntries.summary })
        .from(logEntries)
        .innerJoin(jobs, eq(jobs.id, logEntries.jobId))
        .where(
          and(
            eq(logEntries.source, entry.source),
            eq(jobs.status, 'SUCCEEDED'),
            isNotNull(logEntries.summary),
            or(
              lt(logEntries.createdAt, entry.createdAt),
              and(eq(logEntries.createdAt, entry.createdAt), lt(logEntries.id, entry.id)),
            ),
            or(eq(logEntries.ownerId, entry.ownerId), sql`exists (${ownerSeesEveryone})`),
          ),
        )
        .orderBy(desc(logEntries.createdAt), desc(logEntries.id))
        .limit(1);
      return row?.summary ? { entryId: row.id, createdAt: row.createdAt, summary: row.summary } : null;
    },
  };
}

/** Every column but the text ones a new entry has just been given (`raw`) or cannot have yet (its summary). */
const {
  raw: _raw,
  summary: _summary,
  summaryText: _summaryText,
  templates: _templates,
  ...entryHead
} = getTableColumns(logEntries);

/**
 * Entry + job + creation record in one transaction, at most once per idempotency key. A new entry comes back
 * as written (`raw` is the caller's own string, never re-read); a key already used gives only the first id.
 */
async function insertEntry(
  db: Database,
  input: NewLogEntry,
  newJob: Pick<NewJob, 'kind' | 'traceId'>,
  idempotency: IdempotentRequest | null,
): Promise<{ id: string; created: true; entry: LogEntryRecord } | { id: string; created: false }> {
  const outcome = await createOnce(
    db,
    {
      ownerId: input.ownerId,
      operation: input.upload ? 'createLogUpload' : 'summarizeLog',
      request: idempotency,
    },
    async (tx, id) => {
      const job = await createJobRecord(tx, {
        ...newJob,
        subjectId: id,
        ownerId: input.ownerId,
        ...(input.upload ? { status: 'AWAITING_UPLOAD' as const } : {}),
      });
      const [head] = await tx
        .insert(logEntries)
        .values({
          id,
          ownerId: input.ownerId,
          jobId: job.id,
          raw: input.raw,
          objectKey: input.upload ? uploadObjectKey(id, job.id) : null,
          format: input.format,
          source: input.source,
          sizeBytes: input.sizeBytes,
          lineCount: input.lineCount,
          redactions: input.redactions,
        })
        .returning(entryHead);
      if (!head) throw new Error('Inserting a log entry returned no row');
      await tx.insert(changeEvents).values({
        entityType: 'log_entry',
        entityId: id,
        action: 'created',
        actorId: input.ownerId,
        changes: {
          sizeBytes: { from: null, to: input.sizeBytes },
          ...(input.source === null ? {} : { source: { from: null, to: input.source } }),
          ...(input.filename === undefined ? {} : { filename: { from: null, to: input.filename } }),
        },
        meta: { redactions: input.redactions },
      });
      const entry = { ...head, raw: input.raw, summary: null, summaryText: null, templates: null };
      return { ...entry, job } satisfies LogEntryRecord;
    },
  );
  return outcome.created ? { id: outcome.id, created: true, entry: outcome.value } : outcome;
}

/** Overwrites any earlier summary and records the change: a redelivered job writes the same result again. */
async function saveSummary(db: Database, id: string, result: LogSummaryResult): Promise<void> {
  await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(logEntries)
      .set({
        summary: result.summary,
        summaryText: result.text,
        templates: result.templates,
        generatedBy: result.generatedBy,
        baselineEntryId: result.baselineEntryId ?? null,
        ...(result.lineCount === undefined ? {} : { lineCount: result.lineCount }),
        ...(result.redactions === undefined ? {} : { redactions: result.redactions }),
        summarizedAt: sql`now()`,
        updatedAt: sql`now()`,
        version: sql`${logEntries.version} + 1`,
      })
      .where(eq(logEntries.id, id))
      .returning({ version: logEntries.version });
    if (!updated) return;
    await tx.insert(changeEvents).values({
      entityType: 'log_entry',
      entityId: id,
      action: 'summarized',
      actorId: null,
      changes: { summary: { from: null, to: 'generated' } },
      meta: {
        generatedBy: result.generatedBy,
        version: updated.version,
        ...(result.baselineEntryId ? { baselineEntryId: result.baselineEntryId } : {}),
      },
    });
  });
}
