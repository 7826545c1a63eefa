/**
 * Speed and memory of the template miner on Loghub-like lines: the development logs read in order, again
 * and again, with every digit of the messages re-drawn (the header is kept so that its dates stay valid).
 *
 * - miner alone: header parsing and mining in a fresh process, the lines already in memory, only the
 *   processing timed; the eight systems share the `--lines` total;
 * - whole process: `ai-ops logs parse <file> --jsonl` as a user runs it, on a file of `--lines` lines of one
 *   system, output to /dev/null; wall-clock time and peak RSS of the whole process, for every system.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHeaderParser } from '../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../lambdas/core/logs/miner.ts';
import { rng } from '../lambdas/core/tickets/linear.ts';
import type { LoghubSystem } from './loghub-data.ts';

export interface SpeedArgs {
  data: string;
  lines: number;
  reps: number;
}

const TARGET_MINER = 500_000;
const TARGET_PROCESS = 300_000;
const TARGET_RSS_MB = 256;
const checkout = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `count` lines of a system: its log read in order from a random line on (wrapping around), with every
 * digit of each message re-drawn. Order is kept because real logs have it: times go forward and the same
 * messages come in runs.
 */
export function variedLines(system: LoghubSystem, count: number, seed: number): string[] {
  const random = rng(seed);
  const { lines, content } = system.original;
  const out: string[] = [];
  const first = Math.floor(random() * lines.length);
  for (let k = 0; k < count; k++) {
    const i = (first + k) % lines.length;
    const line = lines[i] as string;
    const message = (content[i] ?? '').trim();
    const at = message.length > 0 ? line.lastIndexOf(message) : -1;
    const head = at >= 0 ? line.slice(0, at) : '';
    const tail = at >= 0 ? line.slice(at) : line;
    out.push(head + tail.replace(/\d/g, () => String.fromCharCode(48 + Math.floor(random() * 10))));
  }
  return out;
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** Child process entry: mines the lines of every system and prints the timing as JSON. */
function minerChild(systems: LoghubSystem[], total: number, seed: number): Run {
  const per = Math.ceil(total / systems.length);
  const keep: TemplateMiner[] = [];
  let ms = 0;
  let cpu = 0;
  systems.forEach((system, k) => {
    const lines = variedLines(system, per, seed + k);
    const parser = createHeaderParser(lines.slice(0, 200));
    const miner = new TemplateMiner();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const line of lines) {
      const p = parser.parse(line);
      miner.add(p.content, p);
    }
    miner.finalize();
    ms += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
    keep.push(miner);
    // The generated lines are garbage now: collect them (untimed) so that peak memory is the miners'.
    (globalThis as { gc?: () => void }).gc?.();
  });
  return { seconds: ms / 1000, cpuSeconds: cpu / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Prints `@@run <json>` on stderr at exit: the resource use of the process it is loaded into. */
const RUSAGE_HOOK =
  'data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();' +
  'process.stderr.write("@@run "+JSON.stringify({cpu:(u.userCPUTime+u.systemCPUTime)/1e6,rss:u.maxRSS/1024})+"\\n")})';

function cliRun(file: string): Run {
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--import', RUSAGE_HOOK, join(checkout, 'bin/ai-ops.mjs'), 'logs', 'parse', file, '--jsonl'],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const seconds = (performance.now() - t0) / 1000;
  const report = /@@run (\{.*\})/.exec(child.stderr ?? '');
  if (child.status !== 0 || !report) throw new Error(`ai-ops logs parse failed: ${child.stderr}`);
  const r = JSON.parse(report[1] as string) as { cpu: number; rss: number };
  return { seconds, cpuSeconds: r.cpu, peakRssMb: r.rss };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

export function measureSpeed(args: SpeedArgs, systems: LoghubSystem[]): void {
  const rows: string[][] = [];
  const minerRuns: Run[] = [];
  for (let r = 0; r < args.reps; r++) {
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--miner-child',
        args.data,
        String(args.lines),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`miner run failed: ${child.stderr}`);
    minerRuns.push(JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Run);
  }
  const m = best(minerRuns);
  rows.push(row('miner alone (all systems)', args.lines, m, TARGET_MINER));
  const dir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  let lines = 0;
  let seconds = 0;
  let rss = 0;
  try {
    systems.forEach((system, k) => {
      const file = join(dir, `${system.name}.log`);
      writeFileSync(file, `${variedLines(system, args.lines, 1000 + k).join('\n')}\n`);
      const run = best(Array.from({ length: args.reps }, () => cliRun(file)));
      rmSync(file);
      rows.push(row(`ai-ops logs parse --jsonl: ${system.name}`, args.lines, run, TARGET_PROCESS));
      lines += args.lines;
      seconds += run.seconds;
      rss = Math.max(rss, run.peakRssMb);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(
    row('whole process, all systems', lines, { seconds, cpuSeconds: 0, peakRssMb: rss }, TARGET_PROCESS),
  );
  printSpeed(rows, args.reps);
}

function row(label: string, lines: number, run: Run, target: number): string[] {
  const rate = lines / run.seconds;
  const ok = rate >= target && run.peakRssMb < TARGET_RSS_MB;
  return [
    label,
    fmt(lines),
    run.seconds.toFixed(2),
    fmt(rate),
    run.cpuSeconds > 0 ? fmt(lines / run.cpuSeconds) : '-',
    fmt(run.peakRssMb),
    `>= ${fmt(target)}/s, < ${TARGET_RSS_MB} MB: ${ok ? 'met' : 'NOT met'}`,
  ];
}

function printSpeed(rows: string[][], reps: number): void {
  const headers = ['Run', 'lines', 'seconds', 'lines/s', 'lines/CPU-s', 'peak RSS MB', 'target'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(
    `${[line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`,
  );
  process.stdout.write(
    `\nBest of ${reps} runs, each a fresh process. "miner alone" times header parsing and mining of lines ` +
      'already in memory; the "ai-ops" rows are the whole process (start-up, reading, redaction, mining, ' +
      'JSONL output to /dev/null). lines/CPU-s divides by CPU time, which a shared machine distorts less.\n',
  );
}

async function childMain(): Promise<void> {
  const [, , flag, data, lines] = process.argv;
  if (flag !== '--miner-child') return;
  const { loadLoghub } = await import('./loghub-data.ts');
  const systems = loadLoghub(data as string, undefined);
  process.stdout.write(`${JSON.stringify(minerChild(systems, Number(lines), 42))}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await childMain();
