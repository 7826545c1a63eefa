/**
 * The ticket model artifact: its JSON shape (a zod schema), the compact binary encoding of the numbers inside
 * it, and the decoded runtime form used for scoring.
 *
 * The model is a set of linear *heads* over one shared hashed vocabulary. The category is an ensemble: a head
 * that sees every feature group, and heads that each see one group (title, body, opening words, template
 * structure, character n-grams); each has its own calibration temperature and their probabilities are
 * averaged. Further *outputs* (the priority, a team or queue column) have heads of their own over the same
 * features. Single-group heads only have weights for their own group's features, so heads are stored sparsely.
 *
 * Numbers are stored as byte arrays (int8 or int16 weights with one scale per head, uint8 IDF, varint-delta
 * ids) rather than JSON number arrays: that keeps the artifact a few MB and lets a cold start decode it in
 * milliseconds instead of parsing hundreds of thousands of numbers. In the JSON container they are base64
 * strings; in the binary one (binary.ts, the shipped model) raw sections, which spares the cold start the
 * text, the base64 and a collection of the parsed strings. Both go through `decodeModel`.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { isBinaryModel, readBinaryModel } from './binary.ts';
import { b64, base64Bytes, type PayloadBytes, readVarintDeltas, varintDeltas } from './codec.ts';
import {
  DEFAULT_FEATURE_CONFIG,
  extractFeatures,
  type FeatureConfig,
  featureName,
  GROUPS,
  type Group,
  type InferenceVector,
  isWordSegment,
  SEGMENTS,
  SlotIndex,
  SlotVectorizer,
  segmentWeights,
} from './features.ts';
import { LoadArena } from './load-kernels.ts';
import type { ParsedTicket } from './text.ts';
import { lexiconArenaBytes, WordClusters, type WordClustersJson } from './word-clusters.ts';

export const MODEL_FORMAT = 'ai-ops.ticket-classifier';
export const MODEL_FORMAT_VERSION = 1;
/** The output every model has; extra outputs (priority, team…) are `labelHeads`. */
export const CATEGORY_OUTPUT = 'category';

const finite = z.number();
/** Base64 payloads are checked by their decoded lengths (a regex over megabytes would cost the cold start). */
const base64 = z.string();
const groupWeightsSchema = z.object(
  Object.fromEntries(GROUPS.map((g) => [g, finite])) as Record<Group, typeof finite>,
);

const headSchema = z.object({
  name: z.string(),
  groupWeights: groupWeightsSchema,
  /** Share of this head in its output's averaged probabilities. */
  weight: finite.positive(),
  /** Softmax temperature fitted on out-of-fold scores. */
  temperature: finite,
  bias: z.array(finite),
  /**
   * Slots with non-zero weights (varint deltas) and their weights, one per class, times `scale`: int16, or
   * (with `shifts`) int8 each shifted left by its slot's shift, which keeps 8 significant bits per slot at
   * half the size.
   */
  weights: z.object({ scale: finite.positive(), slots: base64, data: base64, shifts: base64.optional() }),
});
export type HeadJson = z.infer<typeof headSchema>;

const labelHeadSchema = z.object({
  /** Output name (`priority`, `team`): the key results carry it under. */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lower-case identifier'),
  classes: z.array(z.string().min(1)).min(2),
  /** Exponent applied to the averaged head probabilities (fitted out of fold) before renormalising. */
  sharpen: finite,
  /** How many training tickets had this label. */
  examples: z.number().int().nonnegative(),
  heads: z.array(headSchema).min(1),
});
export type LabelHeadJson = z.infer<typeof labelHeadSchema>;

const trainingSchema = z
  .object({
    examples: z.number().int().nonnegative(),
    labelCounts: z.record(z.string(), z.number()),
    learner: z.enum(['svm', 'logreg']),
    c: finite,
    minDf: finite,
    seed: finite,
    nbScaling: z.boolean(),
    /** Out-of-fold macro-F1 of the category ensemble, measured while fitting the calibration, if it was run. */
    crossValidatedMacroF1: finite.optional(),
  })
  .loose();
export type TrainingSummary = z.infer<typeof trainingSchema>;

const featureSchema = z.object({
  hashBits: z.number().int().min(10).max(24),
  charMin: z.number().int().min(1).max(8),
  charMax: z.number().int().min(1).max(8),
  bodyCharLimit: finite.nonnegative(),
  leadWords: finite.nonnegative(),
  // Absent in models trained before the limit existed: they read every body word.
  bodyWords: finite.nonnegative().default(Number.MAX_SAFE_INTEGER),
  projectWeight: finite,
  projectGroups: z.array(z.string()),
});

const modelSchema = z.object({
  format: z.literal(MODEL_FORMAT, { error: `not a ticket classifier (format must be "${MODEL_FORMAT}")` }),
  formatVersion: z.literal(MODEL_FORMAT_VERSION, {
    error: (issue) => `unsupported formatVersion ${String(issue.input)} (expected ${MODEL_FORMAT_VERSION})`,
  }),
  /** Content hash of the numbers: recorded with every triage result. */
  version: z.string(),
  categories: z.array(z.string().min(1)).min(2, 'needs at least two categories'),
  /** Categories added by rules on top of the learned ones (see rules.ts). */
  ruleCategories: z.array(z.string()),
  /** Projects (lower-cased) that have project-specific feature copies. */
  projects: z.array(z.string()),
  features: featureSchema,
  sharpen: finite,
  /**
   * Per category, a log-factor added to the category probabilities of a ticket outside the model's projects
   * (a prior shift towards the class mix of the project-less training tickets; absent: none).
   */
  projectlessShift: z.array(finite).optional(),
  training: trainingSchema,
  /**
   * The buckets that have a slot, ascending: as varint deltas (`buckets`, what training writes) or as a bitmap
   * of `2 ** hashBits` bits (`bitmap`, what the binary encoder writes: a cheaper cold start). Exactly one.
   */
  vocabulary: z.object({
    size: z.number().int().nonnegative(),
    buckets: base64.optional(),
    bitmap: base64.optional(),
  }),
  idf: z.object({ step: finite.positive(), data: base64 }),
  heads: z.array(headSchema).min(1, 'at least one head is required'),
  labelHeads: z.array(labelHeadSchema).default([]),
  /** The word-cluster lexicon the model was trained with (absent: no cluster features). */
  wordClusters: z.unknown().optional(),
});
export type TicketModelJson = z.input<typeof modelSchema> & { wordClusters?: WordClustersJson };

