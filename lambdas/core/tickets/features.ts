/**
 * Hashed, namespaced bag-of-features for a parsed ticket.
 *
 * Features are hashed (FNV-1a) so that the model never needs a string vocabulary: the artifact stays small and
 * loading is a couple of typed-array decodes. Each feature family is a *group* (title words, body words, the
 * opening words, template structure, title and body character n-grams) that is TF-IDF weighted and
 * L2-normalised on its own, so that a long body cannot drown the title; each model head then scales the
 * groups with its own weights. With a project, word groups also get project-specific copies.
 *
 * Extraction yields raw 32-bit hashes per group; training counts them in maps (it needs document
 * frequencies), inference counts them straight into model slots in a reusable typed array (it only needs the
 * features the model knows). Both produce the same vector.
 */
import { decodeVarintDeltas, varintProblem } from './codec.ts';
import { FNV_OFFSET, FNV_PRIME, fnv, mix } from './hash.ts';
import type { ParsedTicket } from './text.ts';
import type { WordClusters } from './word-clusters.ts';

export const GROUPS = ['title', 'body', 'lead', 'structure', 'titleChars', 'bodyChars'] as const;
export type Group = (typeof GROUPS)[number];
/** Groups made of words (nameable in a rationale); the others are character n-grams. */
const WORD_GROUPS = 4;

export interface FeatureConfig {
  hashBits: number;
  /** Character n-gram lengths, inclusive. */
  charMin: number;
  charMax: number;
  /** Only this many characters of body prose feed character n-grams (cost is linear in it). */
  bodyCharLimit: number;
  /** The first this-many body words also form the `lead` group: the opening sentence states the intent. */
  leadWords: number;
  /** Only this many body prose words feed word features: bounds latency on very long reports. */
  bodyWords: number;
  /**
   * With a project given, every feature also gets a project-specific copy ("frustratingly easy" domain
   * adaptation, Daumé 2007), normalised on its own and scaled by this weight; 0 turns copies off.
   */
  projectWeight: number;
  /** Groups that get project-specific copies (character groups are the costly ones to copy). */
  projectGroups: Group[];
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  hashBits: 20,
  charMin: 3,
  charMax: 4,
  bodyCharLimit: 1000,
  leadWords: 30,
  bodyWords: 400,
  projectWeight: 1,
  projectGroups: ['title', 'body', 'lead', 'structure'],
};

export function projectSeed(project: string): number {
  return fnv(FNV_OFFSET, `project:${project.trim().toLowerCase()}`);
}

/**
 * Raw feature hashes of one ticket: group g is `hashes[starts[g]..starts[g+1])`. The arrays are views into a
 * buffer reused by the next extraction (scoring is synchronous and consumes them at once), which keeps
 * long tickets from churning the garbage collector.
 */
export interface Extracted {
  hashes: Uint32Array;
  starts: Int32Array;
  /** Per word feature (the first `starts[4]` entries), where it came from: see `featureName`. */
  origins: Int32Array;
}

let buffer = new Uint32Array(16_384);
/** Per word feature, where it came from (`originCode`): enough to name it later without building strings now. */
let originBuffer = new Int32Array(16_384);
const bufferStarts = new Int32Array(GROUPS.length + 1);

const SPACE_STEP = (h: number) => Math.imul(h ^ 0x20, FNV_PRIME) >>> 0;
const nsSeeds = new Map<string, number>();
function nsSeed(ns: string): number {
  let seed = nsSeeds.get(ns);
  if (seed === undefined) {
    seed = fnv(FNV_OFFSET, `${ns}:`);
    nsSeeds.set(ns, seed);
  }
  return seed;
}

/**
 * Word-feature namespaces by id (an origin code holds the id); cluster namespaces (`tk0`, `bk0`, `tk1`…)
 * follow. Each names the list of the parsed ticket its words come from.
 */
