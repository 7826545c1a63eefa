/**
 * The local runtime's worker threads (local/worker-threads.ts): a job runs in its kind's thread and what the
 * worker emits reaches the main thread's /metrics; a thread that dies mid-job is started again and the job's
 * message, in flight when it died, is delivered again after the visibility timeout and succeeds: nothing lost.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type ApiSession, eventually, startApiHarness } from '../support/api-harness.ts';

const VISIBILITY_SECONDS = 3;
/** A blank-separated 10-field format: the miner spends seconds on a log of a few MB, time to end its thread. */
const SLOW_FORMAT = '<A> <B> <C> <D> <E> <F> <G> <H> <I> <J> <Content>x';
const SUBMIT = 'mutation($r: String!, $f: String) { summarizeLog(raw: $r, format: $f) { id } }';
const ENTRY = 'query($id: ID!) { logEntry(id: $id) { status job { status attempts } } }';

interface Entry {
  status: string;
  job: { status: string; attempts: number } | null;
}

describe('local worker threads', () => {
  let api: ApiHarness;
  let admin: ApiSession;
  beforeAll(async () => {
    api = await startApiHarness({ visibilityTimeoutSeconds: VISIBILITY_SECONDS });
    admin = await api.admin();
  });
  afterAll(async () => {
    await api?.close();
  });

  const entry = async (id: string): Promise<Entry> => {
    const result = await admin.call(ENTRY, { id });
    const value = result.data?.logEntry as Entry | undefined;
    if (!value) throw new Error(JSON.stringify(result));
    return value;
  };
  const submit = async (raw: string, format?: string): Promise<string> => {
    const result = await admin.call(SUBMIT, { r: raw, f: format });
    const id = (result.data?.summarizeLog as { id: string } | undefined)?.id;
    if (!id) throw new Error(JSON.stringify(result));
    return id;
  };

  it("runs a job in its kind's thread and serves what the worker emitted on /metrics", async () => {
    const id = await submit(readFileSync('test/fixtures/logs/HDFS_sample.log', 'utf8'));
    await eventually(
      () => entry(id),
      (value) => value.status === 'SUCCEEDED',
      20_000,
    );
    const metrics = await (await fetch(api.runtime.url.replace(/\/graphql$/, '/metrics'))).text();
    const succeeded = /^ai_ops_jobs_succeeded_total\{kind="summarize-log"\} (\d+)/m.exec(metrics);
    expect(Number(succeeded?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^ai_ops_job_duration_seconds_count\{kind="summarize-log"\} [1-9]/m);
  });

  it('starts a thread again after it dies mid-job, and the job is delivered again and succeeds', async () => {
    const base = readFileSync('test/fixtures/logs/HDFS_sample.log', 'utf8');
    const id = await submit(base.repeat(Math.floor(1_000_000 / base.length)), SLOW_FORMAT);
    await eventually(
      () => entry(id),
      (value) => value.status === 'PROCESSING',
      20_000,
    );
    await api.runtime.workers.terminate('summarize-log');
    await eventually(
      async () => api.runtime.workers.restarts('summarize-log'),
      (restarts) => restarts === 1,
      10_000,
    );
    const done = await eventually(
      () => entry(id),
      (value) => value.status !== 'PROCESSING' && value.status !== 'QUEUED',
      60_000,
    );
    // The first delivery died with its thread; the second, after the visibility timeout, did the work.
    expect(done.job).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(api.runtime.workers.restarts('triage-ticket')).toBe(0);
    // Mining twice, a restart and a visibility timeout: longer than the default on a loaded machine.
  }, 120_000);
});