export interface Head {
  name: string;
  weight: number;
  temperature: number;
  segmentWeights: Float64Array;
  bias: Float64Array;
  /** Dequantisation factor of this head's int16 weights. */
  scale: number;
  /** Where this head's classes sit in a slot's row of `weights`, and how many there are. */
  offset: number;
  width: number;
}

/** One thing the model predicts: the category, or a label head (priority, team…). */
export interface Output {
  name: string;
  classes: string[];
  /** Indices into `TicketModel.heads`. */
  heads: number[];
  sharpen: number;
}

/** Decoded model: everything needed to score a ticket, in typed arrays. */
export interface TicketModel {
  version: string;
  categories: string[];
  ruleCategories: string[];
  projects: Set<string>;
  features: FeatureConfig;
  training: TrainingSummary;
  /** Log-factors per category for tickets outside `projects` (see the schema), when the model has them. */
  projectlessShift: Float64Array | undefined;
  /** `outputs[0]` is the category; the others are label heads by name. */
  outputs: Output[];
  /** Hash bucket → vocabulary slot. */
  slots: SlotIndex;
  /**
   * Per slot, its IDF as a level: `idf.levels[idf.bytes[slot]]`, a byte per slot as the file stores it (a
   * float per slot would cost a pass over the vocabulary at every cold start).
   */
  idf: { bytes: Uint8Array; levels: Float32Array };
  heads: Head[];
  /** Sum of all heads' widths: the length of the scores row (head h's class k at `h.offset + k`). */
  rowWidth: number;
  /**
   * The quantised weights, one table for the word segments and one for the character n-gram segments
   * (`tables[segmentTable[s]]` serves segment s): see `WeightTable`.
   */
  tables: WeightTable[];
  /** Per segment, the index of its table in `tables`. */
  segmentTable: Int32Array;
  /** Per segment, the heads that read it (the others give it weight 0). */
  activeHeads: Int32Array[];
  /** Per segment, the columns of its table those heads occupy, as [from, to) pairs with adjacent heads merged. */
  activeSpans: Int32Array[];
  /** Scratch space for scoring, sized to the vocabulary (scoring is synchronous, so one per model is enough). */
  vectorizer: SlotVectorizer;
  /** Scratch rows for scoring: per-segment dot products (a table row) and the heads' scores (`rowWidth`). */
  scratch: { acc: Float64Array; scores: Float64Array };
  wordClusters: WordClusters | undefined;
}

/**
 * Quantised weights of the heads that read some segments, one row per vocabulary slot:
 * `weights[slot * stride + offsets[h] + k] * heads[h].scale`. Scoring is bound by memory traffic (one random
 * row per feature, from several megabytes), so a row holds only the heads its segments read (a character
 * n-gram needs 12 of the 34 columns of every head), and rows are 16, 32 or 64 bytes on 64-byte aligned
 * storage: every feature reads exactly one cache line. The head shared by both kinds of segment is stored in
 * both tables.
 */
export interface WeightTable {
  weights: Int16Array;
  /** Row length in columns (a power of two from 8, or a multiple of 32). */
  stride: number;
  /** Per head (index into `TicketModel.heads`), the first column of its classes in a row, -1 when absent. */
  offsets: Int32Array;
}

export interface RawHead {
  name: string;
  groupWeights: Record<Group, number>;
  weight: number;
  temperature: number;
  bias: ArrayLike<number>;
  /** Slot-major weights over the whole vocabulary (`weights[slot * classes + k]`). */
  weights: ArrayLike<number>;
}

export interface RawLabelHead {
  name: string;
  classes: string[];
  sharpen: number;
  examples: number;
  heads: RawHead[];
}

export interface RawModel {
  categories: string[];
  ruleCategories: string[];
  projects: string[];
  features: FeatureConfig;
  sharpen: number;
  projectlessShift?: ArrayLike<number> | undefined;
  training: TrainingSummary;
  /** Bucket of each vocabulary slot, ascending. */
  buckets: Uint32Array;
  idf: ArrayLike<number>;
  heads: RawHead[];
  labelHeads: RawLabelHead[];
  wordClusters?: WordClustersJson | undefined;
}

