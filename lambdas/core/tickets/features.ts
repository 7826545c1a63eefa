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
}

let buffer = new Uint32Array(16_384);
const bufferStarts = new Int32Array(GROUPS.length + 1);

type Emit = (group: number, raw: number, ns: string, a: string, b: string | undefined) => void;

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

/** Feature namespaces of word clusters, per granularity: title `tk0`, `tk1`…, body `bk0`… */
const clusterNs = (prefix: 'tk' | 'bk', level: number) => `${prefix}${level}`;

/**
 * The feature hash `fnv("<ns>:<cluster id>")` of every cluster of a level, computed once per lexicon and
 * namespace instead of once per ticket word.
 */
const clusterHashCache = new WeakMap<WordClusters, Map<string, Uint32Array>>();
function clusterHashes(clusters: WordClusters, ns: string, level: number): Uint32Array {
  let byNs = clusterHashCache.get(clusters);
  if (byNs === undefined) {
    byNs = new Map();
    clusterHashCache.set(clusters, byNs);
  }
  let hashes = byNs.get(ns);
  if (hashes === undefined) {
    const seed = nsSeed(ns);
    hashes = Uint32Array.from({ length: clusters.json.granularities[level] ?? 0 }, (_, id) =>
      fnv(seed, String(id)),
    );
    byNs.set(ns, hashes);
  }
  return hashes;
}

/**
 * Every word-level feature of a ticket, hashed as `fnv("<ns>:<a>[ <b>]")` without building the string: the
 * name is only materialised when an explanation asks for it. With word clusters, title and body words also
 * emit their cluster (hashed from the cluster id, named after the word that triggered it).
 */
function walkWords(
  doc: ParsedTicket,
  config: FeatureConfig,
  emit: Emit,
  clusters: WordClusters | undefined,
): void {
  const one = (group: number, ns: string, a: string) => emit(group, fnv(nsSeed(ns), a), ns, a, undefined);
  const clustered = (group: number, prefix: 'tk' | 'bk', word: string) => {
    if (clusters === undefined) return;
    const row = clusters.find(word);
    if (row < 0) return;
    for (let level = 0; level < clusters.levels; level++) {
      const ns = clusterNs(prefix, level);
      emit(group, clusterHashes(clusters, ns, level)[clusters.cluster(row, level)] ?? 0, ns, word, undefined);
    }
  };
  const two = (group: number, ns: string, a: string, b: string) =>
    emit(group, fnv(SPACE_STEP(fnv(nsSeed(ns), a)), b), ns, a, b);
  const title = doc.title;
  for (let i = 0; i < title.length; i++) {
    const w = title[i] ?? '';
    one(0, 't', w);
    if (i + 1 < title.length) two(0, 't2', w, title[i + 1] ?? '');
    clustered(0, 'tk', w);
  }
  if (title[0] !== undefined) one(0, 'tstart', title[0]);
  if (title.length > 1) two(0, 'tstart2', title[0] ?? '', title[1] ?? '');

  const body = doc.body;
  const bodyEnd = Math.min(body.length, config.bodyWords);
  for (let i = 0; i < bodyEnd; i++) {
    const w = body[i] ?? '';
    one(1, 'b', w);
    if (i + 1 < bodyEnd) two(1, 'b2', w, body[i + 1] ?? '');
    clustered(1, 'bk', w);
  }
  const lead = Math.min(body.length, config.leadWords);
  for (let i = 0; i < lead; i++) {
    const w = body[i] ?? '';
    one(2, 'l', w);
    if (i + 1 < lead) two(2, 'l2', w, body[i + 1] ?? '');
  }

  for (const w of doc.headings) one(3, 'h', w);
  for (const f of doc.fields) one(3, 'f', f);
  for (const w of doc.comments) one(3, 'c', w);
  for (const f of doc.flags) one(3, 'x', f);
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
  if (buffer.length < bound) buffer = new Uint32Array(bound * 2);
  const out = buffer;
  let n = 0;
  let group = 0;
  walkWords(
    doc,
    config,
    (g, raw) => {
      while (group < g) bufferStarts[++group] = n;
      out[n++] = raw;
    },
    clusters,
  );
  const addChars = (g: number, ns: string, text: string) => {
    while (group < g) bufferStarts[++group] = n;
    if (text === '') return;
    const padded = ` ${text} `;
    const seed = nsSeed(ns);
    const { charMin, charMax } = config;
    // FNV is sequential, so the n-gram at i of every length comes from one walk: hash(abcd) extends hash(abc).
    // Output order stays "all charMin-grams, then the next length…", as fnv() one n-gram at a time gave.
    const length = padded.length;
    let offset = n;
    const starts: number[] = [];
    for (let len = charMin; len <= charMax; len++) {
      starts.push(offset);
      offset += Math.max(0, length - len + 1);
    }
    for (let i = 0; i + charMin <= length; i++) {
      let h = seed;
      for (let len = 1; len <= charMax && i + len <= length; len++) {
        h = Math.imul(h ^ padded.charCodeAt(i + len - 1), FNV_PRIME);
        if (len >= charMin) out[(starts[len - charMin] ?? 0) + i] = h >>> 0;
      }
    }
    n = offset;
  };
  addChars(4, 'tc', doc.titleText);
  addChars(5, 'bc', bodyChars);
  while (group < GROUPS.length) bufferStarts[++group] = n;
  bufferStarts[0] = 0;
  return { hashes: out.subarray(0, n), starts: bufferStarts };
}

