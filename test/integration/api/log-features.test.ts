import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsCommand } from '../../../bin/commands/logs.ts';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../../support/api-harness.ts';
import { commandOutput } from '../../support/command-output.ts';
import { dataField } from '../../support/local-process.ts';

const SUBMIT = `mutation($raw: String!, $source: String) {
  summarizeLog(raw: $raw, source: $source) { id source redactions }
}`;
const READ = `query($id: ID!) {
  logEntry(id: $id) { id status raw source baselineEntryId redactions summary { text json templates } }
}`;

interface Entry {
  id: string;
  status: string;
  raw: string | null;
  source: string | null;
  baselineEntryId: string | null;
  redactions: string;
  summary: { text: string; json: string; templates: string } | null;
}

interface Change {
  template: string;
  count: number;
  baselineCount: number;
}

// The first 40 lines of the Loghub Linux sample (test/fixtures/logs/README.md): syslog, year-less times and a
// host column ("combo") that only the header layout marks as a host.
const SYSLOG = readFileSync(new URL('../../fixtures/logs/Linux_sample.log', import.meta.url), 'utf8')
  .split('\n')
  .slice(0, 40)
  .join('\n');

/** A service log of `minutes` minutes: `lines` of each template per minute. */
function serviceLog(minutes: number, lines: Record<string, number>): string {
  const out: string[] = [];
  for (let m = 0; m < minutes; m++) {
    const at = `2026-11-20T10:${String(m).padStart(2, '0')}`;
    let s = 0;
    for (const [template, n] of Object.entries(lines)) {
      for (let i = 0; i < n; i++) {
        const level = template.startsWith('payment failed') ? 'ERROR' : 'INFO';
        out.push(
          `${at}:${String(s++ % 60).padStart(2, '0')}Z ${level} ${template.replace('#', String(1000 + i))}`,
        );
      }
    }
  }
  return out.join('\n');
}

const BEFORE = serviceLog(10, {
  'request served for order #': 4,
  'cache refreshed in # ms': 2,
  'batch export finished with # rows': 2,
});
// Ten times louder cache refreshes, a new error, and the batch export gone.
const AFTER = serviceLog(10, {
  'request served for order #': 4,
  'cache refreshed in # ms': 20,
  'payment failed for card holder alice.smith order #': 3,
});

// A Windows Event Viewer CSV export (test/fixtures/logs/csv/README.md), three of its messages on three lines.
const EVENT_VIEWER_CSV = readFileSync(
  new URL('../../fixtures/logs/csv/eventviewer.csv', import.meta.url),
  'utf8',
);

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-log-features-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stdoutOf(run: () => Promise<number>): Promise<string> {
  const { code, stdout } = await commandOutput(run);
  expect(code).toBe(0);
  return stdout;
}

const submit = async (session: ApiSession, raw: string, source?: string) =>
  dataField<{ id: string; source: string | null; redactions: string }>(
    await session.call(SUBMIT, { raw, source }),
    'summarizeLog',
  );
const summarized = (session: ApiSession, id: string) =>
  eventually(
    async () => dataField<Entry>(await session.call(READ, { id }), 'logEntry'),
    (entry) => entry.status === 'SUCCEEDED',
  );
