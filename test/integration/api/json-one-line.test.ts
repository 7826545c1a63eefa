import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSummary } from '../../../web/src/pages/logs/summary-model.ts';
import { findTemplateLines, indexLog } from '../../../web/src/pages/logs/template-lines.ts';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../../support/api-harness.ts';

// A Kibana-like export written on ONE line (a JSON array, as a program or `jq -c` writes it), long enough
// that reading it line by line cut it at 65,536 characters.
const record = (i: number) => ({
  '@timestamp': `2026-12-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
  'log.level': i % 10 === 9 ? 'error' : 'info',
  message: i % 10 === 9 ? `payment ${i} declined by gateway` : `cart ${i} checked out`,
  host: 'shop-1',
  labels: { team: 'checkout', note: 'n'.repeat(150) },
});
const RECORDS = 600;
const ONE_LINE = JSON.stringify(Array.from({ length: RECORDS }, (_, i) => record(i)));

const READ = `query($id: ID!) {
  logEntry(id: $id) { id status raw summary { json templates } job { lastError } }
}`;

type Read = {
  status: string;
  raw: string | null;
  summary: { json: string; templates: string } | null;
  job: { lastError: string | null };
};

describe('a JSON document written on one line, through the API', () => {
  let api: ApiHarness;
  let owner: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    owner = await api.user('one-line@example.com');
  }, 120_000);
  afterAll(async () => api?.close());

  const finished = (id: string) =>
    eventually(
      async () => (await owner.call(READ, { id })).data?.logEntry as Read,
      (read) => read.status === 'SUCCEEDED' || read.status === 'FAILED',
      30_000,
    );

  it('summarizes a pasted one-line document as its records, and Show lines finds them by the same numbers', async () => {
    expect(ONE_LINE.length).toBeGreaterThan(1 << 17);
    const pasted = await owner.call('mutation($raw: String!) { summarizeLog(raw: $raw) { id } }', {
      raw: ONE_LINE,
    });
    expect(pasted.errors).toBeUndefined();
    const id = (pasted.data?.summarizeLog as { id: string } | undefined)?.id ?? '';
    const entry = await finished(id);
    expect(entry.job.lastError).toBeNull();
    const json = JSON.parse(entry.summary?.json ?? '{}');
    expect(json.lines).toMatchObject({ total: RECORDS, analysed: RECORDS, truncated: 0 });
    expect(json.lines.compactJson).toEqual({ lines: RECORDS, physicalLines: 1 });
    expect(json.levels.counts).toMatchObject({ INFO: 540, ERROR: 60 });
    expect(json.firstError.line).toBe(10);

    // The console reads the stored text as the summary numbered it: a record a line.
    const model = readSummary(json);
    expect(model?.jsonDocument).toBe(true);
    const errorTemplate = json.errorTemplates[0] as { id: string; template: string };
    const index = indexLog(entry.raw ?? '', [errorTemplate], { jsonDocument: true });
    expect(index.lines).toHaveLength(RECORDS);
    const found = findTemplateLines(index, { id: errorTemplate.id, limit: 3 });
    expect(found.total).toBe(60);
    expect(found.shown.map((l) => l.line)).toEqual([10, 20, 30]);
    expect(found.shown[0]?.text).toContain('payment 9 declined by gateway');
  }, 60_000);

  it('summarizes the same document uploaded as a file, read in parts, to the same counts', async () => {
    const body = Buffer.from(ONE_LINE);
    const created = await owner.call(
      'mutation($f: String!, $s: Int!) { createLogUpload(filename: $f, size: $s) { entry { id } uploadUrl } }',
      { f: 'export.json', s: body.length },
    );
    expect(created.errors).toBeUndefined();
    const upload = created.data?.createLogUpload as { entry: { id: string }; uploadUrl: string };
    const put = await fetch(new URL(upload.uploadUrl, api.runtime.url), {
      method: 'PUT',
      body: new Uint8Array(body),
    });
    expect(put.status).toBe(200);
    const entry = await finished(upload.entry.id);
    expect(entry.job.lastError).toBeNull();
    const json = JSON.parse(entry.summary?.json ?? '{}');
    expect(json.lines).toMatchObject({ total: RECORDS, analysed: RECORDS, truncated: 0 });
    expect(json.levels.counts).toMatchObject({ INFO: 540, ERROR: 60 });
  }, 60_000);
});
