/**
 * Training: labelled tickets in, model artifact out. Deterministic for a given seed and input order, so the
 * committed default model can be rebuilt byte for byte.
 *
 * Steps: parse and hash every ticket once; build the vocabulary; k-fold inside the training data to get
 * out-of-fold scores for each head (fits each head's softmax temperature and each output's sharpening, and
 * measures the category ensemble); fit every head on all the data; encode. Besides the category, every extra
 * labelled column (the priority, a team) becomes an output with a head of its own, trained on the tickets
 * that have a value for it.
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
  CATEGORY_OUTPUT,
  combineHeads,
  decodeModel,
  encodeModel,
  type RawHead,
  type RawLabelHead,
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
  /** Empty or absent for a title-only ticket. */
  body?: string | null | undefined;
  /** The category. */
  label: string;
  /** Optional project/repository: when present, the model learns project-specific feature copies too. */
  project?: string | undefined;
  /** When the ticket was created: dates in its text ("expires Friday") are read relative to it. */
  createdAt?: Date | undefined;
  /** How much this example counts in training (default 1). */
  weight?: number | undefined;
  /** Extra labelled columns (`priority`, `team`…): each becomes an output with a head of its own. */
  labels?: Readonly<Record<string, string | undefined>> | undefined;
}

/** One linear head of an ensemble: which feature groups it sees (and how strongly), and its vote. */
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

const ALL_GROUPS = only({ title: 0.6, body: 1, lead: 0.6, structure: 0.8, titleChars: 0.5, bodyChars: 0.6 });

/**
 * A head over everything (counted twice) plus one head per view. Averaging heads that each had to learn
 * from one view alone generalised better in cross-validation than the all-features head by itself
 * (docs/triage.md has the figures).
 */
export const DEFAULT_HEADS: HeadSpec[] = [
  { name: 'all', groupWeights: ALL_GROUPS, weight: 2 },
  { name: 'title', groupWeights: only({ title: 1 }), weight: 1 },
  { name: 'body', groupWeights: only({ body: 1, lead: 0.6 }), weight: 1 },
  { name: 'structure', groupWeights: only({ structure: 1 }), weight: 1 },
  { name: 'chars', groupWeights: only({ titleChars: 0.6, bodyChars: 1 }), weight: 1 },
];

/**
 * Label heads (priority, team) are single heads over the word groups: they have less data, and leaving the
 * character n-grams out keeps them cheap at inference.
 */
export const DEFAULT_LABEL_HEADS: HeadSpec[] = [
  { name: 'words', groupWeights: only({ title: 0.6, body: 1, lead: 0.6, structure: 0.8 }), weight: 1 },
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
  labelHeads: readonly HeadSpec[];
  /** Folds used to calibrate confidences (and measure the ensemble) on out-of-fold scores; 0 skips it. */
  calibrationFolds: number;
  /** Categories to add by rules when the data has none of them (default INCIDENT, TASK and SECURITY). */
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
  /**
   * Strength (0 = off, 1 = the full Bayes correction) of the prior shift for tickets outside the training
   * projects: their category probabilities are multiplied by (project-less class share / overall class
   * share)^strength, so that NLBSE's many bugs, features and questions do not drown the internal
   * categories. Only when the data has both kinds of tickets. Chosen by leave-one-writer-out (docs/triage.md).
   */
  projectlessShift: number;
}

export const DEFAULT_TRAINING_OPTIONS: TicketTrainingOptions = {
  learner: 'svm',
  c: 0.5,
  minDf: 2,
  seed: 20240,
  features: DEFAULT_FEATURE_CONFIG,
  heads: DEFAULT_HEADS,
  labelHeads: DEFAULT_LABEL_HEADS,
  calibrationFolds: 5,
  ruleCategories: RULE_CATEGORIES,
  nbScaling: true,
  wordClusters: 'default',
  projectlessShift: 0.25,
};

