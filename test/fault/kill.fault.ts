/**
 * kill -9 of `ai-ops start` with jobs in flight (issue 13, problem 2): the next start stops the PostgreSQL the
 * killed run left behind and says so, every accepted job then finishes, and a client retrying its requests
 * with the same idempotency keys gets the same entries: nothing lost, nothing duplicated.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  dataField,
  type graphql,
  type StartedLocalProcess,
  startLocalProcess,
} from '../support/local-process.ts';
import { adminSession, sampleLog, tempDir, until } from './support.ts';

const JOBS = 60;
const SUMMARIZE = `mutation($raw: String!, $key: String) {
  summarizeLog(raw: $raw, idempotencyKey: $key) { id status }
}`;

async function allEntries(call: (q: string, v?: Record<string, unknown>) => ReturnType<typeof graphql>) {
  const items: { id: string; status: string }[] = [];
  let nextToken: string | null = null;
  do {
    type Page = { items: { id: string; status: string }[]; nextToken: string | null };
    const page: Page = dataField<{ items: { id: string; status: string }[]; nextToken: string | null }>(
      await call(
        'query($t: String) { logEntries(limit: 100, nextToken: $t) { items { id status } nextToken } }',
        {
          t: nextToken,
        },
      ),
      'logEntries',
    );
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

describe('kill -9 with jobs in flight, then a restart', () => {
  const dir = tempDir('ai-ops-fault-kill-');
  let stack: StartedLocalProcess | undefined;
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('restarts on its own, finishes every accepted job once, and retries return the same entries', async () => {
    stack = await startLocalProcess(dir.path, 90_000);
    const credentials = stack.admin;
    const admin = await adminSession(stack);
    const keys = Array.from({ length: JOBS }, (_, i) => `kill-${i}`);
    const accepted = new Map<string, string>();
    await Promise.all(
      keys.map(async (key, i) => {
        const result = await admin.call(SUMMARIZE, { raw: sampleLog(`kill${i}`, 400), key });
        accepted.set(key, dataField<{ id: string }>(result, 'summarizeLog').id);
      }),
    );
    const killedAfterMs = 300;
    await new Promise((resolve) => setTimeout(resolve, killedAfterMs));
    const before = await allEntries(admin.call);
    const finishedBeforeKill = before.filter((entry) => entry.status === 'SUCCEEDED').length;
    stack.child.kill('SIGKILL');
    await new Promise((resolve) => stack?.child.once('exit', resolve));

    stack = await startLocalProcess(dir.path, 90_000);
    const notices = stack.output.join('\n');
    expect(notices).toMatch(/Stopping PostgreSQL \(pid \d+\) left running/);
    expect(notices).not.toMatch(/undefined/);
    const again = await adminSession(stack, credentials);
    // Ready as the application's role (what handlers connect as): the database answers, every migration applied.
    const health = await fetch(new URL('/health', stack.url));
    expect({ status: health.status, body: await health.json() }).toMatchObject({
      status: 200,
      body: { status: 'ready', database: 'reachable', migrations: 'applied' },
    });

    const entries = await until(
      async () => {
        const all = await allEntries(again.call);
        return all.every((entry) => entry.status === 'SUCCEEDED') ? all : undefined;
      },
      120_000,
      'every accepted job SUCCEEDED',
    );
    // The client retries every request after the crash: the same keys give the same entries, no new ones.
    const retried = await Promise.all(
      keys.map(async (key, i) => {
        const result = await again.call(SUMMARIZE, { raw: sampleLog(`kill${i}`, 400), key });
        return [key, dataField<{ id: string }>(result, 'summarizeLog').id] as const;
      }),
    );
    const jobs = await allEntries(again.call);
    console.log(
      `kill -9: ${JOBS} accepted, ${JOBS - finishedBeforeKill} unfinished when killed; after restart ` +
        `${entries.length} entries, ${entries.filter((e) => e.status === 'SUCCEEDED').length} SUCCEEDED, ` +
        `${jobs.length - JOBS} duplicates after retries`,
    );
    expect(entries.map((entry) => entry.id).sort()).toEqual([...accepted.values()].sort());
    expect(new Map(retried)).toEqual(accepted);
    expect(jobs).toHaveLength(JOBS);
  });
});
