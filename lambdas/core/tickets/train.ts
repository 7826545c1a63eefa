/**
 * Training: labelled tickets in, model artifact out. Deterministic for a given seed and input order, so the
 * committed default model can be rebuilt byte for byte.
 *
 * Steps: parse and hash every ticket once; k-fold inside the training data to get out-of-fold scores for each
 * head (fits each head's softmax temperature and the ensemble's sharpening, and measures the ensemble); fit
 * every head on all the data; encode.
 */
import { ValidationError } from '../errors.ts';
import {
  countFeatures,
  DEFAULT_FEATURE_CONFIG,
  type FeatureConfig,
  type Group,
  type GroupCounts,
  type Segmented,
  type SparseVector,
  segment,
  segmentWeights,
  weigh,
} from './features.ts';
import { trainLinear } from './linear.ts';
import { score, stratifiedFolds } from './metrics.ts';
import {
  combineHeads,
  decodeModel,
  encodeModel,
  type RawHead,
  type RawModel,
  type TicketModel,
  type TicketModelJson,
} from './model.ts';
import { RULE_CATEGORIES } from './rules.ts';
import { parseTicket } from './text.ts';
import {
  DEFAULT_WORD_CLUSTERS_PATH,
  readWordClusters,
  WordClusters,
  type WordClustersJson,
} from './word-clusters.ts';

export interface LabelledTicket {
  title: string;
  body: string;
  label: string;
  /** Optional project/repository: when present, the model learns project-specific feature copies too. */
  project?: string | undefined;
}

/** One linear head of the ensemble: which feature groups it sees (and how strongly), and its vote. */
export interface HeadSpec {
  name: string;
  groupWeights: Record<Group, number>;
  weight: number;
}

const only = (groups: Partial<Record<Group, number>>): Record<Group, number> => ({
  title: 0,
  body: 0,
  lead: 0,
  structure: 0,
  titleChars: 0,
  bodyChars: 0,
  ...groups,
});

/**
 * A head over everything (counted twice) plus one head per view. Averaging heads that each had to learn
 * from one view alone generalised better in cross-validation than the all-features head by itself
 * (docs/triage.md has the figures).
 */
export const DEFAULT_HEADS: HeadSpec[] = [
  {
    name: 'all',
    groupWeights: only({ title: 0.6, body: 1, lead: 0.6, structure: 0.8, titleChars: 0.5, bodyChars: 0.6 }),
    weight: 2,
  },
  { name: 'title', groupWeights: only({ title: 1 }), weight: 1 },
  { name: 'body', groupWeights: only({ body: 1, lead: 0.6 }), weight: 1 },
  { name: 'structure', groupWeights: only({ structure: 1 }), weight: 1 },
  { name: 'chars', groupWeights: only({ titleChars: 0.6, bodyChars: 1 }), weight: 1 },
];

export interface TicketTrainingOptions {
  learner: 'svm' | 'logreg';
  /** Inverse regularisation strength. */
  c: number;
  /** Features seen in fewer training tickets than this are dropped (they only memorise). */
  minDf: number;
  seed: number;
  features: FeatureConfig;
  heads: readonly HeadSpec[];
  /** Folds used to calibrate confidences (and measure the ensemble) on out-of-fold scores; 0 skips it. */
  calibrationFolds: number;
  /** Categories to add by rules when the data has none of them (default INCIDENT and TASK). */
  ruleCategories: readonly string[];
  /**
   * Scale each feature by how unevenly it is spread over the categories (NB-SVM, Wang & Manning 2012) before
   * fitting; the scale is folded into the weights, so inference does not change.
   */
  nbScaling: boolean;
  /**
   * Word-cluster lexicon for cluster features: `'default'` reads the committed one, `'none'` trains without
   * (see word-clusters.ts). The lexicon is embedded in the model.
   */
  wordClusters: WordClustersJson | 'default' | 'none';
}

