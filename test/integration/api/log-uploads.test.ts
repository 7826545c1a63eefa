import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runUpload } from '../../../bin/commands/log-upload.ts';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../../support/api-harness.ts';

const CREATE = `mutation($filename: String!, $size: Int!, $source: String, $key: String) {
  createLogUpload(filename: $filename, size: $size, source: $source, idempotencyKey: $key) {
    entry { id status sizeBytes source job { id status } }
    uploadUrl uploadHeaders expiresAt
  }
}`;
const READ = `query($id: ID!) {
  logEntry(id: $id) { id status lineCount raw redactions summary { text json generatedBy } job { lastError } }
}`;

// Loghub HDFS sample (Zhu et al., Loghub, ISSRE 2023), shipped in test/fixtures/logs.
const FIXTURE = readFileSync(join(import.meta.dirname, '../../fixtures/logs/HDFS_sample.log'));

interface Upload {
  entry: { id: string; status: string; sizeBytes: number; source: string | null; job: { id: string } };
  uploadUrl: string;
  uploadHeaders: string;
  expiresAt: string;
}

describe('large logs through the local upload endpoint', () => {
  let api: ApiHarness;
  let owner: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    owner = await api.user('uploader@example.com');
  }, 120_000);
  afterAll(async () => api?.close());

  const create = async (variables: Record<string, unknown>): Promise<Upload> => {
    const result = await owner.call(CREATE, variables);
    expect(result.errors).toBeUndefined();
    return result.data?.createLogUpload as Upload;
  };
  const put = (upload: Upload, body: Buffer, headers: Record<string, string> = {}) =>
    fetch(new URL(upload.uploadUrl, api.runtime.url), { method: 'PUT', body: new Uint8Array(body), headers });

  it('summarizes a gzip file PUT to the URL createLogUpload answers', async () => {
    const gzip = gzipSync(FIXTURE);
    const upload = await create({ filename: 'hdfs.log.gz', size: gzip.length, source: 'hdfs' });
    expect(upload.entry).toMatchObject({ status: 'AWAITING_UPLOAD', sizeBytes: gzip.length, source: 'hdfs' });
    expect(Date.parse(upload.expiresAt)).toBeGreaterThan(Date.now());
    expect(JSON.parse(upload.uploadHeaders)).toEqual({});

    const response = await put(upload, gzip);
    expect(response.status).toBe(200);
    type Read = {
      status: string;
      lineCount: number;
      raw: string;
      redactions: string;
      summary: { text: string; json: string; generatedBy: string };
      job: { lastError: string | null };
    };
    const entry = await eventually(
      async () => (await owner.call(READ, { id: upload.entry.id })).data?.logEntry as Read,
      (read) => read.status === 'SUCCEEDED' || read.status === 'FAILED',
      30_000,
    );
    expect(entry.job.lastError).toBeNull();
    expect(entry.status).toBe('SUCCEEDED');
    const lines = FIXTURE.toString('utf8').trimEnd().split('\n').length;
    expect(entry.lineCount).toBe(lines);
    expect(entry.summary.generatedBy).toBe('local');
    expect(JSON.parse(entry.summary.json).lines.total).toBe(lines);
    expect(entry.summary.text).toMatch(/PacketResponder/);
    // The entry counts the redactions made while reading the upload, as the summary does.
    const byKind = JSON.parse(entry.summary.json).redactions.byKind as Record<string, number>;
    expect(byKind.ipv4).toBeGreaterThan(0);
    expect(JSON.parse(entry.redactions)).toEqual(byKind);
    // A second PUT of an accepted upload is refused: the file is already being summarized.
    expect((await put(upload, gzip)).status).toBe(409);
  }, 60_000);

  it('keeps the first file when the same URL is PUT again before the worker has read it', async () => {
    const first = Buffer.from(`${FIXTURE.toString('utf8').trimEnd()}\n`);
    const second = Buffer.from(first.toString('utf8').replace(/INFO/g, 'WARN'));
    expect(second.length).toBe(first.length);
    const upload = await create({ filename: 'twice.log', size: first.length });
    expect((await put(upload, first)).status).toBe(200);
    const again = await put(upload, second);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ message: expect.stringMatching(/already uploaded/) });
    const entry = await eventually(
      async () =>
        (await owner.call(READ, { id: upload.entry.id })).data?.logEntry as {
          status: string;
          summary: { json: string } | null;
        },
      (read) => read.status === 'SUCCEEDED' || read.status === 'FAILED',
      30_000,
    );
    expect(entry.status).toBe('SUCCEEDED');
    // The summary is of the first file: its INFO lines are there (the second has none).
    const infoLines = first
      .toString('utf8')
      .split('\n')
      .filter((l) => l.includes(' INFO ')).length;
    expect(infoLines).toBeGreaterThan(0);
    expect(JSON.parse(entry.summary?.json ?? '{}').levels.counts.INFO).toBe(infoLines);
  }, 60_000);

  it('refuses a forged or wrong-sized PUT with a clear answer and keeps the entry waiting', async () => {
    const upload = await create({ filename: 'app.log', size: FIXTURE.length });
    const forged = upload.uploadUrl.replace(/sig=[^&]+/, 'sig=AAAA');
    const refused = await fetch(new URL(forged, api.runtime.url), {
      method: 'PUT',
      body: new Uint8Array(FIXTURE),
    });
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toMatch(/not valid/);

    const short = await put(upload, FIXTURE.subarray(0, 100));
    expect(short.status).toBe(400);
    expect((await short.json()).message).toMatch(/Content-Length is 100 bytes/);

    const read = await owner.call(READ, { id: upload.entry.id });
    expect(read.data?.logEntry).toMatchObject({ status: 'AWAITING_UPLOAD' });
    // The same URL still works for the right file.
    expect((await put(upload, FIXTURE)).status).toBe(200);
  }, 60_000);

  it('names the field of a bad request, answers the same entry for a repeated key and refuses the key for another file', async () => {
    const tooBig = await owner.call(CREATE, { filename: 'big.log', size: 2 * 1024 ** 3 - 1 });
    expect(tooBig.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(tooBig.errors?.[0]?.message).toMatch(/^size: /);
    const noName = await owner.call(CREATE, { filename: '  ', size: 10 });
    expect(noName.errors?.[0]?.message).toMatch(/^filename: /);

    const first = await create({ filename: 'a.log', size: 10, key: 'upload-once' });
    const again = await create({ filename: 'a.log', size: 10, key: 'upload-once' });
    expect(again.entry.id).toBe(first.entry.id);

    const entries = async () =>
      (await api.database.sql<{ n: number }[]>`select count(*)::int as n from log_entries`)[0]?.n;
    const before = await entries();
    for (const different of [
      { filename: 'a.log', size: 11 },
      { filename: 'b.log', size: 10 },
      { filename: 'a.log', size: 10, source: 'billing' },
    ]) {
      const refused = await owner.call(CREATE, { ...different, key: 'upload-once' });
      expect(refused.errors?.[0]?.errorType).toBe('ValidationError');
      expect(refused.errors?.[0]?.message).toMatch(/^idempotencyKey: .*different createLogUpload request/);
      expect(refused.errors?.[0]?.message).toContain(first.entry.id);
    }
    expect(await entries()).toBe(before);
  }, 60_000);

  it('ai-ops logs upload sends a gzip file and prints its summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ai-ops-upload-cli-'));
    const file = join(dir, 'hdfs.log.gz');
    writeFileSync(file, gzipSync(FIXTURE));
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const env = { AI_OPS_PASSWORD: 'correct horse battery staple' };
      const args = [file, '--api', api.runtime.url, '--email', owner.email, '--key', api.runtime.apiKey];
      expect(await runUpload([...args, '--source', 'hdfs', '--timeout', '60'], env)).toBe(0);
    } finally {
      spy.mockRestore();
      stderr.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(out).toMatch(/PacketResponder/);
    const lines = FIXTURE.toString('utf8').trimEnd().split('\n').length;
    expect(out).toContain(`in ${lines} lines`);
    // The first test uploaded the same source: the summary compares with it.
    expect(out).toMatch(
      /Compared with the previous log of this source \(uploaded \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/,
    );
  }, 90_000);

  it('ai-ops logs upload sends a small plain file as text, as the console does: the entry keeps its redacted text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ai-ops-upload-cli-'));
    const file = join(dir, 'hdfs.log');
    // With a UTF-8 byte-order mark, which is no part of the first line.
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), FIXTURE]));
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      const env = { AI_OPS_PASSWORD: 'correct horse battery staple' };
      const args = [file, '--api', api.runtime.url, '--email', owner.email, '--key', api.runtime.apiKey];
      expect(await runUpload([...args, '--no-wait'], env)).toBe(0);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    const id = out.trim();
    const read = async () =>
      (await owner.call(READ, { id })).data?.logEntry as { status: string; raw: string | null };
    const entry = await eventually(read, (e) => e.status === 'SUCCEEDED', 30_000);
    const text = FIXTURE.toString('utf8');
    const address = /\b\d{1,3}(?:\.\d{1,3}){3}\b/.exec(text)?.[0] ?? '';
    expect(address).not.toBe('');
    expect(entry.raw).toContain('PacketResponder');
    expect(entry.raw?.startsWith('\uFEFF')).toBe(false);
    // Stored as a pasted log is: redacted.
    expect(entry.raw).not.toContain(address);
  }, 90_000);

  it('ai-ops logs upload says which API it cannot reach and why, instead of "fetch failed"', async () => {
    // A port that was just listening and is closed now: the connection is refused.
    const closed = new URL(api.runtime.url);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    closed.host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 9}`;
    const dir = mkdtempSync(join(tmpdir(), 'ai-ops-upload-cli-'));
    const file = join(dir, 'hdfs.log');
    writeFileSync(file, FIXTURE);
    try {
      await expect(runUpload([file, '--api', closed.href, '--token', 'any'], {})).rejects.toThrow(
        `cannot reach ${closed.href} (ECONNREFUSED): is the API running`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
