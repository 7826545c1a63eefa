/**
 * Word clusters: pretrained lexical knowledge a linear model over 1,500 tickets cannot learn by itself.
 *
 * Each of the 100,000 most frequent English words of GloVe (6B tokens, 100 dimensions) belongs to one of a few
 * thousand clusters of words with similar vectors (spherical k-means, `scripts/build-word-clusters.ts`). A
 * ticket word also emits its cluster as a feature, so a word never seen in training ("froze") still carries
 * what the model learned from its cluster-mates ("hangs", "stalls"). The lexicon is stored by word hash, so
 * the model needs no string vocabulary; it is embedded in every model trained with it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../errors.ts';
import {
  b64,
  base64Bytes,
  decodeVarintDeltas,
  type PayloadBytes,
  varintDeltas,
  varintProblem,
} from './codec.ts';
import { FNV_OFFSET, fnv } from './hash.ts';
import type { LoadArena } from './load-kernels.ts';

export const WORD_CLUSTERS_FORMAT = 'ai-ops.word-clusters';

export interface WordClustersJson {
  format: typeof WORD_CLUSTERS_FORMAT;
  /** Where the vectors came from (package, version, licence). */
  source: string;
  /** Number of clusters at each granularity (one feature namespace per granularity). */
  granularities: number[];
  words: number;
  /**
   * The ascending FNV-1a hashes of the words in one of two forms (exactly one is present):
   * - `hashes`: varint deltas, base64 (the committed lexicon file and models trained with it);
   * - `keys` + `counts`: the hashes as raw little-endian uint32 (`keys`), and per value of their top 16 bits how
   *   many there are (`counts`, 65,536 uint8). The binary model stores this form (`compactWordClusters`): the
   *   lookup reads it in place, so a cold start needs no decode loop over the words.
   */
  hashes?: string;
  keys?: string;
  counts?: string;
  /** Per granularity, the uint16 cluster of each word (in hash order), base64. */
  clusters: string[];
}

/** Bits of a hash that choose its bucket (`counts` has one byte per bucket). */
const BUCKET_BITS = 16;
const BUCKETS = 2 ** BUCKET_BITS;
const BUCKET_SHIFT = 32 - BUCKET_BITS;

export const wordHash = (word: string): number => fnv(FNV_OFFSET, word);

/**
 * Encodes `word → cluster per granularity`. Words are keyed by hash; when two words collide the first one
 * listed keeps the slot (list words most frequent first).
 */
export function encodeWordClusters(
  entries: Iterable<readonly [string, readonly number[]]>,
  granularities: readonly number[],
  source: string,
): WordClustersJson {
  const byHash = new Map<number, readonly number[]>();
  for (const [word, ids] of entries) {
    if (ids.length !== granularities.length) throw new Error(`internal: ${word} needs one cluster per level`);
    const hash = wordHash(word);
    if (!byHash.has(hash)) byHash.set(hash, ids);
  }
  const hashes = [...byHash.keys()].sort((a, b) => a - b);
  return {
    format: WORD_CLUSTERS_FORMAT,
    source,
    granularities: [...granularities],
    words: hashes.length,
    hashes: b64(varintDeltas(hashes)),
    clusters: granularities.map((count, g) =>
      b64(
        Uint16Array.from(hashes, (hash) => {
          const id = byHash.get(hash)?.[g] ?? 0;
          if (!Number.isInteger(id) || id < 0 || id >= count)
            throw new Error(`internal: cluster ${id} >= ${count}`);
          return id;
        }),
      ),
    ),
  };
}

/**
 * Decoded lexicon: the ascending word hashes and, per bucket (a hash's top 16 bits), where its hashes start. A
 * lookup scans its bucket (1.5 hashes on average for 100,000 words); the row of a word is its place in hash
 * order, which is where its cluster ids are.
 */
export class WordClusters {
  private constructor(
    readonly json: WordClustersJson,
    private readonly keys: Uint32Array,
    /** `starts[b]..starts[b + 1]`: the rows of bucket b (65,537 entries). */
    private readonly starts: Int32Array,
    private readonly ids: Uint16Array[],
  ) {}

  get levels(): number {
    return this.ids.length;
  }

  /** Row of the word in the lexicon, or -1 when it has no cluster. */
  find(word: string): number {
    const hash = wordHash(word);
    const bucket = hash >>> BUCKET_SHIFT;
    const end = this.starts[bucket + 1] ?? 0;
    for (let row = this.starts[bucket] ?? 0; row < end; row++) if (this.keys[row] === hash) return row;
    return -1;
  }

  /** Cluster of lexicon row `row` at granularity `level`. */
  cluster(row: number, level: number): number {
    return this.ids[level]?.[row] ?? 0;
  }