export const DEFAULT_TRAINING_OPTIONS: TicketTrainingOptions = {
  learner: 'svm',
  c: 0.5,
  minDf: 2,
  seed: 20240,
  features: DEFAULT_FEATURE_CONFIG,
  heads: DEFAULT_HEADS,
  calibrationFolds: 5,
  ruleCategories: RULE_CATEGORIES,
  nbScaling: true,
  wordClusters: 'default',
};

/** Labels are case-insensitive: `bug`, `Bug ` and `BUG` are one category, stored as `BUG`. */
export function canonicalLabel(label: string): string {
  return label
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
}

interface Prepared {
  counts: GroupCounts[];
  labels: number[];
}

interface Fitted {
  buckets: Uint32Array;
  idf: Float64Array;
  slotOf: (bucket: number) => number;
  heads: { weights: Float64Array; bias: Float64Array }[];
}

/** Vocabulary, IDF and every head, fitted on the examples at `indices`. */
function fitModel(
  prepared: Prepared,
  indices: readonly number[],
  classes: number,
  options: TicketTrainingOptions,
): Fitted {
  const df = new Map<number, number>();
  for (const i of indices) {
    const seen = new Set<number>();
    for (const group of prepared.counts[i]?.counts ?? []) for (const bucket of group.keys()) seen.add(bucket);
    for (const bucket of seen) df.set(bucket, (df.get(bucket) ?? 0) + 1);
  }
  const slots = new Map<number, number>();
  const buckets: number[] = [];
  const idf: number[] = [];
  // Ascending buckets: slot numbering (and so the order of floating-point sums) does not depend on input order.
  for (const bucket of [...df.keys()].sort((a, b) => a - b)) {
    const d = df.get(bucket) ?? 0;
    if (d < options.minDf) continue;
    slots.set(bucket, buckets.length);
    buckets.push(bucket);
    idf.push(Math.log((1 + indices.length) / (1 + d)) + 1);
  }
  const slotOf = (bucket: number) => slots.get(bucket) ?? -1;
  const segmented = indices.map((i) => {
    const counts = prepared.counts[i];
    if (counts === undefined) throw new Error('internal: missing example');
    return segment(counts, slotOf, idf);
  });
  const ys = indices.map((i) => prepared.labels[i] ?? 0);
  const ratio = options.nbScaling ? nbRatios(segmented, ys, classes, buckets.length) : undefined;
  const heads = options.heads.map((spec) => {
    const xs = segmented.map((x) => weigh(x, segmentWeights(spec.groupWeights, options.features)));
    if (ratio !== undefined) {
      for (const x of xs)
        for (let j = 0; j < x.index.length; j++)
          x.value[j] = (x.value[j] ?? 0) * (ratio[x.index[j] ?? 0] ?? 1);
    }
    const linear = trainLinear(xs, ys, classes, buckets.length, {
      learner: options.learner,
      c: options.c,
      seed: options.seed,
    });
    if (ratio !== undefined) {
      for (let j = 0; j < buckets.length; j++) {
        for (let k = 0; k < classes; k++) {
          linear.weights[j * classes + k] = (linear.weights[j * classes + k] ?? 0) * (ratio[j] ?? 1);
        }
      }
    }
    return { weights: linear.weights, bias: linear.bias };
  });
  return { buckets: Uint32Array.from(buckets), idf: Float64Array.from(idf), slotOf, heads };
}

/**
 * Per feature, 0.5 + the largest |log ratio| of its document rate in one category against the rest
 * (add-one smoothed): features that separate categories are amplified, evenly spread ones damped.
 */
