import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { removeTempDirs } from './temp-dir.ts';

/**
 * Runs before each test file (vitest setupFiles): the file's temporary files, and those of the libraries and
 * child processes it runs (the CDK's cdk.out, the CLI's spools), go to a folder of its own under the run's
 * folder, so a leak can be seen and named. When the file ends, whatever is left there fails the file: tests
 * remove what they create (test/support/temp-dir.ts), so /tmp does not fill up run after run.
 */
const parent = inject('testTmpRoot') ?? tmpdir();
const sandbox = mkdtempSync(join(parent, 'file-'));
/**
 * Caches that live in the system temporary directory on purpose and outlast a run: tsx's compile cache
 * (`tsx-<uid>`, used by the CLI and worker threads the tests start). Linked into the sandbox, so that they are
 * shared as before instead of rebuilt by every file; the link goes with the sandbox, the cache stays.
 */
const sharedCaches = [`tsx-${process.geteuid?.() ?? 'user'}`];
for (const name of sharedCaches) {
  const target = join(tmpdir(), name);
  mkdirSync(target, { recursive: true });
  symlinkSync(target, join(sandbox, name));
}
const previous = process.env.TMPDIR;
process.env.TMPDIR = sandbox;

afterAll(() => {
  removeTempDirs();
  const left = readdirSync(sandbox).filter((name) => !sharedCaches.includes(name));
  rmSync(sandbox, { recursive: true, force: true });
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  if (left.length > 0) {
    throw new Error(
      `${basename(expect.getState().testPath ?? 'this test file')} left ${left.join(', ')} in its temporary directory: remove what a test creates (tempDir() in test/support/temp-dir.ts, or rmSync in afterAll)`,
    );
  }
});
