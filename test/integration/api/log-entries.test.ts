import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logsCommand } from '../../../bin/commands/logs.ts';
import { LocalJobQueue, LocalQueue } from '../../../lambdas/adapters/queue/local-queue.ts';
import { localQueueDefinitions, localQueueNames } from '../../../lambdas/adapters/queue/queue-from-config.ts';
import { redactLog } from '../../../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { THREAD_BODY_BYTES } from '../../../local/body-parser.ts';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../../support/api-harness.ts';
import { dataField } from '../../support/local-process.ts';
import { statefulLog } from '../../support/stateful-log.ts';

const SUBMIT = `mutation($raw: String!, $key: String) {
  summarizeLog(raw: $raw, idempotencyKey: $key) { id status lineCount redactions job { id status } }
}`;
const READ = `query($id: ID!) { logEntry(id: $id) { id status raw summary { text json generatedBy } } }`;

// Loghub HDFS sample lines (Zhu et al., Loghub, ISSRE 2023), with an e-mail added to exercise redaction.
const LOG = [
  '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
  '081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-6952295868487656571 terminating',
  '081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864',
  '081109 204015 308 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_8229193803249955061 terminating',
  '081109 204106 329 WARN dfs.DataNode$DataXceiver: 10.251.30.85:50010:Got exception while serving blk_-7057732666118938934 to /10.251.30.85, owner ops@example.com',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-log-entries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a command writes to stdout, run in this process. */
async function stdoutOf(run: () => Promise<number>): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    expect(await run()).toBe(0);
    return out;
  } finally {
    spy.mockRestore();
  }
}