  /**
   * Validates a parsed lexicon; any defect is a `ValidationError` on `field`. `bytesOf` reads its payloads
   * (base64, or sections of a binary model, whose `json` then holds section references).
   */
  static decode(
    value: unknown,
    field = 'wordClusters',
    bytesOf: PayloadBytes = base64Bytes,
    arena?: LoadArena,
  ): WordClusters {
    const invalid = (message: string) => new ValidationError(field, `word clusters: ${message}`);
    if (typeof value !== 'object' || value === null) throw invalid('must be an object');
    const v = value as Record<string, unknown>;
    if (v.format !== WORD_CLUSTERS_FORMAT) throw invalid(`format must be "${WORD_CLUSTERS_FORMAT}"`);
    const { granularities, words, hashes, keys, counts, clusters, source } = v;
    if (
      !Array.isArray(granularities) ||
      granularities.length === 0 ||
      !granularities.every((g) => Number.isInteger(g) && g > 0 && g <= 65_536)
    ) {
      throw invalid('granularities must be a non-empty list of cluster counts up to 65536');
    }
    if (typeof words !== 'number' || !Number.isInteger(words) || words < 0)
      throw invalid('words must be a count');
    const compact = typeof keys === 'string' && typeof counts === 'string' && hashes === undefined;
    if (!(compact || (typeof hashes === 'string' && keys === undefined && counts === undefined)))
      throw invalid('needs either hashes or keys and counts');
    if (typeof source !== 'string') throw invalid('source is required');
    if (!Array.isArray(clusters) || clusters.length !== granularities.length)
      throw invalid('clusters needs one list per granularity');
    const at = field === 'model' ? 'wordClusters' : field;
    const starts = new Int32Array(BUCKETS + 1);
    let sorted: Uint32Array;
    if (compact) {
      const keyBytes = bytesOf(keys, `${at}.keys`);
      const countBytes = bytesOf(counts, `${at}.counts`);
      if (keyBytes.length !== words * 4) throw invalid('keys must hold one uint32 per word');
      if (countBytes.length !== BUCKETS) throw invalid(`counts must hold one byte per bucket (${BUCKETS})`);
      if (arena?.fits(lexiconArenaBytes(value), 3 + clusters.length)) {
        const lexicon = decodeInArena(
          arena,
          keyBytes,
          countBytes,
          words,
          clusters,
          granularities,
          bytesOf,
          at,
        );
        if (typeof lexicon === 'string') throw invalid(lexicon);
        return new WordClusters(value as WordClustersJson, lexicon.keys, lexicon.starts, lexicon.ids);
      }
      // In place when aligned (a section of the binary file is); a copy otherwise.
      sorted =
        keyBytes.byteOffset % 4 === 0
          ? new Uint32Array(keyBytes.buffer, keyBytes.byteOffset, words)
          : new Uint32Array(keyBytes.slice().buffer, 0, words);
      if (startsFromCounts(countBytes, starts) !== words) throw invalid('counts do not add up to words');
      const problem = checkKeys(sorted, starts);
      if (problem !== 0) throw invalid(problem < 0 ? 'keys must ascend' : 'keys are not in their buckets');
    } else {
      const bytes = bytesOf(hashes as string, `${at}.hashes`);
      // Int32Array like every other caller's (one array type keeps the shared decoder monomorphic); the bits
      // are the uint32 hash's.
      const hashes32 = new Int32Array(words);
      const read = decodeVarintDeltas(bytes, hashes32, 2 ** 32);
      if (read !== bytes.length) throw invalid(`hashes ${varintProblem(read)}`);
      sorted = new Uint32Array(hashes32.buffer, 0, words);
      startsFromKeys(sorted, starts);
    }
    const ids = clusters.map((text: unknown, g) => {
      if (typeof text !== 'string') throw invalid(`clusters[${g}] must be a base64 string`);
      const raw = bytesOf(text, `${at}.clusters[${g}]`);
      if (raw.length !== words * 2) throw invalid(`clusters[${g}] must hold one uint16 per word`);
      const level =
        raw.byteOffset % 2 === 0
          ? new Uint16Array(raw.buffer, raw.byteOffset, words)
          : new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
      if (largest(level) >= Number(granularities[g])) throw invalid(`clusters[${g}] has an id out of range`);
      return level;
    });
    return new WordClusters(value as WordClustersJson, sorted, starts, ids);
  }
}

/**
 * What `WordClusters.decode` puts in a model load's arena for a lexicon of the keys-and-counts form (0 for any
 * other value): the bucket starts, keys, counts and ids, as the lexicon says (checked when decoded).
 */
export function lexiconArenaBytes(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const { words, clusters, keys } = value as Record<string, unknown>;
  if (typeof keys !== 'string' || typeof words !== 'number' || !Array.isArray(clusters)) return 0;
  if (!Number.isInteger(words) || words < 0 || words > 2 ** 26) return 0;
  return (BUCKETS + 1) * 4 + BUCKETS + words * 4 + clusters.length * words * 2;
}

/**
 * `WordClusters.decode` of the keys-and-counts form with the arena's WebAssembly loops: the keys, bucket starts
 * and ids in the arena (the views made last: nothing is allocated after them), or the defect, worded as the
 * JavaScript path words it.
 */