function nbRatios(
  xs: readonly Segmented[],
  ys: readonly number[],
  classes: number,
  dim: number,
): Float64Array {
  const present = Array.from({ length: classes }, () => new Float64Array(dim).fill(1));
  xs.forEach((x, i) => {
    const row = present[ys[i] ?? 0];
    if (row) for (const slot of x.index) row[slot] = (row[slot] ?? 0) + 1;
  });
  const totals = present.map((row) => row.reduce((a, b) => a + b, 0));
  const all = totals.reduce((a, b) => a + b, 0);
  const ratio = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += present[k]?.[j] ?? 0;
    let best = 0;
    for (let k = 0; k < classes; k++) {
      const inK = present[k]?.[j] ?? 0;
      const totalK = totals[k] ?? 1;
      const r = Math.abs(Math.log(inK / totalK / ((sum - inK) / (all - totalK))));
      if (r > best) best = r;
    }
    ratio[j] = 0.5 + best;
  }
  return ratio;
}

function headScores(
  fitted: Fitted,
  counts: GroupCounts,
  classes: number,
  options: TicketTrainingOptions,
): Float64Array[] {
  const x = segment(counts, fitted.slotOf, fitted.idf);
  return fitted.heads.map((head, h) => {
    const spec = options.heads[h];
    const v: SparseVector = spec ? weigh(x, segmentWeights(spec.groupWeights, options.features)) : x;
    const out = Float64Array.from(head.bias);
    for (let i = 0; i < v.index.length; i++) {
      const base = (v.index[i] ?? 0) * classes;
      for (let k = 0; k < classes; k++)
        out[k] = (out[k] ?? 0) + (head.weights[base + k] ?? 0) * (v.value[i] ?? 0);
    }
    return out;
  });
}

/** Minimises a one-dimensional function of log(parameter) by golden-section search; returns the parameter. */
function goldenLog(f: (value: number) => number, lo: number, hi: number): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  for (let iter = 0; iter < 60; iter++) {
    const c = b - phi * (b - a);
    const d = a + phi * (b - a);
    if (f(Math.exp(c)) < f(Math.exp(d))) b = d;
    else a = c;
  }
  return Math.round(Math.exp((a + b) / 2) * 1e4) / 1e4;
}

/** Temperature minimising the negative log-likelihood of out-of-fold scores. */
export function fitTemperature(scores: readonly ArrayLike<number>[], labels: readonly number[]): number {
  return goldenLog(
    (t) => {
      let total = 0;
      scores.forEach((s, i) => {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < s.length; k++) max = Math.max(max, (s[k] ?? 0) * t);
        let z = 0;
        for (let k = 0; k < s.length; k++) z += Math.exp((s[k] ?? 0) * t - max);
        total += -((s[labels[i] ?? 0] ?? 0) * t - max - Math.log(z));
      });
      return total;
    },
    -3,
    4,
  );
}

export interface TrainingResult {
  json: TicketModelJson;
  model: TicketModel;
}

