import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../../local/embedded-postgres.ts';
import { until } from '../../support/eventually.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-pg-restart-'));
const clusterDir = join(dir, 'pg');
const servers: EmbeddedDatabase[] = [];
/** The supervisor's first pause before a restart (RESTART_FIRST_MS). */
const RESTART_PAUSE_MS = 500;

afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The postmaster's pid, from the file Postgres keeps in its cluster. */
const postmasterPid = () => Number.parseInt(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8'), 10);

/** The same pid while a restart may be under way: the file is absent between the old server's end and the new one's start. */
function restartedPid(): number | undefined {
  try {
    return postmasterPid();
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function answers(url: string): Promise<true | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return undefined;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A server whose restart notices are recorded, stopped after the file if a test does not stop it. */
async function watchedServer(): Promise<{ server: EmbeddedDatabase; notices: string[] }> {
  const notices: string[] = [];
  const server = await startEmbeddedPostgres({
    dataDir: clusterDir,
    onRestart: (line) => notices.push(line),
  });
  servers.push(server);
  return { server, notices };
}

describe('embedded PostgreSQL supervision', () => {
  it('starts the server again when it is killed, and says so', async () => {
    const { server, notices } = await watchedServer();
    const first = postmasterPid();
    process.kill(first, 'SIGKILL');
    await until(async () => {
      const pid = restartedPid();
      return pid !== undefined && pid !== first ? answers(server.url) : undefined;
    }, 60_000);
    expect(notices[0]).toBe('PostgreSQL exited unexpectedly (SIGKILL); restarting it');
    expect(notices).toContain('PostgreSQL is running again');
    await server.stop();
    servers.pop();
    expect(await answers(server.url)).toBeUndefined();
  });

  it('neither restarts nor reports a server that exits on Ctrl-C once shutdown has begun', async () => {
    const { server, notices } = await watchedServer();
    const pid = postmasterPid();
    server.beginStop();
    // What the terminal's Ctrl-C does to the server, which shares `ai-ops start`'s process group.
    process.kill(pid, 'SIGINT');
    await until(async () => (isGone(pid) ? true : undefined), 10_000);
    await sleep(RESTART_PAUSE_MS * 3);
    expect(notices).toEqual([]);
    expect(await answers(server.url)).toBeUndefined();
    await server.stop();
    servers.pop();
  });

  it('does not call a Ctrl-C exit unexpected when the server exits just before shutdown begins', async () => {
    const { server, notices } = await watchedServer();
    const pid = postmasterPid();
    process.kill(pid, 'SIGINT');
    await until(async () => (isGone(pid) ? true : undefined), 10_000);
    server.beginStop();
    await sleep(RESTART_PAUSE_MS * 3);
    expect(notices).toEqual([]);
    expect(await answers(server.url)).toBeUndefined();
    await server.stop();
    servers.pop();
  });

  it('stops at once when the server has already died and nobody restarts it', async () => {
    const server = await startEmbeddedPostgres({ dataDir: clusterDir });
    servers.push(server);
    const pid = postmasterPid();
    process.kill(pid, 'SIGKILL');
    await until(async () => (isGone(pid) ? true : undefined), 10_000);
    await server.stop();
    servers.pop();
    expect(await answers(server.url)).toBeUndefined();
  });
});

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
