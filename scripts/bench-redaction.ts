/**
 * Redaction benchmark and before/after check: `npm run bench:redaction [-- --data <dir>] [--baseline <file>]
 * [--lines 100000] [--rounds 9] [--diff]`.
 *
 * Speed: one `Redactor` per 2,000 lines (an entry) over about 100,000 log lines of the eight Loghub-2k
 * systems, interleaved line by line so that no system's shape warms the expressions for a run of its own.
 * With `--baseline` (another redaction module, such as the last commit's:
 * `git show HEAD~1:lambdas/core/redaction/redact.ts > /tmp/old/redact.ts`, with its imports beside it), the
 * two run alternately in the same process, round after round, and the medians are compared: the machine is
 * shared, so a single run means little.
 *
 * `--diff` (needs `--baseline`): every Loghub line whose redaction differs, grouped by system, and the
 * tickets (title and body, by one redactor as `redactTicket` does) of the NLBSE training split and of
 * `data/tickets` whose text differs, with the new findings per kind and 20 changes drawn at random (fixed
 * seed) to read by hand for false positives; `--all` lists every change.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import * as current from '../lambdas/core/redaction/redact.ts';
import { rng } from '../lambdas/core/tickets/linear.ts';
import { spread } from './bench-table.ts';
import { scriptArgs } from './script-args.ts';
import { existingDataPath } from './shared-data.ts';

type Module = Pick<typeof current, 'Redactor'>;

const args = scriptArgs({
  name: 'bench-redaction',
  usage:
    'npm run bench:redaction -- [--data <dir>] [--baseline <file>] [--lines 100000] [--rounds 9] [--all] [--diff]',
  options: {
    data: { type: 'string' },
    baseline: { type: 'string', default: '' },
    lines: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '9' },
    all: { type: 'boolean', default: false },
    diff: { type: 'boolean', default: false },
  },
});
const loghub = existingDataPath('bench-redaction', 'loghub-2k', {
  option: '--data',
  value: args.values.data,
});
const baselinePath = args.values.baseline;
const total = args.number('lines', { integer: true, min: 1 });
const rounds = args.number('rounds', { integer: true, min: 1 });

function loghubLines(): Map<string, string[]> {
  const systems = new Map<string, string[]>();
  for (const name of readdirSync(loghub).sort()) {
    const file = join(loghub, name, `${name}_2k.log`);
    if (existsSync(file)) systems.set(name, readFileSync(file, 'utf8').split('\n').filter(Boolean));
  }
  return systems;
}

/** `total` lines taken from the systems in turn, each system's lines cycled. */
function mixed(systems: Map<string, string[]>): string[] {
  const lists = [...systems.values()];
  const out: string[] = [];
  for (let i = 0; out.length < total; i++) {
    const list = lists[i % lists.length] ?? [];
    out.push(list[Math.floor(i / lists.length) % list.length] ?? '');
  }
  return out;
}

/**
 * CPU time of one run (user and system), not wall time: on a shared machine a run that waits for a core is
 * slower on the clock and not in CPU, and the waiting falls on either side at random.
 */
function timeRun(mod: Module, lines: readonly string[]): number {
  const start = process.cpuUsage();
  let redactor = new mod.Redactor();
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i % 2000 === 0) redactor = new mod.Redactor();
    chars += redactor.redact(lines[i] ?? '').length;
  }
  if (chars < 0) throw new Error('unreachable: keeps the result alive');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (xs: number[]): number => spread(xs).median;

function bench(lines: readonly string[], baseline: Module | null): void {
  const times: { current: number[]; baseline: number[] } = { current: [], baseline: [] };
  // One warm-up run each, so that both are compiled before anything is counted.
  timeRun(current, lines);
  if (baseline) timeRun(baseline, lines);
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so a slow spell of the machine does not fall on one side only.
    const order = r % 2 === 0 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const);
    for (const side of order) {
      if (side === 'current') times.current.push(timeRun(current, lines));
      else if (baseline) times.baseline.push(timeRun(baseline, lines));
    }
  }
  const perLine = (ms: number) => ((ms * 1000) / lines.length).toFixed(2);
  const show = (name: string, xs: number[]) =>
    `${name}: median ${median(xs).toFixed(1)} ms (${perLine(median(xs))} µs/line), min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}`;
  console.log(`${lines.length} mixed Loghub lines, ${rounds} rounds, CPU time per run`);
  console.log(show('current ', times.current));
  if (baseline) {
    console.log(show('baseline', times.baseline));
    const ratios = times.current.map((c, i) => c / (times.baseline[i] ?? c));
    console.log(
      `current/baseline: ratio of medians ${(median(times.current) / median(times.baseline)).toFixed(3)}, ` +
        `median of paired ratios ${median(ratios).toFixed(3)}`,
    );
  }
}