const WORD_NS = ['t', 't2', 'tstart', 'tstart2', 'b', 'b2', 'l', 'l2', 'h', 'f', 'c', 'x'] as const;
const NS_LIST: Record<string, 'title' | 'body' | 'headings' | 'fields' | 'comments' | 'flags'> = {
  t: 'title',
  tstart: 'title',
  tk: 'title',
  b: 'body',
  l: 'body',
  bk: 'body',
  h: 'headings',
  f: 'fields',
  c: 'comments',
  x: 'flags',
};
const wordSeeds = Float64Array.from(WORD_NS, (ns) => nsSeed(ns));
/** A feature's origin: its namespace id and the position of its (first) word in that namespace's list. */
const POSITION_BITS = 2 ** 21;
const originCode = (nsId: number, position: number) => nsId * POSITION_BITS + position;
const clusterNsId = (body: boolean, level: number) => WORD_NS.length + 2 * level + (body ? 1 : 0);

/** Feature namespaces of word clusters, per granularity: title `tk0`, `tk1`…, body `bk0`… */
const clusterNs = (prefix: 'tk' | 'bk', level: number) => `${prefix}${level}`;

/**
 * The feature hash `fnv("<ns>:<cluster id>")` of every cluster of a level, computed once per lexicon and
 * namespace instead of once per ticket word.
 */
const clusterHashCache = new WeakMap<WordClusters, Uint32Array[]>();
function clusterHashes(clusters: WordClusters): Uint32Array[] {
  let tables = clusterHashCache.get(clusters);
  if (tables === undefined) {
    tables = [];
    for (let level = 0; level < clusters.levels; level++)
      for (const prefix of ['tk', 'bk'] as const) {
        const seed = nsSeed(clusterNs(prefix, level));
        tables.push(
          Uint32Array.from({ length: clusters.json.granularities[level] ?? 0 }, (_, id) =>
            fnv(seed, String(id)),
          ),
        );
      }
    clusterHashCache.set(clusters, tables);
  }
  return tables;
}

/**
 * Every word-level feature of a ticket, hashed as `fnv("<ns>:<a>[ <b>]")` without building the string, written
 * straight into the reused buffers with its origin code (no callback per feature: a hash passed through an
 * un-inlined call is a heap number, i.e. garbage). With word clusters, title and body words also emit their
 * cluster (hashed from the cluster id, named after the word that triggered it). Returns the count written.
 * Plain functions that take and return the write position, not closures over it: a variable a closure
 * writes lives in a heap context, and this runs for every word of every ticket.
 */
function walkWords(doc: ParsedTicket, config: FeatureConfig, clusters: WordClusters | undefined): number {
  const tables = clusters === undefined ? undefined : clusterHashes(clusters);
  const title = doc.title;
  let n = listWords(title, title.length, 0, 0, clusters, tables);
  if (title[0] !== undefined) n = put(n, fnv(wordSeeds[2] ?? 0, title[0]), originCode(2, 0));
  if (title.length > 1)
    n = put(n, fnv(SPACE_STEP(fnv(wordSeeds[3] ?? 0, title[0] ?? '')), title[1] ?? ''), originCode(3, 0));
  bufferStarts[1] = n;
  n = listWords(doc.body, Math.min(doc.body.length, config.bodyWords), 4, n, clusters, tables, true);
  bufferStarts[2] = n;
  // The lead emits no clusters.
  n = listWords(doc.body, Math.min(doc.body.length, config.leadWords), 6, n, undefined, undefined);
  bufferStarts[3] = n;
  n = eachWord(doc.headings, 8, n);
  n = eachWord(doc.fields, 9, n);
  n = eachWord(doc.comments, 10, n);
  return eachWord(doc.flags, 11, n);
}

function put(n: number, raw: number, origin: number): number {
  buffer[n] = raw;
  originBuffer[n] = origin;
  return n + 1;
}