const IDF_STEP = 16;

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function encodeHead(head: RawHead, n: number, K: number): HeadJson {
  let maxAbs = 0;
  for (let i = 0; i < n * K; i++) maxAbs = Math.max(maxAbs, Math.abs(head.weights[i] ?? 0));
  const scale = maxAbs > 0 ? maxAbs / 32767 : 1;
  const slots: number[] = [];
  const shifts: number[] = [];
  const data: number[] = [];
  for (let s = 0; s < n; s++) {
    const q = Array.from({ length: K }, (_, k) => Math.round((head.weights[s * K + k] ?? 0) / scale));
    const largest = Math.max(...q.map(Math.abs));
    let shift = 0;
    while (shift < 8 && Math.round(largest / 2 ** shift) > 127) shift++;
    const q8 = q.map((v) => Math.max(-127, Math.min(127, Math.round(v / 2 ** shift))));
    if (q8.every((v) => v === 0)) continue;
    slots.push(s);
    shifts.push(shift);
    data.push(...q8);
  }
  return {
    name: head.name,
    groupWeights: head.groupWeights,
    weight: head.weight,
    temperature: round6(head.temperature),
    bias: Array.from(head.bias, round6),
    weights: {
      scale,
      slots: b64(varintDeltas(slots)),
      data: b64(Int8Array.from(data)),
      shifts: b64(Uint8Array.from(shifts)),
    },
  };
}

export function encodeModel(raw: RawModel): TicketModelJson {
  const n = raw.buckets.length;
  for (let i = 1; i < n; i++) {
    if ((raw.buckets[i] ?? 0) <= (raw.buckets[i - 1] ?? 0)) throw new Error('internal: buckets must ascend');
  }
  const idf = new Uint8Array(n);
  for (let i = 0; i < n; i++)
    idf[i] = Math.max(0, Math.min(255, Math.round(((raw.idf[i] ?? 1) - 1) * IDF_STEP)));
  const body = {
    categories: raw.categories,
    ruleCategories: raw.ruleCategories,
    projects: raw.projects,
    features: raw.features,
    sharpen: round6(raw.sharpen),
    ...(raw.projectlessShift === undefined
      ? {}
      : { projectlessShift: Array.from(raw.projectlessShift, round6) }),
    training: raw.training,
    vocabulary: { size: n, buckets: b64(varintDeltas(raw.buckets)) },
    idf: { step: IDF_STEP, data: b64(idf) },
    heads: raw.heads.map((head) => encodeHead(head, n, raw.categories.length)),
    ...(raw.labelHeads.length === 0
      ? {}
      : {
          labelHeads: raw.labelHeads.map((label) => ({
            name: label.name,
            classes: label.classes,
            sharpen: round6(label.sharpen),
            examples: label.examples,
            heads: label.heads.map((head) => encodeHead(head, n, label.classes.length)),
          })),
        }),
    ...(raw.wordClusters === undefined ? {} : { wordClusters: raw.wordClusters }),
  };
  const version = `tickets-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)}`;
  return { format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, version, ...body };
}

const invalid = (message: string) => new ValidationError('model', message);

function decodeVarints(bytes: Uint8Array, count: number, name: string, max: number): Int32Array {
  return readVarintDeltas(bytes, new Int32Array(count), max, (problem) => invalid(`${name} ${problem}`));
}

/** The first problem zod found, as `path: message` (the path says where in the file). */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid model';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return path === '' ? issue.message : `${path.replace(/^\./, '')}: ${issue.message}`;
}

interface PlannedHead {
  json: HeadJson;
  at: string;
  offset: number;
  width: number;
}

/** Lays every head of every output side by side in one row per slot. */
function planHeads(parsed: z.output<typeof modelSchema>): { planned: PlannedHead[]; outputs: Output[] } {
  const planned: PlannedHead[] = [];
  const outputs: Output[] = [];
  const add = (name: string, classes: string[], sharpen: number, heads: HeadJson[], at: string) => {
    const indices = heads.map((json, i) => {
      const offset = planned.reduce((sum, p) => sum + p.width, 0);
      planned.push({ json, at: `${at}[${i}]`, offset, width: classes.length });
      return planned.length - 1;
    });
    outputs.push({ name, classes, heads: indices, sharpen });
  };
  add(CATEGORY_OUTPUT, parsed.categories, parsed.sharpen, parsed.heads, 'heads');
  parsed.labelHeads.forEach((label, i) => {
    if (label.name === CATEGORY_OUTPUT || outputs.some((o) => o.name === label.name))
      throw invalid(`labelHeads[${i}].name "${label.name}" is used twice`);
    add(label.name, label.classes, label.sharpen, label.heads, `labelHeads[${i}].heads`);
  });
  return { planned, outputs };
}

/**
 * Validates and decodes a parsed model JSON (or a binary model's header, with `bytesOf` resolving its section
 * references). Any defect is a `ValidationError` on `model`, never a crash later. `webAssembly: false` decodes
 * with the JavaScript loops only, as without WebAssembly (for the tests: both must give the same model).
 */
