/**
 * Speed and memory of the template miner on Loghub-like lines: the development logs read in order, again
 * and again, with every digit of the messages re-drawn (the header is kept so that its dates stay valid).
 *
 * - miner alone: header parsing and mining of `--lines` lines of one system in a fresh process, the lines
 *   already in memory, only the processing timed; memory is the heap left after the lines are dropped;
 * - whole process: `ai-ops logs parse <file> --jsonl` as a user runs it, on a file of `--lines` lines of one
 *   system, output to /dev/null; wall-clock time and peak RSS of the whole process, for every system.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHeaderParser } from '../lambdas/core/logs/header.ts';
import { TemplateMiner } from '../lambdas/core/logs/miner.ts';
import { rng } from '../lambdas/core/tickets/linear.ts';
import type { LoghubSystem } from './loghub-data.ts';
import { scratchDir } from './scratch-dir.ts';

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

/** Lines per chunk in `asRead`: about the 64 KB a file stream reads at a time. */
const CHUNK_LINES = 400;

/**
 * The lines as `ai-ops logs parse` holds them: slices of flat chunks of text (its reader splits whole
 * chunks). A line built by concatenation, as `variedLines` makes them, is a cons string that V8 flattens
 * (copies, and keeps the copy) the first time it is read: that is the generator's cost, not the miner's
 * (about a tenth of the miner's time, mostly collecting the copies). Chunks rather than one text, because a
 * slice kept by a cache (the last time read, a component) keeps its whole chunk in memory.
 */
function asRead(generated: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < generated.length; i += CHUNK_LINES) {
    for (const line of generated
      .slice(i, i + CHUNK_LINES)
      .join('\n')
      .split('\n'))
      out.push(line);
  }
  return out;
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** Child process entry: mines `count` lines of one system and reports the time taken. */
function minerChild(system: LoghubSystem, count: number, seed: number): Run {
  const lines = asRead(variedLines(system, count, seed));
  const parser = createHeaderParser(lines.slice(0, 200));
  const miner = new TemplateMiner();
  // Start from a clean heap: the garbage of generating the lines is not the miner's.
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const line of lines) {
    const p = parser.parse(line);
    miner.add(p.content, p);
  }
  miner.finalize();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const run = { seconds: ms / 1000, cpuSeconds: (c.user + c.system) / 1e6, peakRssMb: 0 };
  // The miner's own memory: what stays on the heap once the generated lines are dropped and collected
  // (this process's RSS holds the million input lines; the whole-process rows give real peak RSS).
  lines.length = 0;
  (globalThis as { gc?: () => void }).gc?.();
  run.peakRssMb = process.memoryUsage().heapUsed / 1024 / 1024;
  return run;
}

function minerRun(args: SpeedArgs, system: LoghubSystem, seed: number): Run {
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--miner-child',
      args.data,
      system.name,
      String(args.lines),
      String(seed),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`miner run failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Run;
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
  const minerRows: string[][] = [];
  const cliRows: string[][] = [];
  const dir = scratchDir('bench-logs-');
  const total = { miner: 0, heap: 0, cli: 0, rss: 0 };
  try {
    systems.forEach((system, k) => {
      const m = best(Array.from({ length: args.reps }, () => minerRun(args, system, 1000 + k)));
      minerRows.push(row(`miner alone: ${system.name}`, args.lines, m, TARGET_MINER));
      total.miner += m.seconds;
      total.heap = Math.max(total.heap, m.peakRssMb);
      const file = join(dir, `${system.name}.log`);
      writeFileSync(file, `${variedLines(system, args.lines, 1000 + k).join('\n')}\n`);
      const run = best(Array.from({ length: args.reps }, () => cliRun(file)));
      rmSync(file);
      cliRows.push(row(`ai-ops logs parse --jsonl: ${system.name}`, args.lines, run, TARGET_PROCESS));
      total.cli += run.seconds;
      total.rss = Math.max(total.rss, run.peakRssMb);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const lines = args.lines * systems.length;
  const all = (seconds: number, rss: number) => ({ seconds, cpuSeconds: 0, peakRssMb: rss });
  minerRows.push(row('miner alone, all systems', lines, all(total.miner, total.heap), TARGET_MINER));
  cliRows.push(row('whole process, all systems', lines, all(total.cli, total.rss), TARGET_PROCESS));
  printSpeed([...minerRows, ...cliRows], args.reps);
}

/** A table row; `run.peakRssMb` is the memory shown (peak RSS, or the miner's heap). */
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
  const headers = ['Run', 'lines', 'seconds', 'lines/s', 'lines/CPU-s', 'memory MB', 'target'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(
    `${[line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`,
  );
  process.stdout.write(
    `\nBest of ${reps} runs, each a fresh process per system (one log per process, as users run it). ` +
      '"miner alone" times header parsing and mining of lines already in memory, and its memory is the heap ' +
      'the miner keeps; the "ai-ops" rows are the whole process (start-up, reading, redaction, mining, JSONL ' +
      'output to /dev/null) and their memory is its peak RSS. lines/CPU-s divides by CPU time, which a shared ' +
      'machine distorts less.\n',
  );
}

async function childMain(): Promise<void> {
  const [, , flag, data, name, lines, seed] = process.argv;
  if (flag !== '--miner-child') return;
  const { loadLoghub } = await import('./loghub-data.ts');
  const system = loadLoghub(data as string, undefined).find((s) => s.name === name);
  if (!system) throw new Error(`no system ${name}`);
  process.stdout.write(`${JSON.stringify(minerChild(system, Number(lines), Number(seed)))}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await childMain();