/** The first `end` words of a list: unigrams (namespace `nsId`), bigrams (`nsId + 1`) and, with a lexicon, clusters. */
function listWords(
  list: readonly string[],
  end: number,
  nsId: number,
  start: number,
  clusters: WordClusters | undefined,
  tables: Uint32Array[] | undefined,
  body = false,
): number {
  const one = wordSeeds[nsId] ?? 0;
  const two = wordSeeds[nsId + 1] ?? 0;
  const levels = clusters?.levels ?? 0;
  let n = start;
  for (let i = 0; i < end; i++) {
    const w = list[i] ?? '';
    n = put(n, fnv(one, w), originCode(nsId, i));
    if (i + 1 < end) n = put(n, fnv(SPACE_STEP(fnv(two, w)), list[i + 1] ?? ''), originCode(nsId + 1, i));
    if (tables === undefined || clusters === undefined) continue;
    const row = clusters.find(w);
    if (row < 0) continue;
    for (let level = 0; level < levels; level++) {
      const id = clusterNsId(body, level);
      n = put(n, tables[id - WORD_NS.length]?.[clusters.cluster(row, level)] ?? 0, originCode(id, i));
    }
  }
  return n;
}

function eachWord(list: readonly string[], nsId: number, start: number): number {
  const seed = wordSeeds[nsId] ?? 0;
  let n = start;
  for (let i = 0; i < list.length; i++) n = put(n, fnv(seed, list[i] ?? ''), originCode(nsId, i));
  return n;
}

/**
 * Character n-grams of `text` padded with a space, from position `start` of the buffer. FNV is sequential, so
 * the n-gram at i of every length comes from one walk: hash(abcd) extends hash(abc). Output order stays "all
 * charMin-grams, then the next length…", as fnv() one n-gram at a time gave.
 */
function charGrams(ns: string, text: string, config: FeatureConfig, start: number): number {
  if (text === '') return start;
  const padded = ` ${text} `;
  const seed = nsSeed(ns);
  const { charMin, charMax } = config;
  const out = buffer;
  const length = padded.length;
  let offset = start;
  for (let len = charMin; len <= charMax; len++) offset += Math.max(0, length - len + 1);
  for (let i = 0; i + charMin <= length; i++) {
    let h = seed;
    let at = start + i;
    for (let len = 1; len <= charMax && i + len <= length; len++) {
      h = Math.imul(h ^ padded.charCodeAt(i + len - 1), FNV_PRIME);
      if (len >= charMin) {
        out[at] = h >>> 0;
        at += length - len + 1;
      }
    }
  }
  return offset;
}

/** The readable name (`t:crash`, `b2:how to`, `tk0:froze`) of a word feature of `doc`, from its origin code. */
export function featureName(doc: ParsedTicket, origin: number): string {
  const nsId = Math.floor(origin / POSITION_BITS);
  const i = origin % POSITION_BITS;
  const cluster = nsId - WORD_NS.length;
  const ns =
    WORD_NS[nsId] ?? (cluster % 2 === 0 ? clusterNs('tk', cluster / 2) : clusterNs('bk', (cluster - 1) / 2));
  const list = doc[NS_LIST[ns.replace(/\d+$|2$/, '')] ?? 'title'];
  const a = list[i] ?? '';
  return ns.endsWith('2') ? `${ns}:${a} ${list[i + 1] ?? ''}` : `${ns}:${a}`;
}

export function extractFeatures(
  doc: ParsedTicket,
  config: FeatureConfig,
  clusters?: WordClusters,
): Extracted {
  const bodyChars =
    doc.bodyText.length > config.bodyCharLimit ? doc.bodyText.slice(0, config.bodyCharLimit) : doc.bodyText;
  const charCount = (text: string) => {
    let total = 0;
    for (let n = config.charMin; n <= config.charMax; n++) total += Math.max(0, text.length + 3 - n);
    return total;
  };
  const perWord = 2 + (clusters?.levels ?? 0);
  const bound =
    perWord * (doc.title.length + 2) +
    perWord * Math.min(doc.body.length, config.bodyWords) +
    2 * config.leadWords +
    doc.headings.length +
    doc.fields.length +
    doc.comments.length +
    doc.flags.length +
    charCount(doc.titleText) +
    charCount(bodyChars);
  if (buffer.length < bound) {
    buffer = new Uint32Array(bound * 2);
    originBuffer = new Int32Array(bound * 2);
  }
  let n = walkWords(doc, config, clusters);
  bufferStarts[4] = n;
  n = charGrams('tc', doc.titleText, config, n);
  bufferStarts[5] = n;
  n = charGrams('bc', bodyChars, config, n);
  bufferStarts[6] = n;
  bufferStarts[0] = 0;
  return { hashes: buffer.subarray(0, n), starts: bufferStarts, origins: originBuffer };
}

