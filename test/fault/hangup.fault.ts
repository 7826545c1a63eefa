/**
 * A closed terminal (SIGHUP) stops `ai-ops start` as Ctrl-C does, its embedded PostgreSQL with it. Before, Node
 * died of the hang-up, or of writing to the terminal that was gone (EIO), and left PostgreSQL running.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, until } from './support.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('closing the terminal of ai-ops start', () => {
  const dir = tempDir('ai-ops-fault-hangup-');
  let postgresPid: number | undefined;
  afterAll(() => {
    if (postgresPid !== undefined && alive(postgresPid)) process.kill(postgresPid, 'SIGKILL');
    dir.remove();
  });

  it('stops its PostgreSQL when the terminal hangs up', async () => {
    // `script` gives the run a real terminal; killing it closes the terminal, and the kernel sends SIGHUP.
    const command = `${process.execPath} bin/ai-ops.mjs start --port 0 --data-dir ${dir.path}`;
    const terminal = spawn('script', ['-qfc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    terminal.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await until(async () => (output.includes('Ready.') ? true : undefined), 90_000, 'the banner');
    const pid = Number(readFileSync(join(dir.path, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    postgresPid = pid;
    expect(alive(pid)).toBe(true);
    terminal.kill('SIGKILL');
    await until(async () => (alive(pid) ? undefined : true), 30_000, 'PostgreSQL stopping');
    expect(alive(pid)).toBe(false);
  });
});
