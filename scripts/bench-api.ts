/**
 * End-to-end latency of the local stack: a 1 MB log through summarizeLog → queue → summarizer worker →
 * SUCCEEDED, polled over HTTP as a client would. Target (issue 3): within 2 s.
 * Usage: npm run bench:api [-- --runs 5]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalRuntime } from '../local/runtime.ts';
import { existingDataPath } from './shared-data.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    data: { type: 'string' },
  },
});
const runs = Number(values.runs);
const loghub = existingDataPath('bench-api', 'loghub-2k', { option: '--data', value: values.data });

async function call(
  url: string,
  headers: Record<string, string>,
  query: string,
  variables: Record<string, unknown>,
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data ?? {};
}

/** ~1 MB of real log lines (Loghub HDFS, repeated with varied block ids so templates keep their values). */
function oneMegabyteLog(): string {
  const base = readFileSync(join(loghub, 'HDFS/HDFS_2k.log'), 'utf8').split('\n').filter(Boolean);
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 1024 * 1024; i++) {
    const line = (base[i % base.length] ?? '').replace(/blk_-?\d+/, `blk_${1000 + i}`);
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

const dataDir = mkdtempSync(join(tmpdir(), 'ai-ops-bench-'));
const runtime = await startLocalRuntime({ port: 0, dataDir, reconcileEverySeconds: 3600 });
try {
  const admin = runtime.createdAdmin;
  if (!admin) throw new Error('no admin created');
  const login = await call(
    runtime.url,
    { 'x-api-key': runtime.apiKey },
    'mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: admin.email, p: admin.password },
  );
  const token = (login.login as { accessToken: string }).accessToken;
  const auth = { authorization: `Bearer ${token}` };
  const raw = oneMegabyteLog();
  const rows: string[] = [];
  for (let run = 1; run <= runs; run++) {
    const started = performance.now();
    const submitted = await call(
      runtime.url,
      auth,
      'mutation($r: String!) { summarizeLog(raw: $r) { id } }',
      { r: raw },
    );
    const accepted = performance.now() - started;
    const id = (submitted.summarizeLog as { id: string }).id;
    let status = 'QUEUED';
    while (status !== 'SUCCEEDED' && status !== 'FAILED') {
      await new Promise((r) => setTimeout(r, 20));
      const read = await call(runtime.url, auth, 'query($id: ID!) { logEntry(id: $id) { status } }', { id });
      status = (read.logEntry as { status: string }).status;
    }
    const total = performance.now() - started;
    rows.push(
      `| ${run} | ${(raw.length / 1024 / 1024).toFixed(2)} MB | ${accepted.toFixed(0)} | ${total.toFixed(0)} | ${status} | ${total < 2000 && status === 'SUCCEEDED' ? 'MET' : 'MISSED'} |`,
    );
  }
  console.log('summarizeLog end to end on the local stack (HTTP → Postgres → queue → worker → SUCCEEDED)\n');
  console.log('| run | log size | accepted after ms | SUCCEEDED after ms | status | target < 2000 ms |');
  console.log('|-----|----------|-------------------|--------------------|--------|------------------|');
  for (const row of rows) console.log(row);
} finally {
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