const bucketOf = (raw: number, seed: number | undefined, mask: number): number =>
  (seed === undefined ? mix(raw) : mix(raw ^ seed)) & mask;

/** Shared groups, then their project-specific copies: segment `p * GROUPS.length + g`. */
export const SEGMENTS = GROUPS.length * 2;

/** Bucket counts per segment: the training view. */
export interface GroupCounts {
  counts: Map<number, number>[];
}

export function countFeatures(
  doc: ParsedTicket,
  config: FeatureConfig,
  project: string | undefined,
  clusters?: WordClusters,
): GroupCounts {
  const extracted = extractFeatures(doc, config, clusters);
  const mask = 2 ** config.hashBits - 1;
  const seed = project !== undefined && config.projectWeight > 0 ? projectSeed(project) : undefined;
  const counts: Map<number, number>[] = [];
  for (const pass of [undefined, seed]) {
    for (let g = 0; g < GROUPS.length; g++) {
      const map = new Map<number, number>();
      counts.push(map);
      if (pass === undefined && counts.length > GROUPS.length) continue;
      if (pass !== undefined && !config.projectGroups.includes(GROUPS[g] ?? 'body')) continue;
      for (let e = extracted.starts[g] ?? 0; e < (extracted.starts[g + 1] ?? 0); e++) {
        const bucket = bucketOf(extracted.hashes[e] ?? 0, pass, mask);
        map.set(bucket, (map.get(bucket) ?? 0) + 1);
      }
    }
  }
  return { counts };
}

export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

/** A vector whose segments are each TF-IDF weighted and L2-normalised; `starts[s]..starts[s+1]` is segment s. */
export interface Segmented extends SparseVector {
  starts: Int32Array;
}

/** Per-segment multipliers for a head: its group weights, times `projectWeight` on the project copies. */
export function segmentWeights(
  groupWeights: Readonly<Record<Group, number>>,
  config: FeatureConfig,
): Float64Array {
  const weights = new Float64Array(SEGMENTS);
  GROUPS.forEach((group, g) => {
    weights[g] = groupWeights[group];
    weights[g + GROUPS.length] = config.projectGroups.includes(group)
      ? groupWeights[group] * config.projectWeight
      : 0;
  });
  return weights;
}

/**
 * TF-IDF (sublinear tf), L2 per segment. `slotOf` maps a bucket to the model's feature slot, or -1 when the
 * model never saw it: unseen features are dropped before normalising, as a fitted vocabulary would, so
 * training and inference see the same geometry.
 */
export function segment(
  counts: GroupCounts,
  slotOf: (bucket: number) => number,
  idf: ArrayLike<number>,
): Segmented {
  let total = 0;
  for (const g of counts.counts) total += g.size;
  const index = new Int32Array(total);
  const value = new Float64Array(total);
  const starts = new Int32Array(SEGMENTS + 1);
  let n = 0;
  counts.counts.forEach((map, s) => {
    starts[s] = n;
    const start = n;
    let norm = 0;
    for (const [bucket, count] of map) {
      const slot = slotOf(bucket);
      if (slot < 0) continue;
      const v = (1 + Math.log(count)) * (idf[slot] ?? 1);
      index[n] = slot;
      value[n] = v;
      norm += v * v;
      n++;
    }
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = start; i < n; i++) value[i] = (value[i] ?? 0) * scale;
    }
  });
  for (let s = counts.counts.length; s <= SEGMENTS; s++) starts[s] = n;
  return { index: index.subarray(0, n), value: value.subarray(0, n), starts };
}

/** One flat vector for a learner: segments scaled by a head's weights, zero-weight segments dropped. */
export function weigh(x: Segmented, weights: ArrayLike<number>): SparseVector {
  let total = 0;
  for (let s = 0; s < SEGMENTS; s++)
    if ((weights[s] ?? 0) !== 0) total += (x.starts[s + 1] ?? 0) - (x.starts[s] ?? 0);
  const index = new Int32Array(total);
  const value = new Float64Array(total);
  let n = 0;
  for (let s = 0; s < SEGMENTS; s++) {
    const w = weights[s] ?? 0;
    if (w === 0) continue;
    for (let e = x.starts[s] ?? 0; e < (x.starts[s + 1] ?? 0); e++) {
      index[n] = x.index[e] ?? 0;
      value[n] = (x.value[e] ?? 0) * w;
      n++;
    }
  }
  return { index, value };
}