export function decodeModel(
  value: unknown,
  bytesOf: PayloadBytes = base64Bytes,
  options: { webAssembly?: boolean } = {},
): TicketModel {
  const result = modelSchema.safeParse(value, { jitless: true });
  if (!result.success) throw invalid(describeIssue(result.error));
  const parsed = result.data;
  if (parsed.projectlessShift !== undefined && parsed.projectlessShift.length !== parsed.categories.length)
    throw invalid(
      `projectlessShift: expected ${parsed.categories.length} values (one per category), got ${parsed.projectlessShift.length}`,
    );
  const features: FeatureConfig = {
    ...DEFAULT_FEATURE_CONFIG,
    ...parsed.features,
    projectGroups: parsed.features.projectGroups.filter((g): g is Group =>
      (GROUPS as readonly string[]).includes(g),
    ),
  };
  if (features.charMax < features.charMin) throw invalid('features.charMin/charMax out of range');
  const size = parsed.vocabulary.size;
  const tableSize = 2 ** features.hashBits;
  if (size > tableSize) throw invalid('vocabulary.size out of range');
  const idfBytes = bytesOf(parsed.idf.data, 'idf.data');
  if (idfBytes.length !== size) throw invalid('idf does not match the vocabulary');

  const { planned, outputs } = planHeads(parsed);
  const rowWidth = planned.reduce((sum, p) => sum + p.width, 0);
  const segmentWeightsOf = planned.map((p) => segmentWeights(p.json.groupWeights, features));
  const activeHeads = Array.from({ length: SEGMENTS }, (_, s) =>
    Int32Array.from(segmentWeightsOf.flatMap((weights, h) => ((weights[s] ?? 0) !== 0 ? [h] : []))),
  );
  const segmentTable = Int32Array.from({ length: SEGMENTS }, (_, s) => (isWordSegment(s) ? 0 : 1));
  const layouts = [0, 1].map((t) =>
    tableLayout(
      planned.map((p) => p.width),
      activeHeads.filter((_, s) => segmentTable[s] === t),
    ),
  );
  const lengths = layouts.map((layout) => size * layout.stride);
  // Everything the load puts in the arena, planned from the header (it cannot grow; see LoadArena.create): the
  // slot index, the bitmap, the tables, then either one head's inputs (a sound head has at most one slot per
  // vocabulary entry, each slot at most 5 varint bytes, K weights and a shift) or, once the heads have released
  // theirs, the word-cluster lexicon.
  const words = Math.max(1, tableSize / 32);
  const widest = Math.max(0, ...planned.map((p) => p.width));
  const arena =
    options.webAssembly === false
      ? undefined
      : LoadArena.create(
          words * 12 +
            lengths.reduce((sum, length) => sum + 2 * length, 0) +
            Math.max(size * (widest + 6), lexiconArenaBytes(parsed.wordClusters)) +
            64 * 16,
        );
  const slots = decodeVocabulary(parsed.vocabulary, features.hashBits, bytesOf, arena);
  const idf = { bytes: new Uint8Array(idfBytes), levels: idfLevels(parsed.idf.step) };
  const tableAt = arena === undefined ? undefined : lengths.map((length) => arena.alloc(2 * length));
  const storage =
    arena === undefined || tableAt === undefined
      ? alignedInt16(lengths)
      : lengths.map((length, t) => arena.int16(tableAt[t] ?? 0, length));
  const tables: WeightTable[] = layouts.map((layout, t) => ({
    weights: storage[t] ?? new Int16Array(0),
    stride: layout.stride,
    offsets: layout.offsets,
  }));
  const heads = planned.map((p, h) =>
    decodeHead(
      p,
      h,
      size,
      tables,
      segmentWeightsOf[h] ?? new Float64Array(SEGMENTS),
      bytesOf,
      arena === undefined || tableAt === undefined ? undefined : { arena, tableAt },
    ),
  );
  const wordClusters =
    parsed.wordClusters === undefined
      ? undefined
      : WordClusters.decode(parsed.wordClusters, 'model', bytesOf, arena);
  return {
    version: parsed.version,
    categories: parsed.categories,
    ruleCategories: parsed.ruleCategories,
    projects: new Set(parsed.projects.map((p) => p.toLowerCase())),
    features,
    training: parsed.training,
    projectlessShift:
      parsed.projectlessShift === undefined ? undefined : Float64Array.from(parsed.projectlessShift),
    outputs,
    slots,
    idf,
    heads,
    rowWidth,
    tables,
    segmentTable,
    activeHeads,
    activeSpans: activeHeads.map((active, s) =>
      columnSpans(active, heads, tables[segmentTable[s] ?? 0]?.offsets ?? new Int32Array(0)),
    ),
    vectorizer: new SlotVectorizer(features, slots, {
      bytes: idf.bytes,
      step: parsed.idf.step,
    }),
    scratch: {
      acc: new Float64Array(Math.max(...tables.map((table) => table.stride))),
      scores: new Float64Array(rowWidth),
    },
    wordClusters,
  };
}

/**
 * The vocabulary's slot index from whichever form the file stores (see the schema). A bitmap goes through the
 * arena's WebAssembly loop when there is one; the JavaScript one (the same table) runs without it, or to name a
 * defect.
 */
function decodeVocabulary(
  vocabulary: { size: number; buckets?: string | undefined; bitmap?: string | undefined },
  hashBits: number,
  bytesOf: PayloadBytes,
  arena: LoadArena | undefined,
): SlotIndex {
  const { size, buckets, bitmap } = vocabulary;
  if ((buckets === undefined) === (bitmap === undefined))
    throw invalid('vocabulary: needs exactly one of buckets and bitmap');
  const bytes = bytesOf(bitmap ?? buckets ?? '', `vocabulary.${bitmap === undefined ? 'buckets' : 'bitmap'}`);
  const words = Math.max(1, 2 ** hashBits / 32);
  if (
    arena !== undefined &&
    bitmap !== undefined &&
    bytes.length === words * 4 &&
    arena.fits(words * 12, 2)
  ) {
    const at = arena.alloc(words * 8);
    const mark = arena.mark();
    const set = arena.run.bitmap(arena.copyIn(bytes), words, at);
    arena.release(mark);
    if (set === size) return SlotIndex.fromTable(arena.int32(at, words * 2), size);
  }
  const slots =
    bitmap === undefined
      ? SlotIndex.decode(bytes, size, hashBits)
      : SlotIndex.fromBitmap(bytes, size, hashBits);
  if (typeof slots === 'string')
    throw invalid(`vocabulary.${bitmap === undefined ? 'buckets' : 'bitmap'} ${slots}`);
  return slots;
}

