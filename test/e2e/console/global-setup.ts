import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../../local/embedded-postgres.ts';
import { startLocalProcess } from '../../support/local-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    consoleUrl: string;
    apiUrl: string;
    apiKey: string;
    admin: { email: string; password: string };
    /** The database `ai-ops start` uses, so a test can put a message on a dead-letter queue. */
    databaseUrl: string;
    /** Everything `ai-ops start` printed (warnings included), for a failing test to show its tail. */
    serverLog: string;
  }
}

/**
 * One real `ai-ops start` (its own embedded Postgres in a temporary folder, as on a fresh clone) for all the
 * browser specs. The database is started here rather than by `ai-ops start` only so that the dead-letter
 * spec can reach the queue tables.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'ai-ops-console-e2e-'));
  const database = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres') });
  await database.createDatabase('aiops');
  const databaseUrl = database.urlFor('aiops');
  const started = await startLocalProcess(join(dir, 'data'), 120_000, {
    DATABASE_URL: databaseUrl,
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  const serverLog = join(dir, 'server.log');
  appendFileSync(serverLog, `${started.output.join('\n')}\n`);
  for (const stream of [started.child.stdout, started.child.stderr]) {
    stream?.on('data', (chunk: Buffer) => appendFileSync(serverLog, chunk));
  }
  if (!started.admin) throw new Error(`no admin credentials in the banner:\n${started.output.join('\n')}`);
  project.provide('consoleUrl', started.url.replace(/\/graphql$/, ''));
  project.provide('apiUrl', started.url);
  project.provide('apiKey', started.apiKey);
  project.provide('admin', started.admin);
  project.provide('databaseUrl', databaseUrl);
  project.provide('serverLog', serverLog);
  return async () => {
    await started.stop();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