/** A segmented vector plus, per entry, the raw hash it came from (to name word features in explanations). */
export interface InferenceVector extends Segmented {
  /** Word segments only (0 elsewhere): the raw hash and origin code of the feature behind each entry. */
  raws: Uint32Array;
  origins: Int32Array;
}

/** Segments below this index (in each pass) are word groups, whose features have readable names. */
export function isWordSegment(s: number): boolean {
  return s % GROUPS.length < WORD_GROUPS;
}

/**
 * Which vocabulary slot a hash bucket maps to, as a rank over a bitmap of the model's buckets: slots are
 * numbered in ascending bucket order, so a bucket's slot is the number of model buckets below it. Per 32
 * buckets one word holds that count and the next the bitmap, which makes the index 8 bytes per 32 buckets
 * (256 KB for 2^20 buckets) instead of a 4 MB table of slots: every feature of every ticket looks a bucket up,
 * and the small index stays in the CPU cache where the table missed it on nearly every lookup.
 */
export class SlotIndex {
  /** `[2w]`: buckets of the model below bucket 32w; `[2w + 1]`: bitmap of buckets 32w..32w+31. */
  private readonly table: Int32Array;
  /** Set once, by the constructor or `decode`. */
  size: number;

  /**
   * `buckets` strictly ascending, each below `2 ** hashBits`; or, with `filled`, that table as it is (the
   * field is set once either way: a field assigned again is one V8 can no longer treat as constant in `slotOf`).
   */
  constructor(buckets: ArrayLike<number>, hashBits: number, filled?: { table: Int32Array; size: number }) {
    if (filled !== undefined) {
      this.table = filled.table;
      this.size = filled.size;
      return;
    }
    const words = Math.max(1, 2 ** hashBits / 32);
    const table = new Int32Array(2 * words);
    // Buckets ascend, so when the first bucket of a word comes, `slot` buckets lie below that word.
    let next = 0;
    for (let slot = 0; slot < buckets.length; slot++) {
      const bucket = buckets[slot] ?? 0;
      const w = bucket >>> 5;
      while (next <= w) table[2 * next++] = slot;
      table[2 * w + 1] = (table[2 * w + 1] ?? 0) | (1 << (bucket & 31));
    }
    // (Without buckets the zeros are right as they are: `decode` starts from an empty index.)
    if (buckets.length > 0) while (next < words) table[2 * next++] = buckets.length;
    this.table = table;
    this.size = buckets.length;
  }

  /**
   * The index of `count` buckets stored as varint deltas (the model file's `vocabulary.buckets`; this runs at
   * every cold start): the index, or the problem.
   */
  static decode(bytes: Uint8Array, count: number, hashBits: number): SlotIndex | string {
    const buckets = new Int32Array(count);
    const read = decodeVarintDeltas(bytes, buckets, 2 ** hashBits);
    if (read !== bytes.length) return varintProblem(read);
    const index = new SlotIndex([], hashBits);
    fillSlotTable(buckets, index.table);
    index.size = count;
    return index;
  }

  /**
   * The index of a vocabulary stored as a bitmap (the binary model's `vocabulary.bitmap`: bit b of byte b >> 3
   * set when bucket b has a slot, `2 ** hashBits` bits): one pass over its 32-bit words, which are the index's
   * own bitmap words, adding up the slots below each. Cheaper at a cold start than `decode` (a varint per
   * bucket, 131k of them), for about the same bytes. The index, or the problem (wrong length, or a number of
   * set bits other than `count`).
   */
  static fromBitmap(bytes: Uint8Array, count: number, hashBits: number): SlotIndex | string {
    const words = Math.max(1, 2 ** hashBits / 32);
    if (bytes.length !== words * 4)
      return `must be ${words * 4} bytes (one bit per bucket), not ${bytes.length}`;
    // Little-endian words in place when aligned (a section of the binary file is), a copy otherwise.
    const bits =
      bytes.byteOffset % 4 === 0
        ? new Int32Array(bytes.buffer, bytes.byteOffset, words)
        : new Int32Array(bytes.slice().buffer, 0, words);
    const index = new SlotIndex([], hashBits);
    const set = fillFromBitmap(bits, index.table);
    if (set !== count) return `has ${set} buckets set, vocabulary.size is ${count}`;
    index.size = count;
    return index;
  }

