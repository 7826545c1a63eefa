import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../../local/embedded-postgres.ts';
import { until } from '../../support/eventually.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-pg-restart-'));
const clusterDir = join(dir, 'pg');
const servers: EmbeddedDatabase[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The postmaster's pid, from the file Postgres keeps in its cluster. */
const postmasterPid = () => Number.parseInt(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8'), 10);

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

describe('embedded PostgreSQL supervision', () => {
  it('starts the server again when it is killed, and says so', async () => {
    const notices: string[] = [];
    const server = await startEmbeddedPostgres({
      dataDir: clusterDir,
      onRestart: (line) => notices.push(line),
    });
    servers.push(server);
    const first = postmasterPid();
    process.kill(first, 'SIGKILL');
    await until(async () => (postmasterPid() !== first ? answers(server.url) : undefined), 60_000);
    expect(notices[0]).toBe('PostgreSQL exited unexpectedly (SIGKILL); restarting it');
    expect(notices).toContain('PostgreSQL is running again');
    await server.stop();
    servers.pop();
    expect(await answers(server.url)).toBeUndefined();
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
