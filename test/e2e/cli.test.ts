import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/ai-ops.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('the ai-ops command', () => {
  it('lists its commands with --help and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/start[\s\S]*migrate[\s\S]*logs[\s\S]*tickets[\s\S]*changelog/);
  });

  it('answers --help for every command', () => {
    for (const command of ['start', 'migrate', 'logs', 'changelog', 'tickets']) {
      const result = run(command, '--help');
      expect(result.status, command).toBe(0);
      expect(result.stdout, command).toMatch(/Usage/i);
    }
  });

  it('exits non-zero with a message, not a stack trace, on an unknown command or a missing file', () => {
    const unknown = run('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const missing = run('logs', 'parse', '/no/such/file.log', '--jsonl');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/no\/such\/file\.log/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('parses a log from stdin into one JSON object per line', () => {
    const input = [
      '2026-11-21 10:00:01 INFO worker-1 Connected to db-1 in 12 ms',
      '2026-11-21 10:00:02 INFO worker-2 Connected to db-2 in 9 ms',
      '2026-11-21 10:00:03 ERROR worker-1 Lost connection to db-1',
    ].join('\n');
    const result = spawnSync(process.execPath, ['bin/ai-ops.mjs', 'logs', 'parse', '-', '--jsonl'], {
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; templateId: string });
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(rows[0]?.templateId).toBe(rows[1]?.templateId);
    expect(rows[2]?.templateId).not.toBe(rows[0]?.templateId);
  });
});
