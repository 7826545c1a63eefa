import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/cli.ts';
import { withTerminalInput } from '../support/terminal-input.ts';
import { FIXTURE } from './tickets/support.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `ai-ops <argv>` in this process, standard input a terminal; returns the code and what went to stderr. */
async function run(...argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await withTerminalInput(() => main(argv)), stderr, stdout };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

describe('messages of the ai-ops command', () => {
  it('name the subcommand in usage errors: ai-ops tickets classify: …, not ai-ops tickets: …', async () => {
    for (const command of [
      ['logs', 'parse'],
      ['logs', 'summarize'],
      ['logs', 'upload'],
      ['tickets', 'classify'],
      ['tickets', 'train'],
      ['tickets', 'export-corrections'],
    ]) {
      const result = await run(...command, '--bogus');
      expect(result.code, command.join(' ')).toBe(2);
      expect(result.stderr, command.join(' ')).toMatch(new RegExp(`^ai-ops ${command.join(' ')}: .*--bogus`));
    }
  });

  it('name the subcommand in input errors too', async () => {
    const missing = join(dir, 'missing.csv');
    expect((await run('tickets', 'classify', missing)).stderr).toMatch(
      /^ai-ops tickets classify: .*missing\.csv/,
    );
    expect((await run('tickets', 'train', '--input', missing, '--out', join(dir, 'm.json'))).stderr).toMatch(
      /^ai-ops tickets train: .*missing\.csv/,
    );
    expect((await run('logs', 'summarize', join(dir, 'missing.log'))).stderr).toMatch(
      /^ai-ops logs summarize: .*missing\.log/,
    );
  });

  it('start every progress and summary line of a subcommand with its full name', async () => {
    const csv = join(dir, 'tickets.csv');
    writeFileSync(csv, 'title\nLogin page crashes\n\n"broken\n');
    const classified = await run('tickets', 'classify', csv);
    expect(classified.code).toBe(1);
    expect(lines(classified.stderr).length).toBeGreaterThan(1);
    for (const line of lines(classified.stderr)) expect(line).toMatch(/^ai-ops tickets classify: /);

    const trained = await run('tickets', 'train', '--input', FIXTURE, '--out', join(dir, 'm.json'));
    expect(trained.code).toBe(0);
    for (const line of lines(trained.stderr)) expect(line).toMatch(/^ai-ops tickets train: /);
  }, 120_000);

  it('keep the command alone for commands without subcommands', async () => {
    expect((await run('changelog', '--bogus')).stderr).toMatch(
      /^ai-ops changelog: .*--bogus.*ai-ops changelog --help/,
    );
    expect((await run('migrate', '--bogus')).stderr).toMatch(/^ai-ops migrate: .*--bogus/);
    expect((await run('tickets', 'bogus')).stderr).toMatch(/^ai-ops tickets: unknown subcommand "bogus"/);
  });

  it('name an option as typed, with its dashes, when its value is wrong', async () => {
    const csv = join(dir, 'one.csv');
    writeFileSync(csv, 'title\nLogin page crashes\n');
    const cases: [string[], RegExp][] = [
      [
        ['tickets', 'classify', csv, '--review-below', 'abc'],
        /^ai-ops tickets classify: --review-below: must be/,
      ],
      [
        ['tickets', 'classify', csv, '--extra-review-below=2'],
        /^ai-ops tickets classify: --extra-review-below: /,
      ],
      [
        ['tickets', 'classify', csv, '--labels', 'bug,nope'],
        /^ai-ops tickets classify: --labels: unknown category/,
      ],
      [
        ['tickets', 'classify', csv, '--created-at', 'soon'],
        /^ai-ops tickets classify: --created-at: "soon" is not/,
      ],
      [
        ['tickets', 'classify', csv, '--model', join(dir, 'no.bin')],
        /^ai-ops tickets classify: --model: cannot read/,
      ],
      [
        ['tickets', 'export-corrections', '--since', 'soon'],
        /^ai-ops tickets export-corrections: --since: "soon"/,
      ],
      [['logs', 'parse', csv, '--format', '<Nope'], /^ai-ops logs parse: --format: /],
    ];
    for (const [argv, message] of cases) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(message);
    }
  });

  it('say a data dir that is a file is one, instead of mkdir EEXIST', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    for (const argv of [['migrate'], ['tickets', 'export-corrections']]) {
      const result = await run(...argv, '--data-dir', file);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(
        new RegExp(`^ai-ops ${argv.join(' ')}: --data-dir: .*not-a-folder is a file, not a folder\n$`),
      );
    }
  });

  it('say an empty training file lacks the category column too', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const result = await run('tickets', 'train', '--input', empty, '--out', join(dir, 'm.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the CSV is empty \(expected a header row with title, body and category\)/);
  });

  it('say an output in a missing folder is one, instead of a bare ENOENT', async () => {
    const csv = join(dir, 'one.csv');
    writeFileSync(csv, 'title\nLogin page crashes\n');
    const out = join(dir, 'missing', 'out.jsonl');
    const result = await run('tickets', 'classify', csv, '--output', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `ai-ops tickets classify: --output: cannot write ${out} (the folder ${join(dir, 'missing')} does not exist)\n`,
    );
  });
});
