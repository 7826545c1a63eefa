import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../../local/embedded-postgres.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-pg-password-'));
const clusterDir = join(dir, 'pg');
const passwordFile = `${clusterDir}.password`;
const servers: EmbeddedDatabase[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<EmbeddedDatabase> {
  const server = await startEmbeddedPostgres({ dataDir: clusterDir });
  servers.push(server);
  return server;
}

async function query(url: string, text: string): Promise<string> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql.unsafe(text);
    return 'ok';
  } catch (error: unknown) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const withPassword = (url: string, password: string) =>
  url.replace(/\/\/postgres:[^@]*@/, `//postgres:${encodeURIComponent(password)}@`);

describe('the embedded PostgreSQL password', () => {
  it('is one of its own per cluster, kept beside it for its owner only; the old shared one is refused', async () => {
    const server = await start();
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).toMatch(/^[\w-]{32}$/);
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(server.url).toContain(encodeURIComponent(password));
    expect(await query(server.url, 'select 1')).toBe('ok');
    expect(await query(withPassword(server.url, 'ai-ops-local'), 'select 1')).toMatch(
      /password authentication failed/,
    );
    await server.stop();
  });

  it('gives a cluster made with the old shared password one of its own on its next start', async () => {
    // A cluster as every run made it before: the shared password, and no password file.
    const before = await start();
    expect(await query(before.url, "alter role postgres password 'ai-ops-local'")).toBe('ok');
    await before.stop();
    rmSync(passwordFile);

    const after = await start();
    expect(existsSync(passwordFile)).toBe(true);
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).not.toBe('ai-ops-local');
    expect(await query(after.url, 'select 1')).toBe('ok');
    expect(await query(withPassword(after.url, 'ai-ops-local'), 'select 1')).toMatch(
      /password authentication failed/,
    );
  });
});