function decodeInArena(
  arena: LoadArena,
  keyBytes: Uint8Array,
  countBytes: Uint8Array,
  words: number,
  clusters: unknown[],
  granularities: unknown[],
  bytesOf: PayloadBytes,
  at: string,
): { keys: Uint32Array; starts: Int32Array; ids: Uint16Array[] } | string {
  const startsAt = arena.alloc((BUCKETS + 1) * 4);
  const keysAt = arena.copyIn(keyBytes);
  const mark = arena.mark();
  const total = arena.run.starts(arena.copyIn(countBytes), BUCKETS, startsAt);
  arena.release(mark);
  if (total !== words) return 'counts do not add up to words';
  const problem = arena.run.checkKeys(keysAt, words, startsAt, BUCKETS, BUCKET_SHIFT);
  if (problem !== 0) return problem < 0 ? 'keys must ascend' : 'keys are not in their buckets';
  const idsAt: number[] = [];
  for (let g = 0; g < clusters.length; g++) {
    const text = clusters[g];
    if (typeof text !== 'string') return `clusters[${g}] must be a base64 string`;
    const raw = bytesOf(text, `${at}.clusters[${g}]`);
    if (raw.length !== words * 2) return `clusters[${g}] must hold one uint16 per word`;
    const levelAt = arena.copyIn(raw);
    if (arena.run.largest16(levelAt, words) >= Number(granularities[g]))
      return `clusters[${g}] has an id out of range`;
    idsAt.push(levelAt);
  }
  return {
    keys: arena.uint32(keysAt, words),
    starts: arena.int32(startsAt, BUCKETS + 1),
    ids: idsAt.map((levelAt) => arena.uint16(levelAt, words)),
  };
}

/**
 * `starts` from the per-bucket counts (a prefix sum, 65,536 steps whatever the number of words; plain locals:
 * it runs cold). Returns the words counted.
 */
function startsFromCounts(counts: Uint8Array, starts: Int32Array): number {
  let total = 0;
  for (let b = 0; b < counts.length; b++) {
    starts[b] = total;
    total += counts[b] as number;
  }
  starts[counts.length] = total;
  return total;
}

/**
 * Whether stored keys fit their `starts`: 0 when they ascend strictly and every bucket's first and last key
 * (so, ascending, all of them) carry the bucket's top bits; -1 when they do not ascend, 1 when a key is outside
 * its bucket.
 */
function checkKeys(keys: Uint32Array, starts: Int32Array): number {
  for (let i = 1; i < keys.length; i++) if ((keys[i] as number) <= (keys[i - 1] as number)) return -1;
  for (let b = 0; b < starts.length - 1; b++) {
    const from = starts[b] as number;
    const to = starts[b + 1] as number;
    if (
      from < to &&
      ((keys[from] as number) >>> BUCKET_SHIFT !== b || (keys[to - 1] as number) >>> BUCKET_SHIFT !== b)
    )
      return 1;
  }
  return 0;
}

/** `starts` from ascending keys (the varint form, which stores no counts). */
function startsFromKeys(keys: Uint32Array, starts: Int32Array): void {
  let bucket = 0;
  for (let row = 0; row < keys.length; row++) {
    const b = (keys[row] as number) >>> BUCKET_SHIFT;
    while (bucket <= b) starts[bucket++] = row;
  }
  while (bucket < starts.length) starts[bucket++] = keys.length;
}

/**
 * The same lexicon with its hashes as `keys` + `counts` (see `WordClustersJson`), for the binary model; the
 * lexicon unchanged if it has that form already, or if a bucket holds more than 255 words (a byte per bucket
 * is too small: such a lexicon keeps its varints).
 */
export function compactWordClusters(json: WordClustersJson): WordClustersJson {
  if (json.hashes === undefined) return json;
  const hashes32 = new Int32Array(json.words);
  const bytes = base64Bytes(json.hashes, 'hashes');
  if (decodeVarintDeltas(bytes, hashes32, 2 ** 32) !== bytes.length)
    throw new Error('internal: word-cluster hashes do not decode');
  const keys = new Uint32Array(hashes32.buffer);
  const counts = new Uint8Array(BUCKETS);
  for (const key of keys) {
    const b = key >>> BUCKET_SHIFT;
    if ((counts[b] ?? 0) === 255) return json;
    counts[b] = (counts[b] ?? 0) + 1;
  }
  const { hashes: _varints, ...rest } = json;
  return { ...rest, keys: b64(keys), counts: b64(counts) };
}

/** The largest id (a plain loop: this runs over every word at load). */
function largest(ids: Uint16Array): number {
  let max = 0;
  for (let i = 0; i < ids.length; i++) if ((ids[i] as number) > max) max = ids[i] as number;
  return max;
}

/** The committed lexicon (built by `npm run build:word-clusters`; see docs/triage.md). */
export const DEFAULT_WORD_CLUSTERS_PATH = fileURLToPath(new URL('./word-clusters.json', import.meta.url));

/** Reads and validates a lexicon file; a missing or malformed file is a `ValidationError` on `field`. */
export function readWordClusters(path: string, field = 'wordClusters'): WordClustersJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error: unknown) {
    const reason = error instanceof SyntaxError ? 'not valid JSON' : 'unreadable';
    throw new ValidationError(field, `word clusters file ${path} is ${reason}`);
  }
  return WordClusters.decode(parsed, field).json;
}
