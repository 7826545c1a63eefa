import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ScriptIo, scriptArgs } from '../../../scripts/script-args.ts';

const ROOT = join(import.meta.dirname, '../../..');

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** What a script would print and its exit code, without ending the test process. */
function capture(): { io: ScriptIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: ScriptIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    exit: (code) => {
      throw new Exit(code);
    },
  };
  return { io, out, err };
}

const SPEC = {
  name: 'bench-demo',
  usage: 'npm run bench:demo -- [--runs 5] [--data <dir>] [--quiet]',
  options: {
    runs: { type: 'string', default: '5' },
    data: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
} as const;

/** Runs the parser on argv and returns how it ended: exit code and the text it wrote. */
function ending(
  argv: string[],
  read: (args: ReturnType<typeof scriptArgs<typeof SPEC.options>>) => unknown = () => 0,
) {
  const { io, out, err } = capture();
  try {
    read(scriptArgs(SPEC, argv, io));
    return { code: null, out: out.join(''), err: err.join('') };
  } catch (error: unknown) {
    if (!(error instanceof Exit)) throw error;
    return { code: error.code, out: out.join(''), err: err.join('') };
  }
}

const USAGE = 'usage: npm run bench:demo -- [--runs 5] [--data <dir>] [--quiet]\n';

describe('script options', () => {
  it('reads declared options with their defaults', () => {
    const { io } = capture();
    const args = scriptArgs(SPEC, ['--data', '/d', '--quiet'], io);
    expect({ ...args.values, runs: args.number('runs') }).toEqual({ runs: 5, data: '/d', quiet: true });
  });

  it('answers an unknown option with one line naming it, the usage and exit code 2', () => {
    expect(ending(['--bogus'])).toEqual({
      code: 2,
      out: '',
      err: `bench-demo: unknown option '--bogus'\n${USAGE}`,
    });
  });

  it('names the option whose value is missing', () => {
    const { code, err } = ending(['--data']);
    expect({ code, first: err.split('\n')[0] }).toEqual({
      code: 2,
      first: "bench-demo: option '--data <value>' argument missing",
    });
  });

  it('names the option and the value when a number is not one, or out of range', () => {
    const notNumber = ending(['--runs', 'five'], (args) => args.number('runs'));
    const tooLow = ending(['--runs', '0'], (args) => args.number('runs', { min: 1 }));
    const fraction = ending(['--runs', '2.5'], (args) => args.number('runs', { integer: true }));
    expect([notNumber, tooLow, fraction].map((e) => [e.code, e.err.split('\n')[0]])).toEqual([
      [2, "bench-demo: option '--runs': 'five' is not a number"],
      [2, "bench-demo: option '--runs': '0' is below 1"],
      [2, "bench-demo: option '--runs': '2.5' is not a whole number"],
    ]);
  });

  it('refuses a stray argument unless the script takes some', () => {
    expect(ending(['extra']).err.split('\n')[0]).toBe("bench-demo: unexpected argument 'extra'");
  });

  it('prints the usage on --help or -h and exits 0, even beside a bad option', () => {
    expect(ending(['--help'])).toEqual({ code: 0, out: USAGE, err: '' });
    expect(ending(['--bogus', '-h'])).toEqual({ code: 0, out: USAGE, err: '' });
  });
});

describe('a bench script given a bad option', () => {
  it('exits 2 with one line naming the option and the usage, no stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-idle.ts', '--bogus'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect({ code: run.status, stdout: run.stdout, lines: run.stderr.trimEnd().split('\n') }).toEqual({
      code: 2,
      stdout: '',
      lines: [
        "bench-idle: unknown option '--bogus'",
        expect.stringMatching(/^usage: npm run bench:idle -- \[--tree <checkout>\]/),
      ],
    });
  }, 60_000);

  it('is true of every script package.json runs with tsx: each reads its options through scriptArgs', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const files = Object.values(manifest.scripts).flatMap((command) =>
      [...command.matchAll(/(?:tsx|--import tsx) (scripts\/[\w-]+\.ts)/g)].map((m) => m[1] ?? ''),
    );
    expect(files.length).toBeGreaterThan(15);
    const without = files.filter((file) => !readFileSync(join(ROOT, file), 'utf8').includes('scriptArgs('));
    expect(without).toEqual([]);
  });
});
