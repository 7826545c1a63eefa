/**
 * The ticket model artifact: its JSON shape, the compact binary encoding of the numbers inside it, and the
 * decoded runtime form used for scoring.
 *
 * The model is a small ensemble of linear *heads* over one shared hashed vocabulary: a head that sees every
 * feature group, and heads that each see one group (title, body, opening words, template structure,
 * character n-grams). Each head has its own calibration temperature; their probabilities are averaged. The
 * single-group heads only have weights for their own group's features, so they are stored sparsely.
 *
 * Numbers are stored as base64 typed arrays (int16 weights with one scale per head, uint8 IDF, varint-delta
 * ids) rather than JSON number arrays: that keeps the artifact a few MB and lets a cold start decode it in
 * milliseconds instead of parsing hundreds of thousands of numbers.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ValidationError } from '../errors.ts';
import { b64, readVarintDeltas, varintDeltas } from './codec.ts';
import {
  DEFAULT_FEATURE_CONFIG,
  extractFeatures,
  type FeatureConfig,
  GROUPS,
  type Group,
  isWordSegment,
  nameFeatures,
  SEGMENTS,
  SlotVectorizer,
  segmentWeights,
} from './features.ts';
import type { ParsedTicket } from './text.ts';
import { WordClusters, type WordClustersJson } from './word-clusters.ts';

export const MODEL_FORMAT = 'ai-ops.ticket-classifier';
export const MODEL_FORMAT_VERSION = 1;

export interface TrainingSummary {
  examples: number;
  labelCounts: Record<string, number>;
  learner: 'svm' | 'logreg';
  c: number;
  minDf: number;
  seed: number;
  nbScaling: boolean;
  /** Out-of-fold macro-F1 of the ensemble, measured while fitting the calibration, if it was run. */
  crossValidatedMacroF1?: number;
}

export interface HeadJson {
  name: string;
  groupWeights: Record<Group, number>;
  /** Share of this head in the averaged probabilities. */
  weight: number;
  /** Softmax temperature fitted on out-of-fold scores. */
  temperature: number;
  bias: number[];
  /** Slots with non-zero weights (varint deltas) and their int16 weights, K per slot, times `scale`. */
  weights: { scale: number; slots: string; data: string };
}

export interface TicketModelJson {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  /** Content hash of the numbers: recorded with every triage result. */
  version: string;
  categories: string[];
  /** Categories added by rules on top of the learned ones (see rules.ts). */
  ruleCategories: string[];
  /** Projects (lower-cased) that have project-specific feature copies. */
  projects: string[];
  features: FeatureConfig;
  /** Exponent applied to the averaged head probabilities (fitted out of fold) before renormalising. */
  sharpen: number;
  training: TrainingSummary;
  vocabulary: { size: number; buckets: string };
  idf: { step: number; data: string };
  heads: HeadJson[];
  /** The word-cluster lexicon the model was trained with (absent: no cluster features). */
  wordClusters?: WordClustersJson;
}

export interface Head {
  name: string;
  weight: number;
  temperature: number;
  segmentWeights: Float64Array;
  bias: Float64Array;
  /** Dequantisation factor of this head's int16 weights. */
  scale: number;
}

/** Decoded model: everything needed to score a ticket, in typed arrays. */
export interface TicketModel {
  version: string;
  categories: readonly string[];
  ruleCategories: readonly string[];
  projects: ReadonlySet<string>;
  features: FeatureConfig;
  sharpen: number;
  training: TrainingSummary;
  slotTable: Int32Array;
  idf: Float32Array;
  heads: Head[];
  /**
   * All heads' quantised weights, interleaved per slot: `weights[(slot * H + h) * K + k] * heads[h].scale`.
   * Interleaved so that scoring one feature for every head touches one cache line instead of one per head,
   * and kept as int16 because scoring is bound by memory traffic, not arithmetic.
   */
  weights: Int16Array;
  /** Per segment, the heads that read it (the others give it weight 0). */
  activeHeads: Int32Array[];
  /** Scratch space for scoring, sized to the vocabulary (scoring is synchronous, so one per model is enough). */
  vectorizer: SlotVectorizer;
  wordClusters: WordClusters | undefined;
}