/** Readable names (`t:crash`, `b2:how to`) of the given raw word-feature hashes. */
export function nameFeatures(
  doc: ParsedTicket,
  config: FeatureConfig,
  wanted: ReadonlySet<number>,
  clusters?: WordClusters,
): Map<number, string> {
  const names = new Map<number, string>();
  walkWords(
    doc,
    config,
    (_group, raw, ns, a, b) => {
      if (wanted.has(raw) && !names.has(raw))
        names.set(raw, b === undefined ? `${ns}:${a}` : `${ns}:${a} ${b}`);
    },
    clusters,
  );
  return names;
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
  raws: Uint32Array;
}

/** Segments below this index (in each pass) are word groups, whose features have readable names. */
export function isWordSegment(s: number): boolean {
  return s % GROUPS.length < WORD_GROUPS;
}

/**
 * The inference path: counts straight into model slots with a scratch array the size of the vocabulary
 * (reused between calls and left zeroed), skipping maps and the features the model does not know. The
 * returned arrays are views into reused buffers, valid until the next call.
 */
export class SlotVectorizer {
  private readonly counts: Float64Array;
  private readonly touched: Int32Array;
  private readonly rawOf: Uint32Array;
  private readonly mask: number;
  private index = new Int32Array(4096);
  private value = new Float64Array(4096);
  private raws = new Uint32Array(4096);
  private readonly starts = new Int32Array(SEGMENTS + 1);

  constructor(
    private readonly config: FeatureConfig,
    private readonly slotTable: Int32Array,
    private readonly idf: Float32Array,
  ) {
    this.counts = new Float64Array(idf.length);
    this.touched = new Int32Array(idf.length);
    this.rawOf = new Uint32Array(idf.length);
    this.mask = 2 ** config.hashBits - 1;
  }

  vectorize(extracted: Extracted, project: string | undefined): InferenceVector {
    const seed = project !== undefined && this.config.projectWeight > 0 ? projectSeed(project) : undefined;
    const capacity = extracted.hashes.length * 2;
    if (this.index.length < capacity) {
      this.index = new Int32Array(capacity * 2);
      this.value = new Float64Array(capacity * 2);
      this.raws = new Uint32Array(capacity * 2);
    }
    const { index, value, raws, starts, counts } = this;
    let n = 0;
    for (let s = 0; s < SEGMENTS; s++) {
      starts[s] = n;
      const g = s % GROUPS.length;
      const copy = s >= GROUPS.length;
      if (copy && (seed === undefined || !this.config.projectGroups.includes(GROUPS[g] ?? 'body'))) continue;
      const pass = copy ? seed : undefined;
      let touched = 0;
      for (let h = extracted.starts[g] ?? 0; h < (extracted.starts[g + 1] ?? 0); h++) {
        const raw = extracted.hashes[h] ?? 0;
        const slot = this.slotTable[bucketOf(raw, pass, this.mask)] ?? -1;
        if (slot < 0) continue;
        if (counts[slot] === 0) {
          this.touched[touched++] = slot;
          this.rawOf[slot] = raw;
        }
        counts[slot] = (counts[slot] ?? 0) + 1;
      }
      let norm = 0;
      for (let t = 0; t < touched; t++) {
        const slot = this.touched[t] ?? 0;
        const v = (1 + Math.log(counts[slot] ?? 1)) * (this.idf[slot] ?? 1);
        counts[slot] = v;
        norm += v * v;
      }
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let t = 0; t < touched; t++) {
        const slot = this.touched[t] ?? 0;
        index[n] = slot;
        value[n] = (counts[slot] ?? 0) * scale;
        raws[n] = this.rawOf[slot] ?? 0;
        counts[slot] = 0;
        n++;
      }
    }
    starts[SEGMENTS] = n;
    return { index: index.subarray(0, n), value: value.subarray(0, n), raws: raws.subarray(0, n), starts };
  }
}
