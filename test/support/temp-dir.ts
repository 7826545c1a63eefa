import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders for tests. Each test file runs with TMPDIR pointed at a folder of its own (temp-sandbox.ts),
 * and that folder must be empty when the file ends: a test removes what it creates, even when it fails.
 * `tempDir` is the easy way to do so: the folder is removed after the file's last test whatever happened.
 */
const created = new Set<string>();

/** A new empty folder under the test file's temporary directory, removed when the file ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
}

/** A file path under a folder from `tempDir`, for tests that need a file rather than a folder. */
export function tempFile(name: string): string {
  return join(tempDir('file-'), name);
}

/** Removes every folder `tempDir` made; run by temp-sandbox.ts after the file's own hooks. */
export function removeTempDirs(): void {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
}

const OWNER_FILE = 'owner.pid';
/** A folder without an owner file is left alone while younger than this: its run may still be starting. */
const UNOWNED_GRACE_MS = 15 * 60_000;

/** A new folder under the system temporary directory that names this process as its owner. */
export function ownedTempDir(prefix: string, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, prefix));
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
  return dir;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

/** The pid written in a file, or null when the file is missing or holds no number. */
function pidIn(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Whether a folder left by an earlier run may go: its owner process is gone and no PostgreSQL server still runs
 * on a cluster inside it. Folders from before owner files existed go only when old and with no server running.
 */
export function abandoned(dir: string, now = Date.now(), options: { ownerless?: 'keep' } = {}): boolean {
  const owner = pidIn(join(dir, OWNER_FILE));
  if (owner !== null && processAlive(owner)) return false;
  if (owner === null && options.ownerless === 'keep') return false;
  for (const cluster of [join(dir, 'data'), join(dir, 'pg', 'data')]) {
    const server = pidIn(join(cluster, 'postmaster.pid'));
    if (server !== null && processAlive(server)) return false;
  }
  if (owner === null && now - statSync(dir).mtimeMs < UNOWNED_GRACE_MS) return false;
  return true;
}

/** Removes the folders under `parent` starting with one of `prefixes` whose run is gone; returns their names. */
export function removeAbandoned(
  prefixes: readonly string[],
  parent = tmpdir(),
  options: { ownerless?: 'keep' } = {},
): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
    const dir = join(parent, name);
    try {
      if (!statSync(dir).isDirectory() || !abandoned(dir, Date.now(), options)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another run removed it first, or it is not ours to read: leave it.
    }
  }
  return removed;
}