  /** An index over a table already filled (by the load's WebAssembly bitmap loop) for `size` slots. */
  static fromTable(table: Int32Array, size: number): SlotIndex {
    return new SlotIndex([], 0, { table, size });
  }

  /** The slot of `bucket`, or -1 when the model has no feature there. */
  slotOf(bucket: number): number {
    const at = 2 * (bucket >>> 5);
    const bits = this.table[at + 1] ?? 0;
    const bit = 1 << (bucket & 31);
    if ((bits & bit) === 0) return -1;
    return (this.table[at] ?? 0) + popcount(bits & (bit - 1));
  }
}

/** `SlotIndex.decode`'s loop: fills `table` from ascending buckets, with plain locals (it runs cold). */
function fillSlotTable(buckets: Int32Array, table: Int32Array): void {
  const count = buckets.length;
  let next = 0;
  const words = table.length / 2;
  for (let slot = 0; slot < count; slot++) {
    const bucket = buckets[slot] as number;
    const w = bucket >>> 5;
    next = startWords(table, next, w + 1, slot);
    table[2 * w + 1] = (table[2 * w + 1] as number) | (1 << (bucket & 31));
  }
  startWords(table, next, words, count);
}

/** `SlotIndex.fromBitmap`'s loop: each word's bitmap and the slots below it; returns the slots in all. */
function fillFromBitmap(bits: Int32Array, table: Int32Array): number {
  let below = 0;
  for (let w = 0; w < bits.length; w++) {
    const word = bits[w] as number;
    table[2 * w] = below;
    table[2 * w + 1] = word;
    below += popcount(word);
  }
  return below;
}

/** Sets the first slot of words `from..to-1` (one helper for in and after the loop: its feedback is warm). */
function startWords(table: Int32Array, from: number, to: number, slot: number): number {
  let next = from;
  while (next < to) table[2 * next++] = slot;
  return next;
}