/** The IDF of each level: `1 + level / step` as a float32 (the value the trainer rounded to that byte). */
function idfLevels(step: number): Float32Array {
  const levels = new Float32Array(256);
  for (let level = 0; level < 256; level++) levels[level] = 1 + level / step;
  return levels;
}

/**
 * The columns of a weight table serving some segments (`active`: per segment, the heads that read it): the
 * heads read by most of them first, so that each segment's columns form few runs; rows padded to 16, 32 or a
 * multiple of 64 bytes so that, on aligned storage, no row straddles a cache line.
 */
function tableLayout(
  widths: readonly number[],
  active: readonly Int32Array[],
): { stride: number; offsets: Int32Array } {
  const readers = widths.map((_, h) => active.filter((heads) => heads.includes(h)).length);
  const order = widths.map((_, h) => h).filter((h) => (readers[h] ?? 0) > 0);
  order.sort((a, b) => (readers[b] ?? 0) - (readers[a] ?? 0) || a - b);
  const offsets = new Int32Array(widths.length).fill(-1);
  let columns = 0;
  for (const h of order) {
    offsets[h] = columns;
    columns += widths[h] ?? 0;
  }
  const stride = columns === 0 ? 0 : columns <= 8 ? 8 : columns <= 16 ? 16 : Math.ceil(columns / 32) * 32;
  return { stride, offsets };
}

/**
 * Zeroed int16 arrays of the given lengths, each starting on a 64-byte boundary. An ArrayBuffer's address is
 * not observable (malloc gives 16-byte alignment), a WebAssembly memory's is page-aligned. Without
 * WebAssembly (`--jitless`) plain arrays do: the same numbers, only rows may straddle cache lines.
 */
function alignedInt16(lengths: readonly number[]): Int16Array[] {
  const starts: number[] = [];
  let bytes = 0;
  for (const length of lengths) {
    starts.push(bytes);
    bytes += Math.ceil((length * 2) / 64) * 64;
  }
  const PAGE = 65_536;
  const buffer =
    typeof WebAssembly === 'object' && typeof WebAssembly.Memory === 'function'
      ? new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) }).buffer
      : new ArrayBuffer(bytes);
  return lengths.map((length, i) => new Int16Array(buffer, starts[i] ?? 0, length));
}

/** The [from, to) column ranges of the given heads in a table's row, adjacent ranges merged. */
function columnSpans(active: Int32Array, heads: readonly Head[], offsets: Int32Array): Int32Array {
  const spans: number[] = [];
  const ordered = Array.from(active)
    .filter((h) => (offsets[h] ?? -1) >= 0)
    .sort((a, b) => (offsets[a] ?? 0) - (offsets[b] ?? 0));
  for (const h of ordered) {
    const head = heads[h];
    if (head === undefined) continue;
    const from = offsets[h] ?? 0;
    const last = spans.length - 1;
    if (last > 0 && spans[last] === from) spans[last] = from + head.width;
    else spans.push(from, from + head.width);
  }
  return Int32Array.from(spans);
}

/** The arena the tables live in, and their addresses there. */
interface ArenaTables {
  arena: LoadArena;
  tableAt: readonly number[];
}

/** Checks one head's numbers against the vocabulary and writes its weights into the tables that hold it. */
function decodeHead(
  plan: PlannedHead,
  index: number,
  size: number,
  tables: readonly WeightTable[],
  segmentWeights: Float64Array,
  bytesOf: PayloadBytes,
  inArena: ArenaTables | undefined,
): Head {
  const { json: h, at, offset, width: K } = plan;
  if (h.bias.length !== K) throw invalid(`${at}.bias must have one number per class`);
  const data = bytesOf(h.weights.data, `${at}.weights.data`);
  const shifts =
    h.weights.shifts === undefined ? undefined : bytesOf(h.weights.shifts, `${at}.weights.shifts`);
  const bytesPerWeight = shifts === undefined ? 2 : 1;
  if (data.length % (bytesPerWeight * K) !== 0) throw invalid(`${at}.weights.data has a wrong length`);
  const count = data.length / (bytesPerWeight * K);
  if (shifts !== undefined && shifts.length !== count)
    throw invalid(`${at}.weights.shifts must hold one shift (0–8) per slot`);
  const slotBytes = bytesOf(h.weights.slots, `${at}.weights.slots`);
  const head: Head = {
    name: h.name,
    weight: h.weight,
    temperature: h.temperature,
    segmentWeights,
    bias: Float64Array.from(h.bias),
    scale: h.weights.scale,
    offset,
    width: K,
  };
  const holding = tables.flatMap((table, t) => ((table.offsets[index] ?? -1) >= 0 ? [t] : []));
  const [first, second] = holding;
  if (
    inArena !== undefined &&
    shifts !== undefined &&
    first !== undefined &&
    inArena.arena.fits(slotBytes.length + data.length + shifts.length, 3)
  ) {
    // One WebAssembly pass: slots decoded, shifts checked, weights written. Any defect: the JavaScript path
    // below redoes the head and names it.
    const { arena, tableAt } = inArena;
    const column = (t: number) => (tableAt[t] ?? 0) + 2 * (tables[t]?.offsets[index] ?? 0);
    const mark = arena.mark();
    const slotsAt = arena.copyIn(slotBytes);
    const read = arena.run.scatter(
      slotsAt,
      slotsAt + slotBytes.length,
      arena.copyIn(data),
      arena.copyIn(shifts),
      count,
      K,
      size,
      column(first),
      2 * (tables[first]?.stride ?? 0),
      second === undefined ? -1 : column(second),
      second === undefined ? 0 : 2 * (tables[second]?.stride ?? 0),
    );
    arena.release(mark);
    if (read === slotBytes.length) return head;
  }
  const firstTable = first === undefined ? undefined : tables[first];
  const secondTable = second === undefined ? undefined : tables[second];
  const slots = decodeVarints(slotBytes, count, `${at}.weights.slots`, size);
  if (shifts === undefined) {
    if (firstTable !== undefined) {
      const values = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
      scatter(firstTable, secondTable, index, slots, values, K);
    }
  } else {
    // Checked even when no segment reads this head: the file must still be sound.
    if (largestShift(shifts) > 8) throw invalid(`${at}.weights.shifts must hold one shift (0–8) per slot`);
    if (firstTable !== undefined)
      scatterInt8(
        slots,
        new Int8Array(data.buffer, data.byteOffset, data.length),
        shifts,
        K,
        firstTable.weights,
        firstTable.stride,
        firstTable.offsets[index] ?? 0,
        secondTable?.weights ?? firstTable.weights,
        secondTable === undefined ? -1 : secondTable.stride,
        secondTable?.offsets[index] ?? 0,
      );
  }
  return head;
}