/** Labels are case-insensitive: `bug`, `Bug ` and `BUG` are one category, stored as `BUG`. */
export function canonicalLabel(label: string): string {
  return label
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
}

/** Every ticket parsed and hashed once, shared by the category and the label outputs. */
interface Prepared {
  counts: GroupCounts[];
  weights: number[];
}

interface Vocabulary {
  buckets: Uint32Array;
  idf: Float64Array;
  slotOf: (bucket: number) => number;
}

/** One output to fit: which examples have a value, their class index, and the head specs. */
interface Task {
  name: string;
  classes: string[];
  /** Example index → class index, for the examples that have one. */
  rows: number[];
  ys: number[];
  specs: readonly HeadSpec[];
}

interface FittedHead {
  weights: Float64Array;
  bias: Float64Array;
}

/** Vocabulary and IDF from the examples at `indices`; features in fewer than `minDf` of them are dropped. */
function buildVocabulary(prepared: Prepared, indices: readonly number[], minDf: number): Vocabulary {
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
    if (d < minDf) continue;
    slots.set(bucket, buckets.length);
    buckets.push(bucket);
    idf.push(Math.log((1 + indices.length) / (1 + d)) + 1);
  }
  return {
    buckets: Uint32Array.from(buckets),
    idf: Float64Array.from(idf),
    slotOf: (bucket) => slots.get(bucket) ?? -1,
  };
}

/** TF-IDF vectors of the examples under a vocabulary, computed once per vocabulary and reused by every task. */
function vectorsFor(prepared: Prepared, vocab: Vocabulary): (i: number) => Segmented {
  const cache = new Map<number, Segmented>();
  return (i) => {
    let x = cache.get(i);
    if (x === undefined) {
      const counts = prepared.counts[i];
      if (counts === undefined) throw new Error('internal: missing example');
      x = segment(counts, vocab.slotOf, vocab.idf);
      cache.set(i, x);
    }
    return x;
  };
}

/** Fits every head of a task on the given rows (positions into `task.rows`). */
function fitHeads(
  task: Task,
  positions: readonly number[],
  vector: (i: number) => Segmented,
  prepared: Prepared,
  dim: number,
  options: TicketTrainingOptions,
): FittedHead[] {
  const K = task.classes.length;
  const segmented = positions.map((p) => vector(task.rows[p] ?? 0));
  const ys = positions.map((p) => task.ys[p] ?? 0);
  const sampleWeights = positions.map((p) => prepared.weights[task.rows[p] ?? 0] ?? 1);
  const ratio = options.nbScaling ? nbRatios(segmented, ys, K, dim) : undefined;
  return task.specs.map((spec) => {
    const xs = segmented.map((x) => weigh(x, segmentWeights(spec.groupWeights, options.features)));
    if (ratio !== undefined) {
      for (const x of xs)
        for (let j = 0; j < x.index.length; j++)
          x.value[j] = (x.value[j] ?? 0) * (ratio[x.index[j] ?? 0] ?? 1);
    }
    const linear = trainLinear(xs, ys, K, dim, {
      learner: options.learner,
      c: options.c,
      seed: options.seed,
      sampleWeights,
    });
    if (ratio !== undefined) {
      for (let j = 0; j < dim; j++) {
        for (let k = 0; k < K; k++) {
          linear.weights[j * K + k] = (linear.weights[j * K + k] ?? 0) * (ratio[j] ?? 1);
        }
      }
    }
    return { weights: linear.weights, bias: linear.bias };
  });
}

/**
 * Per feature, 0.5 + the largest |log ratio| of its document rate in one class against the rest
 * (add-one smoothed): features that separate classes are amplified, evenly spread ones damped.
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
  heads: readonly FittedHead[],
  specs: readonly HeadSpec[],
  x: Segmented,
  classes: number,
  features: FeatureConfig,
): Float64Array[] {
  return heads.map((head, h) => {
    const spec = specs[h];
    const v: SparseVector = spec ? weigh(x, segmentWeights(spec.groupWeights, features)) : x;
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

interface Calibration {
  temperatures: number[];
  sharpen: number;
  /** Out-of-fold macro-F1 of the calibrated output. */
  macroF1?: number;
}