/** Set bits of a 32-bit integer (SWAR; JavaScript has no popcount instruction). */
function popcount(word: number): number {
  let x = word | 0;
  x = (x - ((x >>> 1) & 0x55555555)) | 0;
  x = ((x & 0x33333333) + ((x >>> 2) & 0x33333333)) | 0;
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The inference path: counts straight into model slots with a scratch array the size of the vocabulary
 * (reused between calls and left zeroed), skipping maps and the features the model does not know. The
 * returned arrays are views into reused buffers, valid until the next call.
 */
/** `1 + ln(count)` for small counts, computed once (the same expression, so the same bits). */
const SUBLINEAR_TF = Float64Array.from({ length: 256 }, (_, c) => 1 + Math.log(c));

export class SlotVectorizer {
  /**
   * Per slot, how often the segment being counted has it (0 between segments). 16 bits suffice (a group has
   * at most a few thousand features, its input being bounded); a wider array takes over for larger inputs.
   * Small matters here: the counts, the IDF bytes and the slot index are read at random once per feature, and
   * the less room they take, the more of them the CPU cache keeps.
   */
  private counts: Uint16Array | Int32Array;
  /** Per slot, its IDF as a level (`idfLevels[level]` is the value): a byte instead of a float per slot. */
  private readonly idfBytes: Uint8Array;
  private readonly idfLevels: Float32Array;
  private readonly mask: number;
  /** Per distinct slot of the segment being counted, in order of first sight: the slot, its first feature. */
  private touched = new Int32Array(4096);
  private firstAt = new Int32Array(4096);
  private index = new Int32Array(4096);
  private value = new Float64Array(4096);
  private raws = new Uint32Array(4096);
  private origins = new Int32Array(4096);
  private scratch = new Float64Array(4096);
  private readonly starts = new Int32Array(SEGMENTS + 1);

  constructor(
    private readonly config: FeatureConfig,
    private readonly slots: SlotIndex,
    idf: { bytes: Uint8Array; step: number },
  ) {
    this.counts = new Uint16Array(idf.bytes.length);
    this.idfBytes = idf.bytes;
    // The same expression as the model's Float32Array of IDFs, so the same values.
    this.idfLevels = Float32Array.from({ length: 256 }, (_, level) => 1 + level / idf.step);
    this.mask = 2 ** config.hashBits - 1;
  }

  vectorize(extracted: Extracted, project: string | undefined): InferenceVector {
    const seed = project !== undefined && this.config.projectWeight > 0 ? projectSeed(project) : undefined;
    const capacity = extracted.hashes.length * 2;
    if (this.index.length < capacity) {
      this.index = new Int32Array(capacity * 2);
      this.value = new Float64Array(capacity * 2);
      this.raws = new Uint32Array(capacity * 2);
      this.origins = new Int32Array(capacity * 2);
      this.scratch = new Float64Array(capacity * 2);
      this.touched = new Int32Array(capacity * 2);
      this.firstAt = new Int32Array(capacity * 2);
    }
    if (extracted.hashes.length > 0xffff && this.counts instanceof Uint16Array)
      this.counts = new Int32Array(this.counts.length);
    let n = 0;
    for (let s = 0; s < SEGMENTS; s++) {
      this.starts[s] = n;
      const g = s % GROUPS.length;
      const copy = s >= GROUPS.length;
      if (copy && (seed === undefined || !this.config.projectGroups.includes(GROUPS[g] ?? 'body'))) continue;
      n = this.addSegment(extracted, g, copy ? seed : undefined, n);
    }
    this.starts[SEGMENTS] = n;
    return {
      index: this.index.subarray(0, n),
      value: this.value.subarray(0, n),
      raws: this.raws.subarray(0, n),
      origins: this.origins.subarray(0, n),
      starts: this.starts,
    };
  }

  /**
   * Counts group g's features into slots, then writes them TF-IDF weighted and L2-normalised from entry n.
   * The distinct slots are listed with the position of their first feature (which names a word feature), so
   * that nothing but the counts is read or written at random.
   */
  private addSegment(extracted: Extracted, g: number, seed: number | undefined, n: number): number {
    const {
      counts,
      touched,
      firstAt,
      slots,
      idfBytes,
      idfLevels,
      mask,
      scratch,
      index,
      value,
      raws,
      origins,
    } = this;
    const { hashes } = extracted;
    const named = g < WORD_GROUPS;
    const end = extracted.starts[g + 1] ?? 0;
    const salt = seed ?? 0;
    let distinct = 0;
    for (let h = extracted.starts[g] ?? 0; h < end; h++) {
      // `raw ^ 0` is `raw`: one expression for shared features and project copies.
      const slot = slots.slotOf(mix((hashes[h] ?? 0) ^ salt) & mask);
      if (slot < 0) continue;
      const count = counts[slot] ?? 0;
      if (count === 0) {
        touched[distinct] = slot;
        firstAt[distinct++] = h;
      }
      counts[slot] = count + 1;
    }
    let norm = 0;
    for (let t = 0; t < distinct; t++) {
      const slot = touched[t] ?? 0;
      const count = counts[slot] ?? 1;
      const v =
        (count < SUBLINEAR_TF.length ? (SUBLINEAR_TF[count] ?? 1) : 1 + Math.log(count)) *
        (idfLevels[idfBytes[slot] ?? 0] ?? 1);
      scratch[t] = v;
      norm += v * v;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < distinct; t++) {
      const slot = touched[t] ?? 0;
      const first = firstAt[t] ?? 0;
      index[n] = slot;
      value[n] = (scratch[t] ?? 0) * scale;
      raws[n] = named ? (hashes[first] ?? 0) : 0;
      origins[n] = named ? (extracted.origins[first] ?? 0) : 0;
      counts[slot] = 0;
      n++;
    }
    return n;
  }
}
