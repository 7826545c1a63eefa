import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abandoned, ownedTempDir, removeAbandoned, tempDir } from '../../support/temp-dir.ts';

const ROOT = join(import.meta.dirname, '../../..');

/** The pid of a process that has ended (a child that exited at once). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

function runFolder(parent: string, name: string, owner: number | null): string {
  const dir = join(parent, name);
  mkdirSync(join(dir, 'data'), { recursive: true });
  if (owner !== null) writeFileSync(join(dir, 'owner.pid'), `${owner}\n`);
  return dir;
}

const HOUR_AGO = (Date.now() - 3_600_000) / 1000;

describe('folders left by earlier test runs', () => {
  it('removes a run folder whose owner process is gone and keeps one whose owner still runs', () => {
    const parent = tempDir('runs-');
    runFolder(parent, 'ai-ops-test-run-gone', deadPid());
    runFolder(parent, 'ai-ops-test-run-live', process.pid);
    runFolder(parent, 'other-gone', deadPid());
    expect(removeAbandoned(['ai-ops-test-run-'], parent)).toEqual(['ai-ops-test-run-gone']);
    expect(existsSync(join(parent, 'ai-ops-test-run-live'))).toBe(true);
    expect(existsSync(join(parent, 'other-gone'))).toBe(true);
  });

  it('keeps a folder without owner file while its PostgreSQL server runs or while it is young', () => {
    const parent = tempDir('runs-');
    const serving = runFolder(parent, 'ai-ops-test-pg-serving', null);
    writeFileSync(join(serving, 'data', 'postmaster.pid'), `${process.pid}\n/some/dir\n`);
    utimesSync(serving, HOUR_AGO, HOUR_AGO);
    const young = runFolder(parent, 'ai-ops-test-pg-young', null);
    const old = runFolder(parent, 'ai-ops-test-pg-old', null);
    writeFileSync(join(old, 'data', 'postmaster.pid'), `${deadPid()}\n`);
    utimesSync(old, HOUR_AGO, HOUR_AGO);
    expect([abandoned(serving), abandoned(young), abandoned(old)]).toEqual([false, false, true]);
  });

  it('keeps a run folder whose owner is gone while a server still runs on its cluster', () => {
    const parent = tempDir('runs-');
    const dir = runFolder(parent, 'ai-ops-test-run-orphan', deadPid());
    mkdirSync(join(dir, 'pg', 'data'), { recursive: true });
    writeFileSync(join(dir, 'pg', 'data', 'postmaster.pid'), `${process.pid}\n`);
    expect(abandoned(dir)).toBe(false);
  });

  it('names this process as the owner of a folder it claims', () => {
    const dir = ownedTempDir('claimed-', tempDir('runs-'));
    expect(abandoned(dir)).toBe(false);
  });
});

describe('the temporary directory of each test file', () => {
  it('fails a file that leaves something behind, naming it, and passes one that cleans up', () => {
    const run = spawnSync(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/temp-leak/vitest.config.ts'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    const output = run.stdout + run.stderr;
    expect(run.status).toBe(1);
    expect(output).toMatch(/leaves-a-folder\.fixture\.ts left forgotten-\w+ in its temporary directory/);
    expect(output).toMatch(/1 failed.*\| 1 passed/);
  }, 120_000);
});