/** Temperatures per head and the output's sharpening, fitted on out-of-fold head scores. */
function calibrate(task: Task, oof: Float64Array[][]): Calibration {
  const K = task.classes.length;
  const temperatures = task.specs.map((_, h) =>
    fitTemperature(
      oof.map((s) => s[h] ?? new Float64Array(K)),
      task.ys,
    ),
  );
  const heads = task.specs.map((spec, h) => ({ weight: spec.weight, temperature: temperatures[h] ?? 1 }));
  const mixed = oof.map((s) => combineHeads(heads, s, 1, K));
  const sharpen = goldenLog(
    (a) => {
      let total = 0;
      mixed.forEach((p, i) => {
        let z = 0;
        for (const v of p) z += v ** a;
        total += -(a * Math.log(Math.max(p[task.ys[i] ?? 0] ?? 0, 1e-300)) - Math.log(z));
      });
      return total;
    },
    -3,
    3,
  );
  const argmax = (p: Float64Array) => p.reduce((best, v, k) => (v > (p[best] ?? 0) ? k : best), 0);
  const card = score(
    task.classes,
    task.ys.map((y) => task.classes[y] ?? ''),
    mixed.map((p) => task.classes[argmax(p)] ?? ''),
  );
  return { temperatures, sharpen, macroF1: Math.round(card.macroF1 * 1e4) / 1e4 };
}

/**
 * Out-of-fold calibration of one task. The category's folds rebuild the vocabulary from their training part
 * (so its out-of-fold score is honest); label heads reuse the full vocabulary (document frequencies only).
 */
function calibrateTask(
  task: Task,
  prepared: Prepared,
  fullVocabulary: { vocab: Vocabulary; vector: (i: number) => Segmented } | undefined,
  options: TicketTrainingOptions,
  onProgress: (message: string) => void,
): Calibration | undefined {
  const perClass = task.classes.map((_, k) => task.ys.filter((y) => y === k).length);
  const folds = Math.min(options.calibrationFolds, Math.min(...perClass));
  if (folds < 2) return undefined;
  const assignment = stratifiedFolds(task.ys.map(String), folds, options.seed);
  const positions = task.rows.map((_, p) => p);
  const oof: Float64Array[][] = new Array(task.rows.length);
  for (let f = 0; f < folds; f++) {
    onProgress(`${task.name}: calibration fold ${f + 1}/${folds}`);
    const trainPositions = positions.filter((p) => assignment[p] !== f);
    const { vocab, vector } =
      fullVocabulary ??
      (() => {
        const v = buildVocabulary(
          prepared,
          trainPositions.map((p) => task.rows[p] ?? 0),
          options.minDf,
        );
        return { vocab: v, vector: vectorsFor(prepared, v) };
      })();
    const fitted = fitHeads(task, trainPositions, vector, prepared, vocab.buckets.length, options);
    for (const p of positions) {
      if (assignment[p] !== f) continue;
      const x = fullVocabulary ? vector(task.rows[p] ?? 0) : segmentOne(prepared, vocab, task.rows[p] ?? 0);
      oof[p] = headScores(fitted, task.specs, x, task.classes.length, options.features);
    }
  }
  return calibrate(task, oof);
}

function segmentOne(prepared: Prepared, vocab: Vocabulary, i: number): Segmented {
  const counts = prepared.counts[i];
  if (counts === undefined) throw new Error('internal: missing example');
  return segment(counts, vocab.slotOf, vocab.idf);
}

