/**
 * Measurement, not part of the shipped pipeline (docs/triage.md, "NLBSE: learning curve"): what would the
 * shipped pipeline score on the NLBSE'24 test split when trained on all 1,500 training tickets, not on the
 * 1,200 of a 5-fold CV fold? And can per-class decision offsets, chosen on the training data's own
 * out-of-fold scores, lift the held-out macro-F1? (6 December: about 0.795 ± 0.003 at 1,500, ± 0.011 more for
 * the test split's own sampling; the offsets lost 0.002–0.003 on both fold seeds tried, so nothing ships.)
 *
 * `cv` is the bench's NLBSE cross-validation (`npm run bench:triage -- --skip-writers --folds K --seed S
 * --repeats 1`: same folds, same training call, same classify restriction) that also saves the held-out
 * probabilities. `bias` is a nested CV: inside every outer training part, an inner 5-fold CV (each inner
 * model trained the same way) gives out-of-fold probabilities of the training tickets; offsets fitted on
 * those alone are applied to the outer held-out fold (~6× the cost of `cv`). `report` reads every saved run:
 * the table per fold count, seed and project, curve fits extrapolated to 1,500, a bootstrap of the test-split
 * sampling error, and the offset results.
 *
 *   npx tsx scripts/nlbse-learning-curve.ts cv --folds 10 --seed 1      # → /tmp/nlbse-curve/k10-seed1.json
 *   npx tsx scripts/nlbse-learning-curve.ts bias --folds 5 --seed 1     # → /tmp/nlbse-curve/bias-k5-seed1.json
 *   npx tsx scripts/nlbse-learning-curve.ts report [--extra /tmp/nlbse-proto]   # also reads probs-seed*.json
 *
 * `cv` also takes the variants of "What the internal tickets cost" (docs/triage.md), each into its own `--dir`:
 * `--internal none` (NLBSE alone), `--internal domain` (the internal tickets get a domain copy of their own),
 * `--internal weight=0.5`, `--project-weight 2`, `--c 0.75`.
 *
 *   npx tsx scripts/nlbse-learning-curve.ts cv --seed 2 --internal none --dir /tmp/nlbse-none
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_FEATURE_CONFIG } from '../lambdas/core/tickets/features.ts';
import {
  createTicketClassifier,
  type LabelledTicket,
  trainTicketModel,
} from '../lambdas/core/tickets/index.ts';
import { score, stratifiedFolds } from '../lambdas/core/tickets/metrics.ts';
import type { TicketTrainingOptions } from '../lambdas/core/tickets/train.ts';
import { type NlbseRow, readNlbse, readWriterGroups } from './bench-triage-lib.ts';
import { scriptArgs } from './script-args.ts';
import { existingDataPath } from './shared-data.ts';

const root = resolve(import.meta.dirname, '..');
const args = scriptArgs({
  name: 'nlbse-learning-curve',
  usage:
    'npx tsx scripts/nlbse-learning-curve.ts cv|bias|report [--folds 5] [--seed 1] [--dir <dir>] [--internal all|none|domain|weight=<w>] [--project-weight <w>] [--c <c>] [--extra <dir>] [--input <issues_train.csv>]',
  options: {
    folds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string' },
    internal: { type: 'string' },
    'project-weight': { type: 'string' },
    c: { type: 'string' },
    extra: { type: 'string' },
    input: { type: 'string' },
  },
  positionals: true,
});
const command = args.positionals[0];
if (command !== 'cv' && command !== 'bias' && command !== 'report') args.fail('give cv, bias or report');
const dir = args.values.dir ?? '/tmp/nlbse-curve';
const k = args.number('folds');
const seed = args.number('seed');
const INNER_FOLDS = 5;
const LABELS = ['bug', 'feature', 'question'];

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(xs.length - 1, 1));
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const say = (text: string) => process.stdout.write(`${text}\n`);

interface Scored {
  mean: number;
  perProject: Record<string, number>;
}

function macroByProject(rows: readonly NlbseRow[], idx: readonly number[], preds: readonly string[]): Scored {
  const projects = [...new Set(idx.map((i) => rows[i]?.project ?? ''))];
  const perProject: Record<string, number> = {};
  for (const p of projects) {
    const mine = idx.flatMap((i, j) => (rows[i]?.project === p ? [j] : []));
    perProject[p.split('/')[1] ?? p] = score(
      LABELS,
      mine.map((j) => rows[idx[j] ?? 0]?.label ?? ''),
      mine.map((j) => preds[j] ?? ''),
    ).macroF1;
  }
  return { mean: mean(Object.values(perProject)), perProject };
}

/** bug/feature/question probabilities of each ticket, as the bench's classify call restricted to them gives. */
function probabilities(model: ReturnType<typeof trainTicketModel>['model'], tickets: readonly NlbseRow[]) {
  const classifier = createTicketClassifier(model);
  const restrict = classifier.resolveCategories(LABELS, 'labels');
  return tickets.map((r) => {
    const res = classifier.classify(r, { categories: restrict, reviewThreshold: 0, alternatives: 2 });
    const p = [0, 0, 0];
    p[LABELS.indexOf(res.predictedCategory)] = res.confidence.category;
    for (const a of res.alternatives.category) p[LABELS.indexOf(a.name)] = a.confidence;
    return p;
  });
}