describe('log entries through the API', () => {
  let api: ApiHarness;
  let owner: ApiSession;
  let other: ApiSession;
  let ops: ApiSession;
  let hr: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    owner = await api.user('owner@example.com');
    other = await api.user('other@example.com');
    ops = await api.user('ops@example.com', 'OPS');
    hr = await api.user('hr@example.com', 'HR');
  }, 120_000);
  afterAll(async () => api?.close());

  it('accepts a log QUEUED at once and the worker summarizes it', async () => {
    const submitted = await owner.call(SUBMIT, { raw: LOG });
    expect(submitted.errors).toBeUndefined();
    const entry = submitted.data?.summarizeLog as {
      id: string;
      status: string;
      lineCount: number;
      redactions: string;
    };
    expect(entry.status).toBe('QUEUED');
    expect(entry.lineCount).toBe(5);
    expect(JSON.parse(entry.redactions).email).toBe(1);
    const done = await eventually(
      () => owner.call(READ, { id: entry.id }),
      (r) => (r.data?.logEntry as { status: string } | undefined)?.status === 'SUCCEEDED',
    );
    const read = done.data?.logEntry as {
      raw: string;
      summary: { text: string; json: string; generatedBy: string };
    };
    expect(read.raw).not.toContain('ops@example.com');
    expect(read.summary.generatedBy).toBe('local');
    expect(read.summary.text).toMatch(/5 lines/);
    expect(JSON.parse(read.summary.json)).toBeTypeOf('object');
  });

  it('stores no AWS secret key, PEM private key or password tail, in the text or the summary', async () => {
    const secrets = [
      '2024-03-01 10:00:04 WARN cfg: aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      '2024-03-01 10:00:05 INFO cfg: -----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw',
      '-----END RSA PRIVATE KEY-----',
      '2024-03-01 10:00:06 INFO db: password: Tr0ub4dor&3 accepted',
    ].join('\n');
    const entry = dataField<{ id: string; redactions: string }>(
      await owner.call(SUBMIT, { raw: secrets }),
      'summarizeLog',
    );
    expect(JSON.parse(entry.redactions)).toMatchObject({ secret: 2, privateKey: 1 });
    const done = await eventually(
      () => owner.call(READ, { id: entry.id }),
      (r) => (r.data?.logEntry as { status: string } | undefined)?.status === 'SUCCEEDED',
    );
    const read = dataField<{ raw: string; summary: { text: string; json: string } }>(done, 'logEntry');
    for (const stored of [read.raw, read.summary.text, read.summary.json]) {
      for (const leaked of ['wJalrXUtnFEMI', 'MIIEowIBAAKC', 'Tr0ub4dor', '&3'])
        expect(stored).not.toContain(leaked);
    }
    expect(read.raw).toContain('<PRIVATE_KEY>');
  });

  it('redacts once: the entry, the stored summary, its text and the CLI count the same redactions', async () => {
    const submitted = await owner.call(SUBMIT, { raw: LOG });
    const entry = dataField<{ id: string; redactions: string }>(submitted, 'summarizeLog');
    const byKind = JSON.parse(entry.redactions) as Record<string, number>;
    const total = Object.values(byKind).reduce((sum, n) => sum + n, 0);
    expect(byKind).toMatchObject({ email: 1, ipv4: 3 });
    const done = await eventually(
      () => owner.call(READ, { id: entry.id }),
      (r) => (r.data?.logEntry as { status: string } | undefined)?.status === 'SUCCEEDED',
    );
    const read = dataField<{ summary: { text: string; json: string } }>(done, 'logEntry');
    const summary = JSON.parse(read.summary.json) as { redactions: unknown };
    expect(summary.redactions).toMatchObject({ total, byKind });
    expect(read.summary.text).toContain(`Redactions: ${total} `);
    const [stored] = await api.database.sql<{ counted: number }[]>`
      select (summary->'redactions'->>'total')::int as counted from log_entries where id = ${entry.id}`;
    expect(stored?.counted).toBe(total);

    const file = join(dir, 'hdfs.log');
    writeFileSync(file, LOG);
    const cli = JSON.parse(await stdoutOf(() => logsCommand.run(['summarize', file, '--json']))) as {
      redactions: unknown;
    };
    expect(cli.redactions).toMatchObject({ total, byKind });
  });

  it('names a bad format once, with the reason', async () => {
    const result = await owner.call(
      'mutation($raw: String!, $f: String) { summarizeLog(raw: $raw, format: $f) { id } }',
      { raw: LOG, f: '<Date> <Time>' },
    );
    expect(result.errors?.[0]?.errorType).toBe('ValidationError');
    expect(result.errors?.[0]?.message).toMatch(/^format: (?!format:)/);
  });

  it('changes nothing when the queue delivers a finished job again', async () => {
    const submitted = await owner.call(SUBMIT, { raw: LOG });
    const entry = dataField<{ id: string; job: { id: string } }>(submitted, 'summarizeLog');
    await eventually(
      () => owner.call(READ, { id: entry.id }),
      (r) => (r.data?.logEntry as { status: string } | undefined)?.status === 'SUCCEEDED',
    );
    const before = await api.database.sql<{ attempts: number; finished_at: Date; summaries: number }[]>`
      select j.attempts, j.finished_at,
        (select count(*)::int from change_events c where c.entity_id = ${entry.id} and c.action = 'summarized') as summaries
      from jobs j where j.id = ${entry.job.id}`;
    // A late redelivery of the same message, as SQS may do (at-least-once).
    const queue = new LocalJobQueue(
      new LocalQueue(api.database.sql, localQueueDefinitions()),
      localQueueNames(),
    );
    await queue.send({ jobId: entry.job.id, kind: 'summarize-log' });
    const queueName = localQueueNames()['summarize-log'];
    await eventually(
      async () =>
        (
          await api.database.sql<{ n: number }[]>`
        select count(*)::int as n from queue_messages where queue_name = ${queueName}`
        )[0]?.n ?? -1,
      (pending) => pending === 0,
    );
    const after = await api.database.sql<{ attempts: number; finished_at: Date; summaries: number }[]>`
      select j.attempts, j.finished_at,
        (select count(*)::int from change_events c where c.entity_id = ${entry.id} and c.action = 'summarized') as summaries
      from jobs j where j.id = ${entry.job.id}`;
    expect(after).toEqual(before);
    expect(before[0]?.summaries).toBe(1);
  });

  it('returns the first entry for a repeated idempotency key and creates nothing new', async () => {
    const first = await owner.call(SUBMIT, { raw: LOG, key: 'nightly-2026-11-21' });
    const again = await owner.call(SUBMIT, { raw: LOG, key: 'nightly-2026-11-21' });
    const a = first.data?.summarizeLog as { id: string; job: { id: string } };
    const b = again.data?.summarizeLog as { id: string; job: { id: string } };
    expect(b.id).toBe(a.id);
    expect(b.job.id).toBe(a.job.id);
    const [count] = await api.database.sql<{ n: number }[]>`
      select count(*)::int as n from jobs where subject_id = ${a.id}`;
    expect(count?.n).toBe(1);
    const fromOther = await other.call(SUBMIT, { raw: LOG, key: 'nightly-2026-11-21' });
    expect(dataField<{ id: string }>(fromOther, 'summarizeLog').id).not.toBe(a.id);
  });

  it('refuses a repeated idempotency key with a different log, and creates nothing', async () => {
    const first = dataField<{ id: string }>(
      await owner.call(SUBMIT, { raw: LOG, key: 'nightly-2026-11-22' }),
      'summarizeLog',
    );
    const entries = async () =>
      (await api.database.sql<{ n: number }[]>`select count(*)::int as n from log_entries`)[0]?.n;
    const before = await entries();
    const refused = await owner.call(SUBMIT, { raw: `${LOG}\nanother line`, key: 'nightly-2026-11-22' });
    expect(refused.data?.summarizeLog).toBeNull();
    expect(refused.errors?.[0]?.errorType).toBe('ValidationError');
    expect(refused.errors?.[0]?.message).toMatch(/^idempotencyKey: .*different summarizeLog request/);
    expect(refused.errors?.[0]?.message).toContain(first.id);
    expect(await entries()).toBe(before);
    // What is kept is the redacted text's fingerprint, never the text.
    const [stored] = await api.database.sql<{ request_fingerprint: string }[]>`
      select request_fingerprint from idempotency_keys where key = 'nightly-2026-11-22'`;
    expect(stored?.request_fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("hides another user's entry from USER but shows it to OPS", async () => {
    const submitted = await owner.call(SUBMIT, { raw: LOG });
    const id = dataField<{ id: string }>(submitted, 'summarizeLog').id;
    const denied = await other.call(READ, { id });
    expect(denied.data?.logEntry).toBeNull();
    expect(denied.errors?.[0]?.errorType).toBe('NotFound');
    const seen = await ops.call(READ, { id });
    expect(dataField<{ id: string }>(seen, 'logEntry').id).toBe(id);
  });

  it('never gives HR the raw text: the field is denied', async () => {
    const submitted = await hr.call(SUBMIT, { raw: LOG });
    const id = dataField<{ id: string }>(submitted, 'summarizeLog').id;
    const read = await hr.call('query($id: ID!) { logEntry(id: $id) { id raw } }', { id });
    expect(read.data?.logEntry).toEqual({ id, raw: null });
    expect(read.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', path: ['logEntry', 'raw'] });
  });

  it('pages through entries with nextToken, newest first, only the caller’s own', async () => {
    const seen: string[] = [];
    let nextToken: string | null = null;
    do {
      const page = await owner.call(
        'query($t: String) { logEntries(limit: 2, nextToken: $t) { items { id } nextToken } }',
        { t: nextToken },
      );
      const data = page.data?.logEntries as { items: { id: string }[]; nextToken: string | null };
      seen.push(...data.items.map((i) => i.id));
      nextToken = data.nextToken;
    } while (nextToken);
    const [own] = await api.database.sql<{ n: number }[]>`
      select count(*)::int as n from log_entries where owner_id = ${owner.userId}`;
    expect(seen).toHaveLength(own?.n ?? -1);
    expect(new Set(seen).size).toBe(seen.length);
    const tooMany = await owner.call('{ logEntries(limit: 1000) { items { id } } }');
    expect(tooMany.errors?.[0]?.errorType).toBe('ValidationError');
  });

  it('ends a page early when the log text asked for would pass 4 MB, and goes on from there', async () => {
    const big = await api.user('big@example.com');
    const line = (i: number) =>
      `2024-05-01 10:00:00 INFO request ${i} served in ${i % 97} ms ${'x'.repeat(60)}`;
    const raw = Array.from({ length: 16_000 }, (_, i) => line(i)).join('\n'); // ~1.4 MB
    for (let n = 0; n < 4; n++)
      expect((await big.call(SUBMIT, { raw: `${n}\n${raw}` })).errors).toBeUndefined();
    const pages: number[] = [];
    const seen = new Set<string>();
    let nextToken: string | null = null;
    do {
      const page = await big.call(
        'query($t: String) { logEntries(limit: 10, nextToken: $t) { items { id raw } nextToken } }',
        { t: nextToken },
      );
      expect(page.errors).toBeUndefined();
      const data = page.data?.logEntries as {
        items: { id: string; raw: string }[];
        nextToken: string | null;
      };
      pages.push(data.items.length);
      for (const item of data.items) {
        expect(item.raw.length).toBeGreaterThan(1_000_000);
        seen.add(item.id);
      }
      nextToken = data.nextToken;
    } while (nextToken);
    expect(pages).toEqual([2, 2]);
    expect(seen.size).toBe(4);
    const ids = await big.call('{ logEntries(limit: 10) { items { id } nextToken } }');
    const idsOnly = ids.data?.logEntries as { items: unknown[]; nextToken: string | null };
    expect(idsOnly.items).toHaveLength(4);
    expect(idsOnly.nextToken).toBeNull();
  });

  it('stores and answers a large paste byte for byte as redactLog gives it (body parsed and log redacted on threads)', async () => {
    const raw = `${statefulLog(4000)}naïve café 日本語 🚀 owner ops@example.com\r\n`;
    expect(Buffer.byteLength(raw)).toBeGreaterThan(THREAD_BODY_BYTES);
    const expected = redactLog(raw, { format: null, network: 'pseudonymise' });

    const submitted = await owner.call(
      'mutation($raw: String!) { summarizeLog(raw: $raw) { id raw lineCount } }',
      {
        raw,
      },
    );
    const entry = submitted.data?.summarizeLog as { id: string; raw: string; lineCount: number };
    expect(entry.raw === expected.text).toBe(true);
    expect(entry.lineCount).toBe(expected.lineCount);
    const read = await owner.call('query($id: ID!) { logEntry(id: $id) { raw redactions } }', {
      id: entry.id,
    });
    const stored = read.data?.logEntry as { raw: string; redactions: string };
    expect(Buffer.from(stored.raw).equals(Buffer.from(expected.text))).toBe(true);
    expect(JSON.parse(stored.redactions)).toEqual(expected.redactions);
  });

  it('refuses empty, binary and oversized logs with a ValidationError naming raw', async () => {
    for (const raw of ['   \n', 'abc\u0000def', 'x'.repeat(5 * 1024 * 1024 + 1)]) {
      const result = await owner.call(SUBMIT, { raw });
      expect(result.errors?.[0]?.errorType).toBe('ValidationError');
      expect(result.errors?.[0]?.message).toMatch(/^raw/);
    }
  });
});
