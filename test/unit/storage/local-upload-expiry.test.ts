import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expireLocalUploads } from '../../../lambdas/adapters/storage/local-uploads.ts';
import { uploadObjectKey } from '../../../lambdas/core/jobs/kinds/summarize-log/upload-key.ts';

const DAY_S = 24 * 3600;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes an upload's file under the data dir, last modified `ageDays` ago. */
function upload(dataDir: string, entry: string, job: string, ageDays: number): string {
  const path = join(dataDir, uploadObjectKey(entry, job));
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, 'line\n');
  const when = Date.now() / 1000 - ageDays * DAY_S;
  utimesSync(path, when, when);
  return path;
}

describe('the local uploads lifecycle', () => {
  it('removes files older than the retention and their emptied folders, and keeps newer ones', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ai-ops-uploads-'));
    dirs.push(dataDir);
    const old = upload(
      dataDir,
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
      8,
    );
    const fresh = upload(
      dataDir,
      '00000000-0000-4000-8000-000000000003',
      '00000000-0000-4000-8000-000000000004',
      1,
    );

    expect(await expireLocalUploads(dataDir, 7)).toBe(1);

    expect(existsSync(old)).toBe(false);
    expect(existsSync(join(old, '..'))).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('does nothing, without failing, when nothing was ever uploaded', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ai-ops-uploads-'));
    dirs.push(dataDir);
    expect(await expireLocalUploads(dataDir, 7)).toBe(0);
  });
});