export function trainTicketModel(
  examples: readonly LabelledTicket[],
  overrides: Partial<TicketTrainingOptions> = {},
  onProgress: (message: string) => void = () => {},
): TrainingResult {
  const options: TicketTrainingOptions = { ...DEFAULT_TRAINING_OPTIONS, ...overrides };
  if (options.heads.length === 0) throw new ValidationError('heads', 'at least one head is required');
  const labelsSeen = new Map<string, number>();
  examples.forEach((e, i) => {
    const label = canonicalLabel(e.label);
    if (label === '') throw new ValidationError('label', `example ${i + 1} has an empty label`);
    labelsSeen.set(label, (labelsSeen.get(label) ?? 0) + 1);
  });
  const categories = [...labelsSeen.keys()].sort();
  if (categories.length < 2) {
    throw new ValidationError(
      'label',
      `training needs at least two distinct labels (found ${categories.length})`,
    );
  }
  const lexicon =
    options.wordClusters === 'none'
      ? undefined
      : options.wordClusters === 'default'
        ? readWordClusters(DEFAULT_WORD_CLUSTERS_PATH)
        : options.wordClusters;
  const clusters = lexicon === undefined ? undefined : WordClusters.decode(lexicon);
  const projects = new Set<string>();
  const prepared: Prepared = { counts: [], labels: [] };
  for (const e of examples) {
    const project = e.project?.trim().toLowerCase() || undefined;
    if (project !== undefined) projects.add(project);
    prepared.counts.push(countFeatures(parseTicket(e.title, e.body), options.features, project, clusters));
    prepared.labels.push(categories.indexOf(canonicalLabel(e.label)));
  }
  const K = categories.length;
  const all = examples.map((_, i) => i);

  // Without calibration data: margins of a squared-hinge SVM sit around ±1, logits of logreg are calibrated-ish.
  let temperatures: number[] = options.heads.map(() => (options.learner === 'svm' ? 2 : 1));
  let sharpen = 1;
  let crossValidatedMacroF1: number | undefined;
  const folds = Math.min(options.calibrationFolds, Math.min(...labelsSeen.values()));
  if (folds >= 2) {
    const assignment = stratifiedFolds(prepared.labels.map(String), folds, options.seed);
    const oof: Float64Array[][] = new Array(examples.length);
    for (let f = 0; f < folds; f++) {
      onProgress(`calibration fold ${f + 1}/${folds}`);
      const fitted = fitModel(
        prepared,
        all.filter((i) => assignment[i] !== f),
        K,
        options,
      );
      for (const i of all) {
        const counts = prepared.counts[i];
        if (assignment[i] === f && counts !== undefined) oof[i] = headScores(fitted, counts, K, options);
      }
    }
    temperatures = options.heads.map((_, h) =>
      fitTemperature(
        oof.map((s) => s[h] ?? new Float64Array(K)),
        prepared.labels,
      ),
    );
    const heads = options.heads.map((spec, h) => ({
      weight: spec.weight,
      temperature: temperatures[h] ?? 1,
    }));
    const mixed = oof.map((s) => combineHeads(heads, s, 1, K));
    sharpen = goldenLog(
      (a) => {
        let total = 0;
        mixed.forEach((p, i) => {
          let z = 0;
          for (const v of p) z += v ** a;
          total += -(a * Math.log(Math.max(p[prepared.labels[i] ?? 0] ?? 0, 1e-300)) - Math.log(z));
        });
        return total;
      },
      -3,
      3,
    );
    const argmax = (p: Float64Array) => p.reduce((best, v, k) => (v > (p[best] ?? 0) ? k : best), 0);
    crossValidatedMacroF1 =
      Math.round(
        score(
          categories,
          prepared.labels.map((l) => categories[l] ?? ''),
          mixed.map((p) => categories[argmax(p)] ?? ''),
        ).macroF1 * 1e4,
      ) / 1e4;
  }

  onProgress(`fitting ${examples.length} tickets, ${K} categories, ${options.heads.length} heads`);
  const fitted = fitModel(prepared, all, K, options);
  const heads: RawHead[] = options.heads.map((spec, h) => ({
    name: spec.name,
    groupWeights: spec.groupWeights,
    weight: spec.weight,
    temperature: temperatures[h] ?? 1,
    bias: fitted.heads[h]?.bias ?? new Float64Array(K),
    weights: fitted.heads[h]?.weights ?? new Float64Array(0),
  }));
  const raw: RawModel = {
    categories,
    ruleCategories: options.ruleCategories.map(canonicalLabel).filter((c) => !categories.includes(c)),
    projects: [...projects].sort(),
    features: options.features,
    sharpen,
    training: {
      examples: examples.length,
      labelCounts: Object.fromEntries(categories.map((c) => [c, labelsSeen.get(c) ?? 0])),
      learner: options.learner,
      c: options.c,
      minDf: options.minDf,
      seed: options.seed,
      nbScaling: options.nbScaling,
      ...(crossValidatedMacroF1 === undefined ? {} : { crossValidatedMacroF1 }),
    },
    buckets: fitted.buckets,
    idf: fitted.idf,
    heads,
    wordClusters: lexicon,
  };
  const json = encodeModel(raw);
  return { json, model: decodeModel(json) };
}