export interface RawHead {
  name: string;
  groupWeights: Record<Group, number>;
  weight: number;
  temperature: number;
  bias: ArrayLike<number>;
  /** Slot-major weights over the whole vocabulary. */
  weights: ArrayLike<number>;
}

export interface RawModel {
  categories: string[];
  ruleCategories: string[];
  projects: string[];
  features: FeatureConfig;
  sharpen: number;
  training: TrainingSummary;
  /** Bucket of each vocabulary slot, ascending. */
  buckets: Uint32Array;
  idf: ArrayLike<number>;
  heads: RawHead[];
  wordClusters?: WordClustersJson | undefined;
}

const IDF_STEP = 16;

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function encodeModel(raw: RawModel): TicketModelJson {
  const K = raw.categories.length;
  const n = raw.buckets.length;
  for (let i = 1; i < n; i++) {
    if ((raw.buckets[i] ?? 0) <= (raw.buckets[i - 1] ?? 0)) throw new Error('internal: buckets must ascend');
  }
  const idf = new Uint8Array(n);
  for (let i = 0; i < n; i++)
    idf[i] = Math.max(0, Math.min(255, Math.round(((raw.idf[i] ?? 1) - 1) * IDF_STEP)));
  const heads: HeadJson[] = raw.heads.map((head) => {
    let maxAbs = 0;
    for (let i = 0; i < n * K; i++) maxAbs = Math.max(maxAbs, Math.abs(head.weights[i] ?? 0));
    const scale = maxAbs > 0 ? maxAbs / 32767 : 1;
    const slots: number[] = [];
    const data: number[] = [];
    for (let s = 0; s < n; s++) {
      const q = Array.from({ length: K }, (_, k) => Math.round((head.weights[s * K + k] ?? 0) / scale));
      if (q.every((v) => v === 0)) continue;
      slots.push(s);
      data.push(...q);
    }
    return {
      name: head.name,
      groupWeights: head.groupWeights,
      weight: head.weight,
      temperature: round6(head.temperature),
      bias: Array.from(head.bias, round6),
      weights: { scale, slots: b64(varintDeltas(slots)), data: b64(Int16Array.from(data)) },
    };
  });
  const body = {
    categories: raw.categories,
    ruleCategories: raw.ruleCategories,
    projects: raw.projects,
    features: raw.features,
    sharpen: round6(raw.sharpen),
    training: raw.training,
    vocabulary: { size: n, buckets: b64(varintDeltas(raw.buckets)) },
    idf: { step: IDF_STEP, data: b64(idf) },
    heads,
    ...(raw.wordClusters === undefined ? {} : { wordClusters: raw.wordClusters }),
  };
  const version = `tickets-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)}`;
  return { format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, version, ...body };
}

const invalid = (message: string) => new ValidationError('model', message);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalid(`${name} must be an array of strings`);
  }
  return value;
}