function redactAll(mod: Module, texts: readonly string[]): string[] {
  const redactor = new mod.Redactor();
  return texts.map((t) => redactor.redact(t));
}

/** The part of `after` that differs from `before`, with some context: what a reader checks. */
function changed(before: string, after: string): string {
  let a = 0;
  while (a < before.length && a < after.length && before[a] === after[a]) a++;
  let b = 0;
  while (
    b < before.length - a &&
    b < after.length - a &&
    before[before.length - 1 - b] === after[after.length - 1 - b]
  )
    b++;
  const from = Math.max(0, a - 60);
  const clip = (s: string) => s.replace(/\s+/g, ' ');
  return `${clip(before.slice(from, before.length - b + 30))}\n      → ${clip(after.slice(from, after.length - b + 30))}`;
}

function diffLoghub(systems: Map<string, string[]>, baseline: Module): void {
  let lines = 0;
  let changedLines = 0;
  for (const [name, list] of systems) {
    const before = redactAll(baseline, list);
    const after = redactAll(current, list);
    lines += list.length;
    const differ = list.map((_, i) => i).filter((i) => before[i] !== after[i]);
    changedLines += differ.length;
    console.log(`\n${name}: ${differ.length} of ${list.length} lines change`);
    for (const i of differ) console.log(`  ${i + 1}: ${after[i]}`);
  }
  console.log(`\nLoghub: ${changedLines} of ${lines} lines change`);
}

interface Ticket {
  source: string;
  title: string;
  body: string;
}

function readTickets(file: string, source: (row: Record<string, string>) => string): Ticket[] {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return rows.map((row) => ({ source: source(row), title: row.title ?? '', body: row.body ?? '' }));
}

function diffTickets(label: string, tickets: readonly Ticket[], baseline: Module): void {
  const changes: string[] = [];
  const kinds = current.emptyRedactionCounts();
  let ticketsChanged = 0;
  for (const ticket of tickets) {
    const texts = [ticket.title, ticket.body];
    const before = redactAll(baseline, texts);
    const redactor = new current.Redactor();
    const after = texts.map((t) => redactor.redact(t));
    if (before.every((b, i) => b === after[i])) continue;
    ticketsChanged++;
    const baseCounts = new baseline.Redactor();
    for (const t of texts) baseCounts.redact(t);
    for (const k of current.REDACTION_KINDS) {
      const base = (baseCounts.counts as Partial<Record<string, number>>)[k] ?? 0;
      kinds[k] += Math.max(0, redactor.counts[k] - base);
    }
    for (let i = 0; i < texts.length; i++) {
      if (before[i] !== after[i])
        changes.push(`${ticket.source}: ${changed(before[i] ?? '', after[i] ?? '')}`);
    }
  }
  console.log(`\n${label}: ${tickets.length} tickets (${tickets.length * 2} titles and bodies)`);
  console.log(`tickets that change: ${ticketsChanged}; texts that change: ${changes.length}`);
  console.log(
    `new findings by kind: ${current.REDACTION_KINDS.filter((k) => kinds[k] > 0)
      .map((k) => `${k} ${kinds[k]}`)
      .join(', ')}`,
  );
  const next = rng(20261207);
  const sample = changes.map((c) => ({ c, r: next() }));
  sample.sort((x, y) => x.r - y.r);
  console.log('\nsample of 20 changes:');
  for (const { c } of sample.slice(0, 20)) console.log(`  ${c}`);
  if (args.values.all) {
    console.log('\nall changes:');
    for (const c of changes) console.log(`  ${c}`);
  }
}

/** The NLBSE training split (shared data) and the repository's own labelled tickets (`data/tickets`). */
function ticketSets(): [string, Ticket[]][] {
  const nlbse = existingDataPath('bench-redaction', 'issues/issues_train.csv', {
    option: '--data',
    value: undefined,
  });
  const own = resolve(dirname(fileURLToPath(import.meta.url)), '../data/tickets');
  const ownTickets = readdirSync(own)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .flatMap((f) => readTickets(join(own, f), (row) => row.id ?? f));
  return [
    ['NLBSE issues_train', readTickets(nlbse, (row) => row.repo ?? '')],
    ['data/tickets', ownTickets],
  ];
}

const baseline: Module | null =
  baselinePath === '' ? null : ((await import(pathToFileURL(resolve(baselinePath)).href)) as Module);
const systems = loghubLines();
if (args.values.diff) {
  if (!baseline) throw new Error('--diff needs --baseline <redaction module>');
  diffLoghub(systems, baseline);
  for (const [label, tickets] of ticketSets()) diffTickets(label, tickets, baseline);
} else {
  bench(mixed(systems), baseline);
}
