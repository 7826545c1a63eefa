import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../local/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the `postgres` database on the embedded server started for this test run. */
    pgAdminUrl: string;
  }
}

/** One real PostgreSQL server for the whole run; each test file creates its own database on it. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'ai-ops-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data') });
  project.provide('pgAdminUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