function finite(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} must be a finite number`);
  return value;
}

function bytesOf(value: unknown, name: string): Buffer {
  if (typeof value !== 'string') throw invalid(`${name} must be a base64 string`);
  return Buffer.from(value, 'base64');
}

function decodeVarints(bytes: Uint8Array, count: number, name: string, max: number): Int32Array {
  return readVarintDeltas(bytes, new Int32Array(count), max, (problem) => invalid(`${name} ${problem}`));
}

function groupWeightsOf(value: unknown, name: string): Record<Group, number> {
  if (!isRecord(value)) throw invalid(`${name} must be an object`);
  return Object.fromEntries(GROUPS.map((g) => [g, finite(value[g], `${name}.${g}`)])) as Record<
    Group,
    number
  >;
}

function featureConfig(value: unknown): FeatureConfig {
  if (!isRecord(value)) throw invalid('features must be an object');
  const hashBits = finite(value.hashBits, 'features.hashBits');
  if (!Number.isInteger(hashBits) || hashBits < 10 || hashBits > 24)
    throw invalid('features.hashBits out of range');
  const charMin = finite(value.charMin, 'features.charMin');
  const charMax = finite(value.charMax, 'features.charMax');
  if (charMin < 1 || charMax < charMin || charMax > 8) throw invalid('features.charMin/charMax out of range');
  return {
    ...DEFAULT_FEATURE_CONFIG,
    hashBits,
    charMin,
    charMax,
    bodyCharLimit: finite(value.bodyCharLimit, 'features.bodyCharLimit'),
    leadWords: finite(value.leadWords, 'features.leadWords'),
    // Absent in models trained before the limit existed: they read every body word.
    bodyWords:
      value.bodyWords === undefined ? Number.MAX_SAFE_INTEGER : finite(value.bodyWords, 'features.bodyWords'),
    projectWeight: finite(value.projectWeight, 'features.projectWeight'),
    projectGroups: stringArray(value.projectGroups, 'features.projectGroups').filter((g): g is Group =>
      (GROUPS as readonly string[]).includes(g),
    ),
  };
}

/** Validates and decodes a parsed model JSON. Any defect is a `ValidationError` on `model`, never a crash later. */
export function decodeModel(value: unknown): TicketModel {
  if (!isRecord(value)) throw invalid('expected a JSON object');
  if (value.format !== MODEL_FORMAT)
    throw invalid(`not a ticket classifier (format must be "${MODEL_FORMAT}")`);
  if (value.formatVersion !== MODEL_FORMAT_VERSION) {
    throw invalid(
      `unsupported formatVersion ${String(value.formatVersion)} (expected ${MODEL_FORMAT_VERSION})`,
    );
  }
  if (typeof value.version !== 'string') throw invalid('version must be a string');
  const categories = stringArray(value.categories, 'categories');
  if (categories.length < 2) throw invalid('needs at least two categories');
  const ruleCategories = stringArray(value.ruleCategories, 'ruleCategories');
  const projects = stringArray(value.projects, 'projects');
  const features = featureConfig(value.features);
  const sharpen = finite(value.sharpen, 'sharpen');
  if (!isRecord(value.training)) throw invalid('training must be an object');
  const K = categories.length;
  if (
    !isRecord(value.vocabulary) ||
    !isRecord(value.idf) ||
    !Array.isArray(value.heads) ||
    value.heads.length === 0
  ) {
    throw invalid('vocabulary, idf and at least one head are required');
  }
  const size = finite(value.vocabulary.size, 'vocabulary.size');
  const tableSize = 2 ** features.hashBits;
  if (!Number.isInteger(size) || size < 0 || size > tableSize) throw invalid('vocabulary.size out of range');
  const buckets = decodeVarints(
    bytesOf(value.vocabulary.buckets, 'vocabulary.buckets'),
    size,
    'vocabulary.buckets',
    tableSize,
  );
  const idfBytes = bytesOf(value.idf.data, 'idf.data');
  const idfStep = finite(value.idf.step, 'idf.step');
  if (idfBytes.length !== size || idfStep <= 0) throw invalid('idf does not match the vocabulary');

  const slotTable = new Int32Array(tableSize).fill(-1);
  for (let slot = 0; slot < size; slot++) slotTable[buckets[slot] ?? 0] = slot;
  const idf = new Float32Array(size);
  for (let i = 0; i < size; i++) idf[i] = 1 + (idfBytes[i] ?? 0) / idfStep;

  const H = value.heads.length;
  const weights = new Int16Array(size * H * K);
  const heads: Head[] = value.heads.map((h: unknown, i: number) => {
    const at = `heads[${i}]`;
    if (!isRecord(h) || !isRecord(h.weights)) throw invalid(`${at} must be an object with weights`);
    if (typeof h.name !== 'string') throw invalid(`${at}.name must be a string`);
    if (!Array.isArray(h.bias) || h.bias.length !== K)
      throw invalid(`${at}.bias must have one number per category`);
    const data = bytesOf(h.weights.data, `${at}.weights.data`);
    if (data.length % (2 * K) !== 0) throw invalid(`${at}.weights.data has a wrong length`);
    const count = data.length / (2 * K);
    const slots = decodeVarints(
      bytesOf(h.weights.slots, `${at}.weights.slots`),
      count,
      `${at}.weights.slots`,
      size,
    );
    const scale = finite(h.weights.scale, `${at}.weights.scale`);
    const int16 = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    for (let j = 0; j < count; j++) {
      const base = ((slots[j] ?? 0) * H + i) * K;
      for (let k = 0; k < K; k++) weights[base + k] = int16[j * K + k] ?? 0;
    }
    return {
      name: h.name,
      weight: finite(h.weight, `${at}.weight`),
      temperature: finite(h.temperature, `${at}.temperature`),
      segmentWeights: segmentWeights(groupWeightsOf(h.groupWeights, `${at}.groupWeights`), features),
      bias: Float64Array.from(h.bias.map((b, k) => finite(b, `${at}.bias[${k}]`))),
      scale,
    };
  });

  return {
    version: value.version,
    categories,
    ruleCategories,
    projects: new Set(projects.map((p) => p.toLowerCase())),
    features,
    sharpen,
    training: value.training as unknown as TrainingSummary,
    slotTable,
    idf,
    heads,
    weights,
    activeHeads: Array.from({ length: SEGMENTS }, (_, s) =>
      Int32Array.from(heads.flatMap((head, h) => ((head.segmentWeights[s] ?? 0) !== 0 ? [h] : []))),
    ),
    vectorizer: new SlotVectorizer(features, slotTable, idf),
    wordClusters:
      value.wordClusters === undefined ? undefined : WordClusters.decode(value.wordClusters, 'model'),
  };
}

/** Loads a model from a parsed JSON object or from a file path. */
export function loadModel(source: string | object): TicketModel {
  if (typeof source !== 'string') return decodeModel(source);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error: unknown) {
    const code = isRecord(error) && typeof error.code === 'string' ? error.code : 'unreadable';
    throw invalid(`cannot read model file ${source} (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(`model file ${source} is not valid JSON`);
  }
  return decodeModel(parsed);
}