/** The label columns of the examples as tasks: classes by first spelling, matched case-insensitively. */
function labelTasks(examples: readonly LabelledTicket[], specs: readonly HeadSpec[]): Task[] {
  const names = [...new Set(examples.flatMap((e) => Object.keys(e.labels ?? {})))].sort();
  return names.map((name) => {
    const spelling = new Map<string, string>();
    const rows: number[] = [];
    const values: string[] = [];
    examples.forEach((e, i) => {
      const value = e.labels?.[name]?.trim();
      if (value === undefined || value === '') return;
      const key = value.toLowerCase();
      if (!spelling.has(key)) spelling.set(key, value);
      rows.push(i);
      values.push(key);
    });
    const keys = [...spelling.keys()].sort();
    if (keys.length < 2) {
      throw new ValidationError(
        name,
        `training a ${name} head needs at least two distinct values (found ${keys.length === 0 ? 'none' : `only "${spelling.get(keys[0] ?? '')}"`})`,
      );
    }
    return {
      name,
      classes: keys.map((k) => spelling.get(k) ?? k),
      rows,
      ys: values.map((v) => keys.indexOf(v)),
      specs,
    };
  });
}

export interface TrainingResult {
  json: TicketModelJson;
  model: TicketModel;
}

function categoryTask(examples: readonly LabelledTicket[], specs: readonly HeadSpec[]): Task {
  const counts = new Map<string, number>();
  const labels = examples.map((e, i) => {
    const label = canonicalLabel(e.label);
    if (label === '') throw new ValidationError('label', `example ${i + 1} has an empty label`);
    counts.set(label, (counts.get(label) ?? 0) + 1);
    return label;
  });
  const classes = [...counts.keys()].sort();
  if (classes.length < 2) {
    throw new ValidationError(
      'label',
      `training needs at least two distinct categories (found ${classes.length === 0 ? 'none' : `only ${classes[0]}`})`,
    );
  }
  return {
    name: CATEGORY_OUTPUT,
    classes,
    rows: examples.map((_, i) => i),
    ys: labels.map((l) => classes.indexOf(l)),
    specs,
  };
}

function prepare(
  examples: readonly LabelledTicket[],
  options: TicketTrainingOptions,
  clusters: WordClusters | undefined,
): { prepared: Prepared; projects: string[] } {
  const projects = new Set<string>();
  const prepared: Prepared = { counts: [], weights: [] };
  for (const e of examples) {
    const project = e.project?.trim().toLowerCase() || undefined;
    if (project !== undefined) projects.add(project);
    const doc = parseTicket(e.title, e.body ?? '', e.createdAt);
    prepared.counts.push(countFeatures(doc, options.features, project, clusters));
    prepared.weights.push(e.weight ?? 1);
  }
  return { prepared, projects: [...projects].sort() };
}

/**
 * Log-factors per category: strength × ln(share among project-less tickets / share among all), add-one
 * smoothed; undefined when the strength is 0 or the data is all of one kind.
 */
