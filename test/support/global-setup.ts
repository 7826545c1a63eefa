import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../local/embedded-postgres.ts';
import { ownedTempDir, removeAbandoned } from './temp-dir.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the `postgres` database on the embedded server started for this test run. */
    pgAdminUrl: string;
    /** Folder under which each test file gets its own TMPDIR (temp-sandbox.ts); removed with the run. */
    testTmpRoot: string;
  }
}

/**
 * The folders of a run: `ai-ops-test-run-*` today, `ai-ops-test-pg-*` before (each 500 MB with its cluster).
 * A run that was killed leaves one behind; the next run removes it once its owner and its server are gone.
 */
const RUN_PREFIX = 'ai-ops-test-run-';
const RUN_PREFIXES = [RUN_PREFIX, 'ai-ops-test-pg-'];

/** One real PostgreSQL server for the whole run; each test file creates its own database on it. */
export default async function setup(project: TestProject) {
  removeAbandoned(RUN_PREFIXES);
  const dir = ownedTempDir(RUN_PREFIX);
  const files = join(dir, 'files');
  mkdirSync(files);
  project.provide('testTmpRoot', files);
  try {
    const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg', 'data') });
    project.provide('pgAdminUrl', server.url);
    return async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  } catch (error: unknown) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
