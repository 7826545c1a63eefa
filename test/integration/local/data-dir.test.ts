/**
 * `ai-ops start --data-dir <a place that cannot hold a folder>` as a user runs it: a child process that must end
 * with a usage error naming `--data-dir`. Node's recursive mkdir never returned for `/proc/x`, and the command
 * hung without a word; the child is killed if it has not ended long after it should have, and the test fails.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'data-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Past this the command is taken to hang (it answers in about a second; a stale build is rebuilt first). */
const HANG_MS = 90_000;

async function start(dataDir: string): Promise<{ code: number | null; stderr: string; killed: boolean }> {
  const child = spawn(process.execPath, ['bin/ai-ops.mjs', 'start', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, HANG_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stderr, killed };
}

describe('ai-ops start with a data dir that cannot be created', () => {
  it('exits 2 naming --data-dir for /proc/x and for a path under a regular file, instead of hanging', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    for (const dataDir of ['/proc/x', join(file, 'data')]) {
      const result = await start(dataDir);
      expect(result.killed, `${dataDir} hung`).toBe(false);
      expect(result.code, dataDir).toBe(2);
      expect(result.stderr, dataDir).toMatch(
        new RegExp(
          `^ai-ops start: --data-dir: cannot create the folder ${escaped(dataDir)} \\(E[A-Z]+: .+\\)\\n`,
          'm',
        ),
      );
    }
  }, 200_000);
});