/** The largest byte (a plain loop: it runs once per head at the cold start). */
function largestShift(shifts: Uint8Array): number {
  let largest = 0;
  for (let j = 0; j < shifts.length; j++) largest = Math.max(largest, shifts[j] as number);
  return largest;
}

/**
 * The usual case of `scatter`: int8 weights, each slot's shifted left by its shift, written into one or two
 * tables with plain locals (the cold start runs it mostly before it is optimised, so few operations per
 * weight). `copyStride` -1: no second table.
 */
function scatterInt8(
  slots: Int32Array,
  values: Int8Array,
  shifts: Uint8Array,
  K: number,
  w: Int16Array,
  stride: number,
  column: number,
  copy: Int16Array,
  copyStride: number,
  copyColumn: number,
): void {
  let v = 0;
  for (let j = 0; j < slots.length; j++) {
    const slot = slots[j] as number;
    const shift = shifts[j] as number;
    const base = slot * stride + column;
    for (let k = 0; k < K; k++) w[base + k] = (values[v + k] as number) << shift;
    if (copyStride >= 0) {
      const to = slot * copyStride + copyColumn;
      for (let k = 0; k < K; k++) copy[to + k] = (values[v + k] as number) << shift;
    }
    v += K;
  }
}

/**
 * Writes head `h`'s rows (K int16 weights per listed slot: the format before int8 weights with shifts) into its
 * columns of the one or two tables that hold it, in one pass. The int8 format goes through `scatterInt8`.
 */
function scatter(
  first: WeightTable,
  second: WeightTable | undefined,
  h: number,
  slots: Int32Array,
  values: Int16Array,
  K: number,
): void {
  const w = first.weights;
  const stride = first.stride;
  const column = first.offsets[h] ?? 0;
  const copy = second?.weights;
  const copyStride = second?.stride ?? 0;
  const copyColumn = second?.offsets[h] ?? 0;
  for (let j = 0; j < slots.length; j++) {
    const slot = slots[j] ?? 0;
    const base = slot * stride + column;
    for (let k = 0; k < K; k++) w[base + k] = values[j * K + k] ?? 0;
    if (copy === undefined) continue;
    const to = slot * copyStride + copyColumn;
    for (let k = 0; k < K; k++) copy[to + k] = w[base + k] ?? 0;
  }
}

/**
 * Loads a model from a parsed JSON object or from a file path: a binary model (`*.model.bin`, see binary.ts)
 * or a JSON one. A `.bin` path must hold a binary model, so a wrong file says so rather than "not valid JSON".
 */
