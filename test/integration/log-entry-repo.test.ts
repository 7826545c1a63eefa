import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogEntryRepo } from '../../lambdas/adapters/db/log-entry-repo.ts';
import { jsonBytes, logEntryColumns, logEntryView, selectedIn } from '../../lambdas/api/views.ts';
import type { Caller } from '../../lambdas/core/auth/roles.ts';
import { idempotentRequest } from '../../lambdas/core/idempotency.ts';
import { LIST_ANSWER_BYTES, pageRequest } from '../../lambdas/core/pagination.ts';
import {
  type LogColumnsWanted,
  type LogEntryRepo,
  listLogEntries,
  type NewLogEntry,
  SMALL_LOG_COLUMNS,
} from '../../lambdas/core/use-cases/log-entries.ts';
import { createTestDatabase, insertUser, loggedDatabase, type TestDatabase } from '../support/database.ts';

// What a paste can hold that an encoding slip would change: multi-byte and astral characters, CRLF, tabs,
// a trailing line break, and a redaction placeholder.
const TEXT = [
  '2026-12-07 10:00:00 INFO café ✓ naïve 日本語 <EMAIL>',
  '2026-12-07 10:00:01\tWARN\tretry 🚀 after 20 ms\r',
  '',
].join('\n');

const ALL_COLUMNS: LogColumnsWanted = { raw: true, summary: true, summaryText: true, templates: true };