export interface ModelScores {
  /** Calibrated probabilities over `model.categories`. */
  probabilities: Float64Array;
  /**
   * The word features that most favour category `k` over category `r` (indices into `model.categories`),
   * strongest first. Call it before scoring another ticket: it reads the model's scratch buffers.
   */
  explain: (k: number, r: number, max: number) => { name: string; margin: number }[];
}

/** Averages calibrated head probabilities, then sharpens: the same combination the trainer calibrated. */
export function combineHeads(
  heads: readonly { weight: number; temperature: number }[],
  headScores: readonly ArrayLike<number>[],
  sharpen: number,
  K: number,
): Float64Array {
  const mixed = new Float64Array(K);
  let total = 0;
  heads.forEach((head, h) => {
    const p = softmax(headScores[h] ?? [], head.temperature);
    for (let k = 0; k < K; k++) mixed[k] = (mixed[k] ?? 0) + head.weight * (p[k] ?? 0);
    total += head.weight;
  });
  let z = 0;
  for (let k = 0; k < K; k++) {
    const v = ((mixed[k] ?? 0) / total) ** sharpen;
    mixed[k] = v;
    z += v;
  }
  for (let k = 0; k < K; k++) mixed[k] = z > 0 ? (mixed[k] ?? 0) / z : 1 / K;
  return mixed;
}