/** The fold's held-out tickets' probabilities from the model trained without them, written into `into`. */
function fillHeldOut(
  model: ReturnType<typeof trainTicketModel>['model'],
  rows: readonly NlbseRow[],
  folds: readonly number[],
  fold: number,
  into: number[][],
): void {
  const held = rows.flatMap((_, i) => (folds[i] === fold ? [i] : []));
  probabilities(
    model,
    held.map((i) => rows[i] as NlbseRow),
  ).forEach((p, j) => {
    into[held[j] ?? 0] = p;
  });
}

const argmax = (p: readonly number[], offsets: readonly number[] = [0, 0, 0]) => {
  let best = 0;
  let value = Number.NEGATIVE_INFINITY;
  p.forEach((x, c) => {
    const v = Math.log(Math.max(x, 1e-6)) + (offsets[c] ?? 0);
    if (v > value) {
      value = v;
      best = c;
    }
  });
  return LABELS[best] ?? '';
};

/** The internal training tickets as `--internal` asks: all (as shipped), none, a domain of their own, or weighted. */
async function internalTickets(): Promise<LabelledTicket[]> {
  const internal = (await readWriterGroups(resolve(root, 'data/tickets'))).flatMap((g) => g.train);
  const how = args.values.internal ?? 'all';
  if (how === 'all') return internal;
  if (how === 'none') return [];
  if (how === 'domain') return internal.map((t) => ({ ...t, project: '~internal' }));
  const weight = /^weight=(\d+(?:\.\d+)?)$/.exec(how)?.[1];
  if (weight === undefined) throw new Error('--internal: all | none | domain | weight=<number>');
  return internal.map((t) => ({ ...t, weight: Number(weight) }));
}

/** The training options `--project-weight` and `--c` change; none given: the shipped ones. */
function trainingOverrides(): Partial<TicketTrainingOptions> {
  const projectWeight = args.values['project-weight'] ?? '';
  const c = args.values.c ?? '';
  return {
    ...(projectWeight === ''
      ? {}
      : { features: { ...DEFAULT_FEATURE_CONFIG, projectWeight: Number(projectWeight) } }),
    ...(c === '' ? {} : { c: Number(c) }),
  };
}

const strata = (rows: readonly NlbseRow[]) => rows.map((r) => `${r.project}|${r.label}`);

