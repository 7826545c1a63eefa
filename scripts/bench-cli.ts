/**
 * Whole-process timings of the `ai-ops` command as users run it (`npx ai-ops` runs bin/ai-ops.mjs): wall time
 * from spawn to exit, after one warm-up run, median quoted. Targets (issue 12): `ai-ops --help` ≤ 150 ms and
 * `ai-ops logs parse` of a 10-line file ≤ 300 ms. Also printed: lines/s of `logs parse --jsonl` on 200,000 Loghub
 * lines (HDFS_2k.log repeated, from the development data), the cost of the freshness check the launcher makes
 * before every run and of the rebuild after an edit, and, for comparison, the same commands compiled from
 * source through tsx on every call (how the CLI ran before it was built ahead of time).
 *
 * Usage: npm run bench:cli [-- --runs 10] [--large-runs 3] [--data <dir>] [--no-tsx]
 * Output goes to /dev/null; on a shared machine quote medians, and compare rows of one run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { markdownTable, spread } from './bench-table.ts';
import { buildCli, currentBuild } from './build-cli.mjs';
import { scratchDir } from './scratch-dir.ts';
import { scriptArgs } from './script-args.ts';
import { sharedDataPath } from './shared-data.ts';

const args = scriptArgs({
  name: 'bench-cli',
  usage: 'npm run bench:cli -- [--runs 10] [--large-runs 3] [--data <dir>] [--no-tsx]',
  options: {
    runs: { type: 'string', default: '10' },
    'large-runs': { type: 'string', default: '3' },
    data: { type: 'string' },
    'no-tsx': { type: 'boolean', default: false },
  },
});
const { values } = args;
const runs = args.number('runs', { integer: true, min: 1 });
const largeRuns = args.number('large-runs', { integer: true, min: 0 });
const root = resolve(import.meta.dirname, '..');
const scratch = scratchDir('ai-ops-bench-cli-');

/** The launcher users run, and the sources run through tsx (compiled on every call). */
const BUILT = ['bin/ai-ops.mjs'];
const FROM_SOURCE = [
  '--import',
  'tsx',
  '--input-type=module',
  '-e',
  "const { main } = await import('./bin/cli.ts'); process.exitCode = await main(process.argv.slice(1));",
  '--',
];

/** Wall milliseconds of each counted run of `node <argv>`, after one warm-up run. */
function time(argv: string[], count: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i <= count; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0)
      throw new Error(`node ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (i > 0) samples.push(ms);
  }
  return samples;
}

function tenLineLog(): string {
  const lines = readFileSync(join(root, 'test/fixtures/logs/HDFS_sample.log'), 'utf8').split('\n');
  const file = join(scratch, 'ten.log');
  writeFileSync(file, `${lines.slice(0, 10).join('\n')}\n`);
  return file;
}

/** 200,000 lines of HDFS_2k.log repeated; undefined (with a note) when the development data is not there. */
function largeLog(): string | undefined {
  const source = sharedDataPath('loghub-2k/HDFS/HDFS_2k.log', values.data);
  if (!existsSync(source)) {
    process.stderr.write(
      `bench-cli: ${source} not found (give --data <dir>); the throughput rows are skipped\n`,
    );
    return undefined;
  }
  const lines = readFileSync(source, 'utf8').split('\n').filter(Boolean);
  const file = join(scratch, 'hdfs-200k.log');
  writeFileSync(file, `${Array.from({ length: 200_000 }, (_, i) => lines[i % lines.length]).join('\n')}\n`);
  return file;
}

const ms = (n: number) => n.toFixed(0);

function latencyRows(small: string): (string | number)[][] {
  const cases = [
    { name: 'ai-ops --help', args: ['--help'], target: 150 },
    { name: 'ai-ops logs parse <10 lines>', args: ['logs', 'parse', small], target: 300 },
  ];
  const rows: (string | number)[][] = [];
  for (const { name, args, target } of cases) {
    const built = spread(time([...BUILT, ...args], runs));
    const ok = built.median <= target ? 'met' : 'MISSED';
    rows.push([name, runs, ms(built.median), ms(built.min), ms(built.max), `≤ ${target} ms`, ok]);
    if (values['no-tsx']) continue;
    const source = spread(time([...FROM_SOURCE, ...args], runs));
    rows.push([
      `${name} through tsx`,
      runs,
      ms(source.median),
      ms(source.min),
      ms(source.max),
      '',
      'comparison',
    ]);
  }
  return rows;
}

function throughputRows(large: string): (string | number)[][] {
  const variants = values['no-tsx']
    ? [['built', BUILT]]
    : [
        ['built', BUILT],
        ['through tsx', FROM_SOURCE],
      ];
  return variants.map(([label, argv]) => {
    const seconds =
      spread(time([...(argv as string[]), 'logs', 'parse', large, '--jsonl'], largeRuns)).median / 1e3;
    return [
      `ai-ops logs parse --jsonl (${label})`,
      '200,000',
      largeRuns,
      seconds.toFixed(2),
      Math.round(200_000 / seconds).toLocaleString('en-US'),
    ];
  });
}

async function launcherRows(): Promise<(string | number)[][]> {
  const checks: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    if (currentBuild() === null) throw new Error('the build is not current: run npm run build:cli');
    checks.push(performance.now() - started);
  }
  const builds: number[] = [];
  for (let i = 0; i < 3; i++) builds.push((await buildCli()).ms);
  return [
    ['freshness check before every run (stat of every input)', 50, spread(checks).median.toFixed(2)],
    ['rebuild after an edit (esbuild)', 3, ms(spread(builds).median)],
  ];
}

try {
  const rebuilt = currentBuild() === null ? await buildCli() : undefined;
  if (rebuilt) process.stdout.write(`(sources had changed: rebuilt first, ${rebuilt.ms} ms)\n`);
  process.stdout.write(
    `Node ${process.version}; whole process, wall ms, median of ${runs} runs after 1 warm-up\n\n`,
  );
  const small = tenLineLog();
  const latency = latencyRows(small);
  process.stdout.write(
    `${markdownTable(['command', 'runs', 'median ms', 'min', 'max', 'target', 'result'], latency)}\n\n`,
  );
  const large = largeLog();
  if (large) {
    const rows = throughputRows(large);
    process.stdout.write(`${markdownTable(['command', 'lines', 'runs', 'median s', 'lines/s'], rows)}\n\n`);
  }
  process.stdout.write(`${markdownTable(['launcher step', 'runs', 'median ms'], await launcherRows())}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