export function loadModel(source: string | object): TicketModel {
  if (typeof source !== 'string') return decodeModel(source);
  let bytes: Buffer;
  try {
    bytes = readFileSync(source);
  } catch (error: unknown) {
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
    throw invalid(`cannot read model file ${source} (${code})`);
  }
  if (isBinaryModel(bytes) || source.endsWith('.bin')) {
    const binary = readBinaryModel(bytes, source);
    const model = decodeModel(binary.header, binary.bytes);
    binary.finish();
    return model;
  }
  // JSON models are ASCII (numbers are base64): an ASCII file becomes a string by a plain copy, half the time
  // of `toString('utf8')` on a 4 MB model; anything else is decoded as UTF-8.
  const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
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
  /** Calibrated probabilities of every label head, by output name, over its classes. */
  labels: Map<string, Float64Array>;
  /**
   * The word features that most favour class `k` over class `r` of an output (indices into its classes; `r`
   * -1 for none), strongest first, as [feature name (`t:crash`, `tk0:froze`), margin]. Call it before scoring
   * another ticket: it reads the model's scratch buffers.
   */
  margins: (output: string, k: number, r: number, max: number) => Iterable<[string, number]>;
  /**
   * How many distinct title, body and lead features (words, bigrams, their clusters) the model knows. Zero
   * means the answer is the model's prior, whatever the text says ("asdf", "hi", "."): nothing to go on.
   */
  knownWords: number;
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

/** Multiplies each probability by `exp(shift[k])` and renormalises, in place. */
function shiftPrior(probabilities: Float64Array, shift: Float64Array): void {
  let z = 0;
  for (let k = 0; k < probabilities.length; k++) {
    const v = (probabilities[k] ?? 0) * Math.exp(shift[k] ?? 0);
    probabilities[k] = v;
    z += v;
  }
  if (z > 0) for (let k = 0; k < probabilities.length; k++) probabilities[k] = (probabilities[k] ?? 0) / z;
}

/**
 * Every head's raw scores, side by side as in a weight row (head h's class k at `h.offset + k`), in the
 * model's reused scratch array: bias plus, per segment, the segment weight times the features' dot product.
 */
function linearScores(model: TicketModel, x: InferenceVector): Float64Array {
  const { scores, acc } = model.scratch;
  for (const head of model.heads)
    for (let k = 0; k < head.width; k++) scores[head.offset + k] = head.bias[k] ?? 0;
  for (let s = 0; s < SEGMENTS; s++) {
    const start = x.starts[s] ?? 0;
    const end = x.starts[s + 1] ?? 0;
    const active = model.activeHeads[s];
    const spans = model.activeSpans[s];
    const table = model.tables[model.segmentTable[s] ?? 0];
    if (
      start === end ||
      active === undefined ||
      active.length === 0 ||
      spans === undefined ||
      table === undefined
    )
      continue;
    const R = table.stride;
    const w = table.weights;
    for (let p = 0; p < spans.length; p += 2)
      dotColumns(w, R, x, start, end, spans[p] ?? 0, spans[p + 1] ?? 0, acc);
    for (let a = 0; a < active.length; a++) {
      const h = active[a] ?? 0;
      const head = model.heads[h];
      if (head === undefined) continue;
      const sw = (head.segmentWeights[s] ?? 0) * head.scale;
      const column = (table.offsets[h] ?? 0) - head.offset;
      for (let k = head.offset; k < head.offset + head.width; k++)
        scores[k] = (scores[k] ?? 0) + sw * (acc[k + column] ?? 0);
    }
  }
  return scores;
}

/**
 * The hot loop: `acc[j] = Σ_e w[index[e] * R + j] * value[e]` for the columns `from..to` of a segment's entries
 * `start..end`, four columns per pass over the entries. Column by column (rather than entry by entry) each sum
 * lives in a register instead of making a round trip through `acc` per feature (2.4× faster), and it adds the
 * same products in the same order, so every bit of the sum is the same. The rows a pass reads stay in the
 * first-level cache for the next pass.
 */
function dotColumns(
  w: Int16Array,
  R: number,
  x: InferenceVector,
  start: number,
  end: number,
  from: number,
  to: number,
  acc: Float64Array,
): void {
  const { index, value } = x;
  let j = from;
  for (; j + 3 < to; j += 4) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let e = start; e < end; e++) {
      const row = (index[e] ?? 0) * R + j;
      const v = value[e] ?? 0;
      a0 += (w[row] ?? 0) * v;
      a1 += (w[row + 1] ?? 0) * v;
      a2 += (w[row + 2] ?? 0) * v;
      a3 += (w[row + 3] ?? 0) * v;
    }
    acc[j] = a0;
    acc[j + 1] = a1;
    acc[j + 2] = a2;
    acc[j + 3] = a3;
  }
  if (j + 1 < to) {
    let a0 = 0;
    let a1 = 0;
    for (let e = start; e < end; e++) {
      const row = (index[e] ?? 0) * R + j;
      const v = value[e] ?? 0;
      a0 += (w[row] ?? 0) * v;
      a1 += (w[row + 1] ?? 0) * v;
    }
    acc[j] = a0;
    acc[j + 1] = a1;
    j += 2;
  }
  if (j < to) {
    let a = 0;
    for (let e = start; e < end; e++) a += (w[(index[e] ?? 0) * R + j] ?? 0) * (value[e] ?? 0);
    acc[j] = a;
  }
}

/** The project's feature copies to use: the project when the model knows it, else none (shared features). */
function domainOf(model: TicketModel, project: string | undefined): string | undefined {
  const normalised = project?.trim().toLowerCase();
  return normalised !== undefined && model.projects.has(normalised) ? normalised : undefined;
}

export function scoreTicket(model: TicketModel, doc: ParsedTicket, project: string | undefined): ModelScores {
  const x = model.vectorizer.vectorize(
    extractFeatures(doc, model.features, model.wordClusters),
    domainOf(model, project),
  );
  const scores = linearScores(model, x);
  const probabilitiesOf = (output: Output) => {
    const heads = output.heads.flatMap((h) => model.heads[h] ?? []);
    return combineHeads(
      heads,
      heads.map((head) => scores.subarray(head.offset, head.offset + head.width)),
      output.sharpen,
      output.classes.length,
    );
  };
  const [category, ...labelOutputs] = model.outputs;
  const probabilities = category === undefined ? new Float64Array(0) : probabilitiesOf(category);
  if (model.projectlessShift !== undefined && domainOf(model, project) === undefined)
    shiftPrior(probabilities, model.projectlessShift);
  const labels = new Map(labelOutputs.map((o) => [o.name, probabilitiesOf(o)]));
  const margins = (outputName: string, k: number, r: number, max: number): Iterable<[string, number]> => {
    const output = model.outputs.find((o) => o.name === outputName);
    if (output === undefined || k < 0) return [];
    const count = topMargins(model, x, output, k, r, max);
    // Plain arrays: a typed-array copy of more than 64 bytes would get a separately allocated buffer.
    const origins: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      origins.push(mergedOrigins[i] ?? 0);
      values.push(mergedValues[i] ?? 0);
    }
    return new NamedMargins(doc, origins, values);
  };
  // Shared segments 0–2 are title, body and lead (features.ts GROUPS); structure flags are always present.
  const knownWords = (x.starts[3] ?? 0) - (x.starts[0] ?? 0);
  return { probabilities, labels, margins, knownWords };
}