function projectlessShift(
  category: Task,
  projectless: readonly boolean[],
  strength: number,
): number[] | undefined {
  const K = category.classes.length;
  const all = new Array<number>(K).fill(1);
  const bare = new Array<number>(K).fill(1);
  category.rows.forEach((row, p) => {
    const y = category.ys[p] ?? 0;
    all[y] = (all[y] ?? 0) + 1;
    if (projectless[row] === true) bare[y] = (bare[y] ?? 0) + 1;
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const nBare = sum(bare) - K;
  if (strength === 0 || nBare === 0 || nBare === sum(all) - K) return undefined;
  return all.map((a, k) => strength * Math.log((bare[k] ?? 1) / sum(bare) / (a / sum(all))));
}

function rawModel(
  examples: number,
  category: Task,
  calibration: Calibration | undefined,
  options: TicketTrainingOptions,
  fitted: {
    projects: string[];
    /** Per example index: it has no project. */
    projectless: readonly boolean[];
    vocab: Vocabulary;
    heads: RawHead[];
    labelHeads: RawLabelHead[];
    lexicon: WordClustersJson | undefined;
  },
): RawModel {
  const macroF1 = calibration?.macroF1;
  const shift = projectlessShift(category, fitted.projectless, options.projectlessShift);
  return {
    categories: category.classes,
    ruleCategories: options.ruleCategories.map(canonicalLabel).filter((c) => !category.classes.includes(c)),
    projects: fitted.projects,
    features: options.features,
    sharpen: calibration?.sharpen ?? 1,
    ...(shift === undefined ? {} : { projectlessShift: shift }),
    training: {
      examples,
      labelCounts: Object.fromEntries(
        category.classes.map((c, k) => [c, category.ys.filter((y) => y === k).length]),
      ),
      learner: options.learner,
      c: options.c,
      minDf: options.minDf,
      seed: options.seed,
      nbScaling: options.nbScaling,
      ...(macroF1 === undefined ? {} : { crossValidatedMacroF1: macroF1 }),
    },
    buckets: fitted.vocab.buckets,
    idf: fitted.vocab.idf,
    heads: fitted.heads,
    labelHeads: fitted.labelHeads,
    wordClusters: fitted.lexicon,
  };
}

export function trainTicketModel(
  examples: readonly LabelledTicket[],
  overrides: Partial<TicketTrainingOptions> = {},
  onProgress: (message: string) => void = () => {},
): TrainingResult {
  const options: TicketTrainingOptions = { ...DEFAULT_TRAINING_OPTIONS, ...overrides };
  if (options.heads.length === 0) throw new ValidationError('heads', 'at least one head is required');
  const category = categoryTask(examples, options.heads);
  const labels = labelTasks(examples, options.labelHeads);
  const lexicon =
    options.wordClusters === 'none'
      ? undefined
      : options.wordClusters === 'default'
        ? readWordClusters(DEFAULT_WORD_CLUSTERS_PATH)
        : options.wordClusters;
  const clusters = lexicon === undefined ? undefined : WordClusters.decode(lexicon);
  const { prepared, projects } = prepare(examples, options, clusters);

  const vocab = buildVocabulary(prepared, category.rows, options.minDf);
  const vector = vectorsFor(prepared, vocab);
  const dim = vocab.buckets.length;
  const fitOutput = (task: Task, calibration: Calibration | undefined) => {
    onProgress(`fitting ${task.name}: ${task.rows.length} tickets, ${task.classes.length} classes`);
    const fitted = fitHeads(
      task,
      task.rows.map((_, p) => p),
      vector,
      prepared,
      dim,
      options,
    );
    // Without calibration data: margins of a squared-hinge SVM sit around ±1, logits of logreg are calibrated-ish.
    const fallback = options.learner === 'svm' ? 2 : 1;
    return task.specs.map(
      (spec, h): RawHead => ({
        name: spec.name,
        groupWeights: spec.groupWeights,
        weight: spec.weight,
        temperature: calibration?.temperatures[h] ?? fallback,
        bias: fitted[h]?.bias ?? new Float64Array(task.classes.length),
        weights: fitted[h]?.weights ?? new Float64Array(0),
      }),
    );
  };
  const categoryCalibration = calibrateTask(category, prepared, undefined, options, onProgress);
  const labelHeads: RawLabelHead[] = labels.map((task) => {
    const calibration = calibrateTask(task, prepared, { vocab, vector }, options, onProgress);
    return {
      name: task.name,
      classes: task.classes,
      sharpen: calibration?.sharpen ?? 1,
      examples: task.rows.length,
      heads: fitOutput(task, calibration),
    };
  });
  const raw = rawModel(examples.length, category, categoryCalibration, options, {
    projects,
    projectless: examples.map((e) => (e.project ?? '').trim() === ''),
    vocab,
    heads: fitOutput(category, categoryCalibration),
    labelHeads,
    lexicon,
  });
  const json = encodeModel(raw);
  return { json, model: decodeModel(json) };
}
