import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'bin/ai-ops.mjs');

/** The command as users run it (`npx ai-ops` runs bin/ai-ops.mjs), from the checkout's root. */
const run = (args: string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(process.execPath, [options.cwd ? 'bin/ai-ops.mjs' : LAUNCHER, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: 60_000,
  });

const scratch = mkdtempSync(join(tmpdir(), 'ai-ops-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the ai-ops command', () => {
  it('lists its commands with --help and exits 0', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/start[\s\S]*migrate[\s\S]*logs[\s\S]*tickets[\s\S]*changelog/);
  });

  it('prints its version with --version or -V', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = run([flag]);
      expect(result.status, flag).toBe(0);
      expect(result.stdout, flag).toBe(`ai-ops ${version}\n`);
    }
  });

  it('treats a missing command or subcommand as a usage error: usage on stderr, nothing on stdout, exit 2', () => {
    const none = run([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/no command given[\s\S]*Usage: ai-ops <command>/);
    for (const command of ['logs', 'tickets']) {
      const result = run([command]);
      expect(result.status, command).toBe(2);
      expect(result.stdout, command).toBe('');
      expect(result.stderr, command).toMatch(
        new RegExp(`ai-ops ${command}: a subcommand is required[\\s\\S]*Usage: ai-ops ${command}`),
      );
    }
  });

  it('answers --help for every command', () => {
    for (const command of ['start', 'migrate', 'logs', 'changelog', 'tickets']) {
      const result = run([command, '--help']);
      expect(result.status, command).toBe(0);
      expect(result.stdout, command).toMatch(/Usage/i);
    }
  });

  it('exits non-zero with a message, not a stack trace, on an unknown command or a missing file', () => {
    const unknown = run(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const missing = run(['logs', 'parse', '/no/such/file.log', '--jsonl']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/no\/such\/file\.log/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('answers an unknown option or a missing value of any command with a usage error naming it, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['migrate', '--bogus'], /ai-ops migrate: Unknown option '--bogus' \(see ai-ops migrate --help\)/],
      [['start', '--port'], /ai-ops start: Option '--port <value>' argument missing/],
      [
        ['logs', 'upload', 'app.log', '--bogus'],
        /Unknown option '--bogus' \(see ai-ops logs upload --help\)/,
      ],
      [['tickets', 'export-corrections', '--outt', 'x.csv'], /Unknown option '--outt'/],
    ];
    for (const [args, message] of cases) {
      const result = run(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at |TypeError|ERR_PARSE_ARGS/);
    }
  });

  it('parses a log from stdin into one JSON object per line', () => {
    const input = [
      '2026-11-21 10:00:01 INFO worker-1 Connected to db-1 in 12 ms',
      '2026-11-21 10:00:02 INFO worker-2 Connected to db-2 in 9 ms',
      '2026-11-21 10:00:03 ERROR worker-1 Lost connection to db-1',
    ].join('\n');
    const result = run(['logs', 'parse', '-', '--jsonl'], { input });
    expect(result.status).toBe(0);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; templateId: string });
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(rows[0]?.templateId).toBe(rows[1]?.templateId);
    expect(rows[2]?.templateId).not.toBe(rows[0]?.templateId);
  });

  it('reads standard input when no file is given and it is a pipe, as with "-"', () => {
    const log = 'alpha 1\nalpha 2\nbeta\n';
    const parse = run(['logs', 'parse', '--jsonl'], { input: log });
    expect(parse.status, parse.stderr).toBe(0);
    expect(parse.stdout).toBe(run(['logs', 'parse', '-', '--jsonl'], { input: log }).stdout);
    const csv = 'title,body\nApp crashes on start,stack trace attached\n';
    const classify = run(['tickets', 'classify', '--quiet'], { input: csv });
    expect(classify.status, classify.stderr).toBe(0);
    expect(JSON.parse(classify.stdout)).toMatchObject({ row: 1 });
  });

  it('finds the files its modules read next to their sources (the shipped ticket model and word clusters)', () => {
    const result = run(['tickets', 'classify', '--input', 'test/fixtures/tickets/nlbse24-sample.csv']);
    expect(result.status, result.stderr).toBe(0);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { row: number; category: string });
    expect(rows).toHaveLength(45);
    expect(new Set(rows.map((r) => r.category))).toEqual(new Set(['BUG', 'FEATURE', 'QUESTION']));
  });
});