async function cv(rows: NlbseRow[]): Promise<void> {
  const internal = await internalTickets();
  const started = Date.now();
  const loads = [load()];
  const folds = stratifiedFolds(strata(rows), k, seed);
  const probs: number[][] = rows.map(() => [0, 0, 0]);
  for (let f = 0; f < k; f++) {
    process.stderr.write(`k=${k} seed=${seed}: fold ${f + 1}/${k} (load ${load()})\n`);
    const { model } = trainTicketModel(
      [...rows.filter((_, i) => folds[i] !== f), ...internal],
      trainingOverrides(),
    );
    fillHeldOut(model, rows, folds, f, probs);
    loads.push(load());
  }
  const result = macroByProject(
    rows,
    rows.map((_, i) => i),
    probs.map((p) => argmax(p)),
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(
    resolve(dir, `k${k}-seed${seed}.json`),
    JSON.stringify({ k, seed, folds, probs, seconds, loads }),
  );
  say(JSON.stringify({ k, seed, train: trainSize(k), ...result, seconds, loads }));
}

const trainSize = (folds: number) => Math.round((1500 * (folds - 1)) / folds);

/**
 * Offsets (bug fixed at 0) added to the log-probabilities that maximise the mean of per-project macro-F1 on
 * the given tickets; a grid, ties to the smallest offsets (a flat optimum should not move decisions).
 */
function fitOffsets(rows: readonly NlbseRow[], idx: readonly number[], probs: readonly number[][]): number[] {
  let best = { f1: -1, size: 0, offsets: [0, 0, 0] };
  for (let a = -30; a <= 30; a++) {
    for (let b = -30; b <= 30; b++) {
      const offsets = [0, a * 0.05, b * 0.05];
      const f1 = macroByProject(
        rows,
        idx,
        probs.map((p) => argmax(p, offsets)),
      ).mean;
      const size = Math.abs(a) + Math.abs(b);
      if (f1 > best.f1 + 1e-12 || (Math.abs(f1 - best.f1) <= 1e-12 && size < best.size))
        best = { f1, size, offsets };
    }
  }
  return best.offsets;
}

async function bias(rows: NlbseRow[]): Promise<void> {
  const internal = await internalTickets();
  const started = Date.now();
  const loads = [load()];
  const folds = stratifiedFolds(strata(rows), k, seed);
  const outer: number[][] = rows.map(() => [0, 0, 0]);
  const inner: { idx: number[]; probs: number[][] }[] = [];
  for (let f = 0; f < k; f++) {
    const trainIdx = rows.flatMap((_, i) => (folds[i] !== f ? [i] : []));
    const trainRows = trainIdx.map((i) => rows[i] as NlbseRow);
    const innerFolds = stratifiedFolds(strata(trainRows), INNER_FOLDS, seed * 100 + f);
    const innerProbs: number[][] = trainRows.map(() => [0, 0, 0]);
    for (let g = 0; g < INNER_FOLDS; g++) {
      process.stderr.write(
        `bias k=${k} seed=${seed}: fold ${f + 1}/${k}, inner ${g + 1}/${INNER_FOLDS} (load ${load()})\n`,
      );
      const { model } = trainTicketModel([...trainRows.filter((_, j) => innerFolds[j] !== g), ...internal]);
      fillHeldOut(model, trainRows, innerFolds, g, innerProbs);
    }
    inner.push({ idx: trainIdx, probs: innerProbs });
    process.stderr.write(`bias k=${k} seed=${seed}: fold ${f + 1}/${k}, outer model (load ${load()})\n`);
    const { model } = trainTicketModel([...trainRows, ...internal]);
    fillHeldOut(model, rows, folds, f, outer);
    loads.push(load());
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(
    resolve(dir, `bias-k${k}-seed${seed}.json`),
    JSON.stringify({ k, seed, folds, probs: outer, inner, seconds, loads }),
  );
  say(JSON.stringify({ k, seed, ...biasResult(rows, folds, outer, inner), seconds, loads }));
}

interface BiasRun {
  k: number;
  seed: number;
  folds: number[];
  probs: number[][];
  inner: { idx: number[]; probs: number[][] }[];
}

/** Held-out macro-F1 without and with the offsets each outer fold fitted on its own inner out-of-fold scores. */
function biasResult(
  rows: readonly NlbseRow[],
  folds: readonly number[],
  outer: number[][],
  inner: BiasRun['inner'],
) {
  const all = rows.map((_, i) => i);
  const plain = macroByProject(
    rows,
    all,
    outer.map((p) => argmax(p)),
  );
  const offsets = inner.map((run) => fitOffsets(rows, run.idx, run.probs));
  const shifted = macroByProject(
    rows,
    all,
    outer.map((p, i) => argmax(p, offsets[folds[i] ?? 0])),
  );
  const innerPlain = inner.map(
    (run) =>
      macroByProject(
        rows,
        run.idx,
        run.probs.map((p) => argmax(p)),
      ).mean,
  );
  return {
    plain,
    shifted,
    gain: shifted.mean - plain.mean,
    offsets: offsets.map((o) => o.map((x) => Number(x.toFixed(2)))),
    innerMacroF1: innerPlain.map((x) => Number(x.toFixed(4))),
  };
}

interface CvRun {
  k: number;
  seed: number;
  probs: number[][];
  seconds?: number;
  loads?: string[];
}

/** Least squares y = a + b x; returns a, b and the residual standard deviation. */
function lineFit(xs: readonly number[], ys: readonly number[]) {
  const mx = mean(xs);
  const my = mean(ys);
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const b = xs.reduce((s, x, i) => s + (x - mx) * ((ys[i] ?? 0) - my), 0) / sxx;
  const a = my - b * mx;
  const res = ys.map((y, i) => y - a - b * (xs[i] ?? 0));
  return { a, b, sres: Math.sqrt(res.reduce((s, r) => s + r * r, 0) / Math.max(xs.length - 2, 1)), mx, sxx };
}

function report(rows: NlbseRow[]): void {
  const runs: CvRun[] = [];
  for (const file of readdirSync(dir).filter((f) => /^k\d+-seed\d+\.json$/.test(f)))
    runs.push(JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as CvRun);
  const extra = args.values.extra ?? '';
  if (extra !== '') {
    // The dense prototype's dumps: the bench's 5-fold CV with the same training call.
    for (const file of readdirSync(extra).filter((f) => /^probs-seed\d+\.json$/.test(f))) {
      const run = JSON.parse(readFileSync(resolve(extra, file), 'utf8')) as CvRun;
      if (!runs.some((r) => r.k === 5 && r.seed === run.seed)) runs.push({ ...run, k: 5 });
    }
  }
  for (const file of readdirSync(dir).filter((f) => /^bias-k\d+-seed\d+\.json$/.test(f))) {
    const run = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as BiasRun;
    if (!runs.some((r) => r.k === run.k && r.seed === run.seed)) runs.push(run);
  }
  runs.sort((a, b) => a.k - b.k || a.seed - b.seed);
  const all = rows.map((_, i) => i);
  const scored = runs.map((r) => ({
    ...r,
    n: trainSize(r.k),
    s: macroByProject(
      rows,
      all,
      r.probs.map((p) => argmax(p)),
    ),
  }));
  const projects = Object.keys(scored[0]?.s.perProject ?? {});
  say(`| folds | NLBSE train | seed | ${projects.join(' | ')} | mean of projects | minutes | load average |`);
  say(`|---|---|---|${projects.map(() => '---|').join('')}---|---|---|`);
  for (const r of scored) {
    const loads = r.loads ?? [];
    const ones = loads.map((l) => Number(l.split(' ')[0]));
    const span = ones.length ? `${Math.min(...ones).toFixed(1)}–${Math.max(...ones).toFixed(1)}` : '—';
    say(
      `| ${r.k} | ${r.n} | ${r.seed} | ${projects.map((p) => (r.s.perProject[p] ?? 0).toFixed(3)).join(' | ')} | ${r.s.mean.toFixed(4)} | ${r.seconds === undefined ? '—' : (r.seconds / 60).toFixed(1)} | ${span} |`,
    );
  }
  const sizes = [...new Set(scored.map((r) => r.n))].sort((a, b) => a - b);
  say('\n| NLBSE train | seeds | mean | sd over seeds |\n|---|---|---|---|');
  for (const n of sizes) {
    const ys = scored.filter((r) => r.n === n).map((r) => r.s.mean);
    say(`| ${n} | ${ys.length} | ${mean(ys).toFixed(4)} | ${ys.length > 1 ? sd(ys).toFixed(4) : '—'} |`);
  }

  const extrapolate = (label: string, pts: typeof scored, x: (n: number) => number) => {
    if (new Set(pts.map((p) => p.n)).size < 2) return;
    const fit = lineFit(
      pts.map((p) => x(p.n)),
      pts.map((p) => p.s.mean),
    );
    const x0 = x(1500);
    const se = fit.sres * Math.sqrt(1 / pts.length + (x0 - fit.mx) ** 2 / fit.sxx);
    say(
      `| ${label} | ${pts.length} | ${(fit.a + fit.b * x0).toFixed(4)} | ${se.toFixed(4)} | ${(fit.b * (x(1500) - x(1200))).toFixed(4)} |`,
    );
  };
  const ln = (n: number) => Math.log(n);
  const inv = (n: number) => -1 / Math.sqrt(n);
  say(
    '\n| fit (points: every seed of every fold count) | points | at 1,500 | s.e. of the fit | 1,200 → 1,500 |',
  );
  say('|---|---|---|---|---|');
  const near = scored.filter((r) => r.n >= 1000);
  extrapolate('a + b ln n, n ≥ 1,000', near, ln);
  extrapolate('a + b ln n, all n', scored, ln);
  extrapolate('c − a n^−½, n ≥ 1,000', near, inv);
  extrapolate('c − a n^−½, all n', scored, inv);
  for (const s of [...new Set(scored.map((r) => r.seed))]) {
    extrapolate(
      `a + b ln n, n ≥ 1,000, seed ${s} only`,
      near.filter((r) => r.seed === s),
      ln,
    );
  }

  // A 1,500-ticket test split is itself a sample: resample 300 tickets per project (with replacement) from
  // held-out predictions of the largest training size and see how much the mean of projects moves.
  const largest = scored.filter((r) => r.n === sizes[sizes.length - 1]);
  const byProject = new Map<string, number[]>();
  rows.forEach((r, i) => {
    byProject.set(r.project, [...(byProject.get(r.project) ?? []), i]);
  });
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const draws: number[] = [];
  for (const run of largest) {
    const preds = run.probs.map((p) => argmax(p));
    for (let b = 0; b < 400; b++) {
      const idx: number[] = [];
      const p: string[] = [];
      for (const members of byProject.values()) {
        for (let j = 0; j < members.length; j++) {
          const i = members[Math.floor(random() * members.length)] ?? 0;
          idx.push(i);
          p.push(preds[i] ?? '');
        }
      }
      draws.push(macroByProject(rows, idx, p).mean - run.s.mean);
    }
  }
  say(
    `\nTest-split sampling (bootstrap of 300 tickets per project, ${draws.length} draws over the ${sizes[sizes.length - 1]} runs): sd ${sd(draws).toFixed(4)}`,
  );

  // Upper bound for any offsets: fitted on the evaluated tickets themselves (so optimistic by construction).
  for (const run of scored.filter((r) => r.k === 5)) {
    const offsets = fitOffsets(rows, all, run.probs);
    const best = macroByProject(
      rows,
      all,
      run.probs.map((p) => argmax(p, offsets)),
    ).mean;
    say(
      `Oracle offsets (chosen on the evaluated folds), k=5 seed ${run.seed}: ${run.s.mean.toFixed(4)} → ${best.toFixed(4)} (+${(best - run.s.mean).toFixed(4)}) at ${JSON.stringify(offsets)}`,
    );
  }

  const biasRuns = readdirSync(dir)
    .filter((f) => /^bias-k\d+-seed\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as BiasRun);
  for (const run of biasRuns.sort((a, b) => a.seed - b.seed)) {
    say(
      `\nOffsets, k=${run.k} seed ${run.seed}: ${JSON.stringify(biasResult(rows, run.folds, run.probs, run.inner))}`,
    );
  }
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const rows = await readNlbse(
    existingDataPath('nlbse-learning-curve', 'issues/issues_train.csv', {
      option: '--input',
      value: args.values.input ?? '',
    }),
  );
  if (command === 'cv') return cv(rows);
  if (command === 'bias') return bias(rows);
  return report(rows);
}

await main();