const totalOf = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('log summaries through the API: source baselines, counts, year-less times, HR', () => {
  let api: ApiHarness;
  let owner: ApiSession;
  let other: ApiSession;
  let ops: ApiSession;
  let hr: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    owner = await api.user('log-owner@example.com');
    other = await api.user('log-other@example.com');
    ops = await api.user('log-ops@example.com', 'OPS');
    hr = await api.user('log-hr@example.com', 'HR');
  }, 120_000);
  afterAll(async () => api?.close());

  it('compares a log with the previous SUCCEEDED one of the same source the submitter can see', async () => {
    const first = await submit(owner, BEFORE, '  Payments-API ');
    expect(first.source).toBe('payments-api');
    const firstDone = await summarized(owner, first.id);
    expect(firstDone.baselineEntryId).toBeNull();
    expect(JSON.parse(firstDone.summary?.json ?? '{}').changes).toBeNull();

    const second = await summarized(owner, (await submit(owner, AFTER, 'payments-api')).id);
    expect(second.baselineEntryId).toBe(first.id);
    const changes = JSON.parse(second.summary?.json ?? '{}').changes as Record<string, Change[]>;
    expect(changes.new?.map((c) => c.template).join('\n')).toContain('payment failed');
    expect(changes.louder?.map((c) => c.template).join('\n')).toContain('cache refreshed');
    expect(changes.gone?.map((c) => c.template).join('\n')).toContain('batch export');
    expect(JSON.stringify(changes.louder)).not.toContain('request served');
    expect(second.summary?.text).toMatch(/cache refreshed/);

    // Another user cannot see the owner's entries, so theirs is compared with nothing.
    const theirs = await summarized(other, (await submit(other, AFTER, 'payments-api')).id);
    expect(theirs.baselineEntryId).toBeNull();
    // OPS sees everyone's: the latest of the source, whoever sent it.
    const opsEntry = await summarized(ops, (await submit(ops, AFTER, 'PAYMENTS-API')).id);
    expect(opsEntry.baselineEntryId).toBe(theirs.id);
    // No source, no comparison.
    const plain = await summarized(owner, (await submit(owner, AFTER)).id);
    expect(plain.source).toBeNull();
    expect(plain.baselineEntryId).toBeNull();
  });

  it('refuses a source that is too long or not one line, naming source', async () => {
    for (const source of ['x'.repeat(201), 'api\nother']) {
      const result = await owner.call(SUBMIT, { raw: BEFORE, source });
      expect(result.errors?.[0]?.errorType).toBe('ValidationError');
      expect(result.errors?.[0]?.message).toMatch(/^source: /);
    }
  });

  it('counts the same redactions in the entry, the stored summary and the CLI, header hosts included', async () => {
    const entry = await submit(owner, SYSLOG);
    const counts = JSON.parse(entry.redactions) as Record<string, number>;
    expect(counts.hostname).toBeGreaterThan(0);
    const done = await summarized(owner, entry.id);
    // The header's host column is pseudonymised in the stored text too.
    expect(done.raw).not.toMatch(/ combo /);
    expect(done.raw).toMatch(/<HOST#\d+> /);
    const summary = JSON.parse(done.summary?.json ?? '{}') as {
      redactions: { total: number; byKind: Record<string, number> };
      topHosts: { name: string }[];
    };
    expect(summary.redactions.total).toBe(totalOf(counts));
    expect(summary.redactions.byKind).toMatchObject(counts);
    expect(summary.topHosts[0]?.name).toMatch(/^<HOST#\d+>$/);
    expect(done.summary?.text).toContain(`Redactions: ${totalOf(counts)} `);

    const file = join(dir, 'syslog.log');
    writeFileSync(file, SYSLOG);
    const cli = JSON.parse(await stdoutOf(() => logsCommand.run(['summarize', file, '--json']))) as {
      redactions: { total: number };
    };
    expect(cli.redactions.total).toBe(totalOf(counts));
  });

  it('gives year-less timestamps the year of the upload, and says so', async () => {
    const done = await summarized(owner, (await submit(owner, SYSLOG)).id);
    const [row] = await api.database.sql<{ year: number }[]>`
      select extract(year from created_at)::int as year from log_entries where id = ${done.id}`;
    const summary = JSON.parse(done.summary?.json ?? '{}') as {
      timeSpan: { start: string; yearAssumed: { year: number; from: string } };
    };
    expect(summary.timeSpan.yearAssumed).toEqual({ year: row?.year, from: 'received' });
    expect(summary.timeSpan.start.startsWith(`${row?.year}-`)).toBe(true);
    expect(done.summary?.text).toContain(`${row?.year} assumed`);
  });

  it('says through the API whether a log wrote its time zone: syslog none (no UTC claimed), ISO Z written', async () => {
    const syslog = await summarized(owner, (await submit(owner, SYSLOG)).id);
    const local = JSON.parse(syslog.summary?.json ?? '{}') as {
      headline: string;
      timeSpan: { zone?: string };
    };
    expect(local.timeSpan.zone).toBe('none');
    expect(local.headline).not.toContain('UTC');
    expect(syslog.summary?.text).toContain('Timestamps carry no time zone: times are as written, not UTC.');
    const iso = await summarized(owner, (await submit(owner, BEFORE)).id);
    const utc = JSON.parse(iso.summary?.json ?? '{}') as { timeSpan: { zone?: string } };
    expect(utc.timeSpan.zone).toBe('written');
    expect(iso.summary?.text).not.toContain('carry no time zone');
  });

  it('reads a pasted CSV export by its columns: levels, times and multi-line messages, as the CLI does', async () => {
    const done = await summarized(owner, (await submit(owner, EVENT_VIEWER_CSV)).id);
    const summary = JSON.parse(done.summary?.json ?? '{}') as {
      header: { kind: string };
      lines: { continuation: number };
      levels: { counts: Record<string, number> };
      errors: { total: number };
      timeSpan: { start: string; end: string };
    };
    expect(summary.header.kind).toBe('csv');
    expect(summary.errors.total).toBe(5);
    expect(summary.levels.counts).toEqual({ INFO: 9, WARN: 3, ERROR: 4, FATAL: 1 });
    expect(summary.lines.continuation).toBe(6);
    expect(summary.timeSpan).toMatchObject({
      start: '2026-11-30T23:58:02.000Z',
      end: '2026-12-01T00:20:45.000Z',
    });
    const templates = JSON.parse(done.summary?.templates ?? '[]') as { template: string }[];
    expect(templates.filter((t) => /Information,|Exception code/.test(t.template))).toEqual([]);
  });

  it('pseudonymises the host column of a pasted CSV export in the stored text as the summary does', async () => {
    // Bare host names, known as hosts only by their column: one before a quoted two-line message, one after.
    const exports = [
      [
        'timestamp,level,host,message',
        '2026-12-04T10:00:00Z,INFO,web-01,"started, pid 42"',
        '2026-12-04T10:00:01Z,ERROR,db-primary,"query failed',
        '  at Db.run (db.js:1:1)"',
        '2026-12-04T10:00:02Z,INFO,web-01,request served',
      ],
      [
        'Time;Message;Computer',
        '2026-12-04T10:00:00Z;"started; pid 42";web-01',
        '2026-12-04T10:00:01Z;"query failed',
        '  at Db.run (db.js:1:1)";db-primary',
        '2026-12-04T10:00:02Z;request served;"web-01"',
      ],
    ];
    for (const lines of exports) {
      const entry = await submit(owner, lines.join('\n'));
      const counts = JSON.parse(entry.redactions) as Record<string, number>;
      const done = await summarized(owner, entry.id);
      expect(done.raw).not.toMatch(/web-01|db-primary/);
      expect(done.raw?.split('\n')).toHaveLength(lines.length);
      const summary = JSON.parse(done.summary?.json ?? '{}') as {
        header: { kind: string };
        redactions: { total: number; byKind: Record<string, number> };
        topHosts: { name: string; lines: number }[];
      };
      expect(summary.header.kind).toBe('csv');
      // The stored text's pseudonyms are the summary's hosts, and the entry's counts are the summary's.
      expect(summary.topHosts.map((h) => h.name).sort()).toEqual(
        [...new Set(done.raw?.match(/<HOST#\d+>/g))].sort(),
      );
      expect(summary.topHosts.map((h) => h.lines).sort()).toEqual([1, 2]);
      expect(summary.redactions.total).toBe(totalOf(counts));
      expect(summary.redactions.byKind).toMatchObject(counts);
    }
  });

  it('never gives HR raw log lines: no samples, no parameter values, errors shown as templates', async () => {
    const id = (await submit(hr, AFTER)).id;
    await summarized(hr, id);
    const read = await hr.call('query($id: ID!) { logSummary(id: $id) { text json templates } }', { id });
    const view = dataField<{ text: string; json: string; templates: string }>(read, 'logSummary');
    for (const text of [view.text, view.json, view.templates]) {
      // The template keeps its constant words; the values behind <NUM> are the raw data.
      expect(text).not.toContain('order 1000');
      expect(text).not.toContain('order 1002');
    }
    const templates = JSON.parse(view.templates) as { samples: unknown[]; parameters: unknown[] }[];
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) expect([t.samples, t.parameters]).toEqual([[], []]);
    const json = JSON.parse(view.json) as { firstError: { text: string; template: string } };
    expect(json.firstError.text).toBe(json.firstError.template);
    const nested = await hr.call('query($id: ID!) { logEntry(id: $id) { summary { text templates } } }', {
      id,
    });
    expect(JSON.stringify(nested.data)).not.toContain('order 100');

    // Everyone else who may read an entry still gets the samples.
    const mine = await summarized(owner, (await submit(owner, AFTER)).id);
    expect(mine.summary?.templates).toContain('order 1002');
  });
});

describe('the deployment setting for addresses and host names (NETWORK_REDACTION)', () => {
  let api: ApiHarness;
  let owner: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness({ env: { NETWORK_REDACTION: 'remove' } });
    owner = await api.user('network@example.com');
  }, 120_000);
  afterAll(async () => api?.close());

  it('removes addresses and header hosts instead of pseudonymising them, counted alike everywhere', async () => {
    const entry = await submit(owner, SYSLOG);
    const done = await summarized(owner, entry.id);
    expect(done.raw).not.toMatch(/<HOST#\d+>|<IP#\d+>| combo /);
    expect(done.raw).toContain('<HOST>');
    const summary = JSON.parse(done.summary?.json ?? '{}') as {
      redactions: { total: number; network: string };
    };
    expect(summary.redactions.network).toBe('remove');
    expect(summary.redactions.total).toBe(totalOf(JSON.parse(entry.redactions)));
  });
  it('treats a ticket alike: host names and addresses in its title and body are removed, not pseudonymised', async () => {
    const ticket = dataField<{ title: string; body: string | null }>(
      await owner.call(
        'mutation($t: String!, $b: String) { triageTicket(title: $t, body: $b) { title body } }',
        { t: 'db-7.prod.acme.com refuses connections', b: 'From 10.2.3.4 since 09:00.' },
      ),
      'triageTicket',
    );
    expect(ticket.title).toBe('<HOST> refuses connections');
    expect(ticket.body).toBe('From <IP> since 09:00.');
  });
});