/** The source files (from the bundle's source maps) and the packages a run of the command loaded. */
function loadedBy(args: string[]): { sources: string[]; packages: string[] } {
  const record = join(scratch, `modules-${Date.now()}-${Math.random()}.txt`);
  const result = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'test/support/record-modules.mjs'), LAUNCHER, ...args],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RECORD_MODULES: record }, timeout: 60_000 },
  );
  expect(result.status, result.stderr).toBe(0);
  const files = readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url));
  const chunks = files.filter((file) => relative(ROOT, file).startsWith('dist/'));
  expect(chunks.length).toBeGreaterThan(0);
  const sources = chunks.flatMap((chunk) => {
    const map = JSON.parse(readFileSync(`${chunk}.map`, 'utf8')) as { sources: string[] };
    return map.sources.map((source) => relative(ROOT, resolve(dirname(chunk), source)));
  });
  const packages = files
    .filter((file) => file.includes('/node_modules/'))
    .map((file) => file.split('/node_modules/').pop() ?? file);
  return { sources: [...new Set(sources)].sort(), packages };
}

describe('commands load lazily', () => {
  it('ai-ops --help loads no command module and no dependency', () => {
    const { sources, packages } = loadedBy(['--help']);
    expect(sources).toContain('bin/cli.ts');
    expect(sources.filter((s) => s.startsWith('bin/commands/'))).toEqual(['bin/commands/command.ts']);
    expect(sources.filter((s) => !s.startsWith('bin/'))).toEqual(['lambdas/core/errors.ts']);
    expect(packages).toEqual([]);
  });

  it('ai-ops logs parse loads the logs command and the log analysis only', () => {
    const input = join(scratch, 'ten.log');
    const lines = readFileSync(join(ROOT, 'test/fixtures/logs/HDFS_sample.log'), 'utf8').split('\n');
    writeFileSync(input, `${lines.slice(0, 10).join('\n')}\n`);
    const { sources, packages } = loadedBy(['logs', 'parse', input]);
    expect(sources).toContain('bin/commands/logs.ts');
    expect(sources.filter((s) => s.startsWith('bin/commands/')).sort()).toEqual([
      'bin/commands/command.ts',
      'bin/commands/logs.ts',
    ]);
    expect(sources.filter((s) => s.startsWith('lambdas/core/logs/')).length).toBeGreaterThan(1);
    // Nothing of the server side: no runtime, database, queue, API, worker, model or other feature's code.
    const unneeded =
      /^(local|lib)\/|^lambdas\/(adapters|api|authorizer|summarizer|triage|reconciler|migrator|keygen|shared)\/|^lambdas\/core\/(tickets|changelog|llm|jobs|auth|use-cases)\//;
    expect(sources.filter((s) => unneeded.test(s))).toEqual([]);
    // The one package is the CSV parser of the log analysis itself (log-tool exports: logs/csv-export.ts).
    expect([...new Set(packages.map((p) => p.split('/')[0]))]).toEqual(['csv-parse']);
  });
});

describe('the built command is never stale', () => {
  /** A copy of the checkout holding exactly what the build reads, sharing this checkout's node_modules. */
  function copyCheckout(): string {
    expect(run(['--help']).status).toBe(0); // makes the build current, so its manifest lists today's inputs
    const manifest = JSON.parse(readFileSync(join(ROOT, 'dist/cli/manifest.json'), 'utf8')) as {
      inputs: string[];
    };
    const copy = mkdtempSync(join(scratch, 'checkout-'));
    for (const file of [...manifest.inputs, 'bin/ai-ops.mjs', 'package.json']) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(copy, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    return copy;
  }

  /** Writes a source the way an editor does; the mtime is set ahead so even a coarse clock sees the change. */
  function edit(file: string, change: (text: string) => string): void {
    writeFileSync(file, change(readFileSync(file, 'utf8')));
    const later = new Date(Date.now() + 2_000);
    utimesSync(file, later, later);
  }

  it('builds on first use, rebuilds after a source is edited, and runs the edited code', () => {
    const copy = copyCheckout();
    const first = run(['--help'], { cwd: copy });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('mine templates from a log');

    edit(join(copy, 'bin/cli.ts'), (text) => text.replace('mine templates from a log', 'EDITED summary'));
    const edited = run(['--help'], { cwd: copy });
    expect(edited.status, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('EDITED summary');

    edit(join(copy, 'lambdas/core/logs/summary.ts'), (text) => `${text}\nexport const broken: = 1;\n`);
    const broken = run(['logs', 'parse', '-'], { cwd: copy, input: 'a\n' });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('lambdas/core/logs/summary.ts');
    expect(broken.stderr).toContain('could not be built');
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