export function scoreTicket(model: TicketModel, doc: ParsedTicket, project: string | undefined): ModelScores {
  const normalised = project?.trim().toLowerCase();
  const knownProject = normalised !== undefined && model.projects.has(normalised) ? normalised : undefined;
  const x = model.vectorizer.vectorize(
    extractFeatures(doc, model.features, model.wordClusters),
    knownProject,
  );
  const K = model.categories.length;
  const H = model.heads.length;
  const w = model.weights;
  const headScores = model.heads.map((head) => Float64Array.from(head.bias));
  const acc = new Float64Array(H * K);
  for (let s = 0; s < SEGMENTS; s++) {
    const start = x.starts[s] ?? 0;
    const end = x.starts[s + 1] ?? 0;
    const active = model.activeHeads[s];
    if (start === end || active === undefined || active.length === 0) continue;
    acc.fill(0);
    for (let e = start; e < end; e++) {
      const row = (x.index[e] ?? 0) * H;
      const v = x.value[e] ?? 0;
      for (const h of active) {
        const base = (row + h) * K;
        const at = h * K;
        for (let k = 0; k < K; k++) acc[at + k] = (acc[at + k] ?? 0) + (w[base + k] ?? 0) * v;
      }
    }
    for (const h of active) {
      const head = model.heads[h];
      const scores = headScores[h];
      if (head === undefined || scores === undefined) continue;
      const sw = (head.segmentWeights[s] ?? 0) * head.scale;
      for (let k = 0; k < K; k++) scores[k] = (scores[k] ?? 0) + sw * (acc[h * K + k] ?? 0);
    }
  }
  const probabilities = combineHeads(model.heads, headScores, model.sharpen, K);

  // Attribution: a word feature's share of the heads' temperature-scaled score margin, weighted like the heads.
  const explain = (k: number, r: number, max: number) => {
    const totalWeight = model.heads.reduce((sum, h) => sum + h.weight, 0);
    // Keep the strongest few entries in a small sorted list instead of sorting every feature.
    const keep = max * 2;
    const top: { raw: number; margin: number }[] = [];
    for (let s = 0; s < SEGMENTS; s++) {
      const active = model.activeHeads[s];
      if (!isWordSegment(s) || active === undefined) continue;
      for (let e = x.starts[s] ?? 0; e < (x.starts[s + 1] ?? 0); e++) {
        const row = (x.index[e] ?? 0) * H;
        const v = x.value[e] ?? 0;
        let margin = 0;
        for (const h of active) {
          const head = model.heads[h];
          if (head === undefined) continue;
          const f =
            ((head.segmentWeights[s] ?? 0) * head.scale * head.temperature * head.weight * v) / totalWeight;
          const base = (row + h) * K;
          margin += ((w[base + k] ?? 0) - (r >= 0 ? (w[base + r] ?? 0) : 0)) * f;
        }
        if (margin <= 0 || (top.length === keep && margin <= (top[keep - 1]?.margin ?? 0))) continue;
        let at = top.length;
        while (at > 0 && (top[at - 1]?.margin ?? 0) < margin) at--;
        top.splice(at, 0, { raw: x.raws[e] ?? 0, margin });
        if (top.length > keep) top.pop();
      }
    }
    // Shared and project-specific copies of one feature have the same raw hash: their margins add up.
    const merged = new Map<number, number>();
    for (const t of top) merged.set(t.raw, (merged.get(t.raw) ?? 0) + t.margin);
    const ranked = [...merged.entries()].sort((a, b) => b[1] - a[1]).slice(0, max);
    const names = nameFeatures(doc, model.features, new Set(ranked.map(([raw]) => raw)), model.wordClusters);
    return ranked.flatMap(([raw, margin]) => {
      const name = names.get(raw);
      return name === undefined ? [] : [{ name, margin }];
    });
  };
  return { probabilities, explain };
}

export function softmax(scores: ArrayLike<number>, temperature: number): Float64Array {
  const out = new Float64Array(scores.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < scores.length; k++) max = Math.max(max, (scores[k] ?? 0) * temperature);
  let z = 0;
  for (let k = 0; k < scores.length; k++) {
    const e = Math.exp((scores[k] ?? 0) * temperature - max);
    out[k] = e;
    z += e;
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) / z;
  return out;
}