describe('the log entry repository', () => {
  let database: TestDatabase;
  let statements: string[];
  let repo: LogEntryRepo;
  let ownerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const logged = loggedDatabase(database);
    statements = logged.statements;
    repo = createLogEntryRepo(logged.db);
    ownerId = (await insertUser(database, 'paster@example.com')).id;
  });
  afterAll(async () => database?.close());

  const newEntry = (): NewLogEntry => ({
    ownerId,
    raw: TEXT,
    format: null,
    source: 'payments-api',
    sizeBytes: Buffer.byteLength(TEXT),
    lineCount: 2,
    redactions: { email: 1 },
  });
  const job = { kind: 'summarize-log', traceId: null } as const;

  it('answers a new entry from what it wrote, never reading the stored text back', async () => {
    statements.length = 0;
    const { entry, created } = await repo.create(newEntry(), job, null);

    expect(created).toBe(true);
    expect(statements.some((statement) => /^select\b/i.test(statement))).toBe(false);
    const insert = statements.find((statement) => statement.startsWith('insert into "log_entries"'));
    expect(insert).toMatch(/ returning /);
    expect(insert?.slice(insert.indexOf(' returning '))).not.toMatch(/"raw"|"summary"|"templates"/);
    // The answer is the row as stored: a read of it gives the same record, the text byte for byte.
    const stored = await repo.get(entry.id);
    expect(entry).toEqual(stored);
    expect(Buffer.from(stored?.raw ?? '').equals(Buffer.from(TEXT))).toBe(true);
    expect(entry).toMatchObject({
      summary: null,
      summaryText: null,
      templates: null,
      job: { status: 'QUEUED' },
    });
  });

  it('answers a repeated idempotency key with the first entry as it stands now', async () => {
    const request = idempotentRequest('paste-1', () => ({ raw: TEXT }));
    const first = await repo.create(newEntry(), job, request);
    await repo.saveSummary(first.entry.id, {
      summary: { headline: 'two lines' },
      text: 'two lines',
      templates: [],
      generatedBy: 'local',
    });

    const again = await repo.create(newEntry(), job, request);

    expect(again.created).toBe(false);
    expect(again.entry).toEqual(await repo.get(first.entry.id));
    expect(again.entry).toMatchObject({ id: first.entry.id, raw: TEXT, summaryText: 'two lines' });
  });

  it('lists entries without their text unless it is asked for, which it then reads whole', async () => {
    const { entry } = await repo.create(newEntry(), job, null);
    const page = { ownerId, status: null, limit: 50, after: null } as const;

    statements.length = 0;
    const without = await repo.list({ ...page, columns: SMALL_LOG_COLUMNS });
    expect(statements.join('\n')).not.toMatch(/"log_entries"\."raw"/);
    const listed = without.find(({ row }) => row.id === entry.id)?.row;
    expect(listed).toMatchObject({
      id: entry.id,
      raw: null,
      sizeBytes: entry.sizeBytes,
      source: 'payments-api',
    });

    const withText = await repo.list({ ...page, columns: ALL_COLUMNS });
    expect(withText.find(({ row }) => row.id === entry.id)?.row).toEqual(await repo.get(entry.id));
    expect(withText.map(({ cursor }) => cursor)).toEqual(without.map(({ cursor }) => cursor));
  });
  it('reads one entry without its text unless it is asked for, which it then reads whole', async () => {
    const { entry } = await repo.create(newEntry(), job, null);

    statements.length = 0;
    const without = await repo.read(entry.id, SMALL_LOG_COLUMNS);
    expect(statements.join('\n')).not.toMatch(/"log_entries"\."raw"/);
    expect(without).toMatchObject({
      id: entry.id,
      raw: null,
      sizeBytes: entry.sizeBytes,
      job: { status: 'QUEUED' },
    });

    expect(await repo.read(entry.id, ALL_COLUMNS)).toEqual(await repo.get(entry.id));
    expect(await repo.read('00000000-0000-4000-8000-000000000000', SMALL_LOG_COLUMNS)).toBeNull();
  });

  it('reads a summary’s JSON, text and templates only when each is wanted, and says it is summarized', async () => {
    const { entry } = await repo.create(newEntry(), job, null);
    const summary = { headline: 'two lines', lines: Array.from({ length: 50 }, (_, i) => `line ${i}`) };
    await repo.saveSummary(entry.id, {
      summary,
      text: 'two lines',
      templates: [{ id: 'T1' }],
      generatedBy: 'local',
    });
    const page = { ownerId, status: null, limit: 50, after: null } as const;
    const listedWith = async (columns: LogColumnsWanted) => {
      statements.length = 0;
      const row = (await repo.list({ ...page, columns })).find(({ row }) => row.id === entry.id)?.row;
      return { row, sent: statements.join('\n') };
    };

    const small = await listedWith(SMALL_LOG_COLUMNS);
    expect(small.sent).not.toMatch(/"log_entries"\."(raw|summary|summary_text|templates)"/);
    expect(small.row).toMatchObject({
      summary: null,
      summaryText: null,
      templates: null,
      generatedBy: 'local',
    });
    expect(small.row?.summarizedAt).toBeInstanceOf(Date);

    const json = await listedWith({ ...SMALL_LOG_COLUMNS, summary: true });
    expect(json.sent).toMatch(/"log_entries"\."summary"/);
    expect(json.sent).not.toMatch(/"log_entries"\."(raw|summary_text|templates)"/);
    expect(json.row).toMatchObject({ summary, summaryText: null, templates: null });

    const text = await listedWith({ ...SMALL_LOG_COLUMNS, summaryText: true, templates: true });
    expect(text.row).toMatchObject({ summary: null, summaryText: 'two lines', templates: [{ id: 'T1' }] });
  });

  it('ends a page early when the summaries selected would pass the answer budget, reading none unselected', async () => {
    const other = await insertUser(database, 'summaries@example.com');
    const caller: Caller = { userId: other.id, role: 'USER', sessionId: 's1', email: other.email };
    const text = 'x'.repeat(Math.ceil(LIST_ANSWER_BYTES / 2.5));
    for (let i = 0; i < 3; i++) {
      const { entry } = await repo.create({ ...newEntry(), ownerId: other.id }, job, null);
      await repo.saveSummary(entry.id, { summary: { text }, text, templates: [], generatedBy: 'local' });
    }
    const pageOf = async (paths: string[], nextToken: string | null = null) => {
      const selected = selectedIn(['items', ...paths], 'items');
      statements.length = 0;
      const page = await listLogEntries(
        { logEntries: repo },
        {
          caller,
          page: pageRequest(10, nextToken),
          status: null,
          columns: logEntryColumns(caller, selected),
          view: (entry) => logEntryView(entry, caller, selected),
          sizeOf: jsonBytes,
        },
      );
      return { ...page, sent: statements.join('\n') };
    };

    const withText = ['items/id', 'items/summary', 'items/summary/text'];
    const first = await pageOf(withText);
    expect(first.items.map((item) => item.summary?.text?.length)).toEqual([text.length, text.length]);
    const rest = await pageOf(withText, first.nextToken);
    expect(rest.items).toHaveLength(1);
    expect(rest.nextToken).toBeNull();

    const statuses = await pageOf(['items/id', 'items/status', 'items/summary', 'items/summary/generatedBy']);
    expect(statuses.items.map((item) => item.summary?.generatedBy)).toEqual(['local', 'local', 'local']);
    expect(statuses.nextToken).toBeNull();
    expect(statuses.sent).not.toMatch(/"log_entries"\."(raw|summary|summary_text|templates)"/);
  });
});