/**
 * The strongest features, named as the reader asks: the rationale usually stops after three or four of them.
 * A class rather than a generator expression in `scoreTicket`: with one, every call's garbage (the parsed
 * ticket included) survived young-generation collections and was copied to the old generation (about 1 MB per
 * scavenge, which made each scavenge take 4–8 ms instead of under 1 ms; `--trace-gc-nvp`).
 */
class NamedMargins implements Iterable<[string, number]> {
  constructor(
    private readonly doc: ParsedTicket,
    private readonly origins: readonly number[],
    private readonly values: readonly number[],
  ) {}

  *[Symbol.iterator](): Iterator<[string, number]> {
    for (let i = 0; i < this.origins.length; i++)
      yield [featureName(this.doc, this.origins[i] ?? 0), this.values[i] ?? 0];
  }
}

/** Scratch for `topMargins`: per head reading a segment, its factor and its first column. */
let marginFactors = new Float64Array(8);
let marginColumns = new Int32Array(8);
/** Scratch for `topMargins`: the strongest entries so far, kept sorted (no objects per feature). */
const topRaws = new Uint32Array(64);
const topOrigins = new Int32Array(64);
const topValues = new Float64Array(64);
/** `topMargins`' answer: entries with one raw hash merged, strongest first. */
const mergedRaws = new Uint32Array(64);
const mergedOrigins = new Int32Array(64);
const mergedValues = new Float64Array(64);

/**
 * Attribution: each word feature's share of the output's temperature-scaled score margin between classes k
 * and r, weighted like the heads. Writes up to `max` origin codes and margins, strongest first, to
 * `mergedOrigins` and `mergedValues`, and returns how many.
 */
function topMargins(
  model: TicketModel,
  x: InferenceVector,
  output: Output,
  k: number,
  r: number,
  max: number,
): number {
  let totalWeight = 0;
  for (const h of output.heads) totalWeight += model.heads[h]?.weight ?? 0;
  // Keep the strongest few entries in a small sorted list instead of sorting every feature.
  const keep = Math.min(max * 2, topRaws.length);
  let kept = 0;
  for (let s = 0; s < SEGMENTS; s++) {
    const table = model.tables[model.segmentTable[s] ?? 0];
    if (!isWordSegment(s) || table === undefined) continue;
    const R = table.stride;
    const w = table.weights;
    // Per head reading the segment, its factor up to the feature's value (the same left-to-right product
    // as `sw * scale * temperature * weight * v`, so the same bits) and its columns: once per segment.
    let reading = 0;
    if (marginFactors.length < output.heads.length) {
      marginFactors = new Float64Array(output.heads.length);
      marginColumns = new Int32Array(output.heads.length);
    }
    for (const h of output.heads) {
      const head = model.heads[h];
      const sw = head?.segmentWeights[s] ?? 0;
      if (head === undefined || sw === 0) continue;
      marginFactors[reading] = sw * head.scale * head.temperature * head.weight;
      marginColumns[reading++] = table.offsets[h] ?? 0;
    }
    for (let e = x.starts[s] ?? 0; e < (x.starts[s + 1] ?? 0); e++) {
      const row = (x.index[e] ?? 0) * R;
      const v = x.value[e] ?? 0;
      let margin = 0;
      for (let a = 0; a < reading; a++) {
        const f = ((marginFactors[a] ?? 0) * v) / totalWeight;
        const base = row + (marginColumns[a] ?? 0);
        margin += ((w[base + k] ?? 0) - (r >= 0 ? (w[base + r] ?? 0) : 0)) * f;
      }
      if (margin <= 0 || (kept === keep && margin <= (topValues[keep - 1] ?? 0))) continue;
      let at = kept < keep ? kept++ : keep - 1;
      for (; at > 0 && (topValues[at - 1] ?? 0) < margin; at--) {
        topValues[at] = topValues[at - 1] ?? 0;
        topRaws[at] = topRaws[at - 1] ?? 0;
        topOrigins[at] = topOrigins[at - 1] ?? 0;
      }
      topValues[at] = margin;
      topRaws[at] = x.raws[e] ?? 0;
      topOrigins[at] = x.origins[e] ?? 0;
    }
  }
  // Shared and project-specific copies of one feature have the same raw hash: their margins add up.
  let count = 0;
  for (let i = 0; i < kept; i++) {
    const raw = topRaws[i] ?? 0;
    let same = 0;
    while (same < count && mergedRaws[same] !== raw) same++;
    if (same < count) mergedValues[same] = (mergedValues[same] ?? 0) + (topValues[i] ?? 0);
    else {
      mergedRaws[count] = raw;
      mergedOrigins[count] = topOrigins[i] ?? 0;
      mergedValues[count] = topValues[i] ?? 0;
      count++;
    }
  }
  // Strongest first; a stable insertion sort keeps equal margins in order, as Array.prototype.sort did.
  for (let i = 1; i < count; i++) {
    const raw = mergedRaws[i] ?? 0;
    const origin = mergedOrigins[i] ?? 0;
    const value = mergedValues[i] ?? 0;
    let at = i;
    for (; at > 0 && (mergedValues[at - 1] ?? 0) < value; at--) {
      mergedRaws[at] = mergedRaws[at - 1] ?? 0;
      mergedOrigins[at] = mergedOrigins[at - 1] ?? 0;
      mergedValues[at] = mergedValues[at - 1] ?? 0;
    }
    mergedRaws[at] = raw;
    mergedOrigins[at] = origin;
    mergedValues[at] = value;
  }
  return Math.min(count, max);
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
