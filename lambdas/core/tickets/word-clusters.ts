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
import { base64Bytes, type PayloadBytes } from './binary.ts';
import { b64, decodeVarintDeltas, varintDeltas, varintProblem } from './codec.ts';
import { FNV_OFFSET, fnv } from './hash.ts';

export const WORD_CLUSTERS_FORMAT = 'ai-ops.word-clusters';

export interface WordClustersJson {
  format: typeof WORD_CLUSTERS_FORMAT;
  /** Where the vectors came from (package, version, licence). */
  source: string;
  /** Number of clusters at each granularity (one feature namespace per granularity). */
  granularities: number[];
  words: number;
  /** Ascending FNV-1a hashes of the words, as varint deltas, base64. */
  hashes: string;
  /** Per granularity, the uint16 cluster of each word (in hash order), base64. */
  clusters: string[];
}

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

/** Decoded lexicon: an open-addressing table from word hash to the word's clusters. */
export class WordClusters {
  private readonly keys: Uint32Array;
  private readonly rows: Int32Array;
  private readonly mask: number;
  /** A hash's home slot is its top bits (`hash >>> shift`): see `insertHashes`. */
  private readonly shift: number;

  private constructor(
    readonly json: WordClustersJson,
    keys: Uint32Array,
    rows: Int32Array,
    private readonly ids: Uint16Array[],
  ) {
    this.keys = keys;
    this.rows = rows;
    this.mask = keys.length - 1;
    this.shift = 32 - Math.log2(keys.length);
  }

  get levels(): number {
    return this.ids.length;
  }

  /** Row of the word in the lexicon, or -1 when it has no cluster. */
  find(word: string): number {
    const hash = wordHash(word);
    let at = (hash >>> this.shift) & this.mask;
    for (;;) {
      const row = this.rows[at] ?? -1;
      if (row < 0) return -1;
      if (this.keys[at] === hash) return row;
      at = (at + 1) & this.mask;
    }
  }

  /** Cluster of lexicon row `row` at granularity `level`. */
  cluster(row: number, level: number): number {
    return this.ids[level]?.[row] ?? 0;
  }

  /**
   * Validates a parsed lexicon; any defect is a `ValidationError` on `field`. `bytesOf` reads its payloads
   * (base64, or sections of a binary model, whose `json` then holds section references).
   */
  static decode(value: unknown, field = 'wordClusters', bytesOf: PayloadBytes = base64Bytes): WordClusters {
    const invalid = (message: string) => new ValidationError(field, `word clusters: ${message}`);
    if (typeof value !== 'object' || value === null) throw invalid('must be an object');
    const v = value as Record<string, unknown>;
    if (v.format !== WORD_CLUSTERS_FORMAT) throw invalid(`format must be "${WORD_CLUSTERS_FORMAT}"`);
    const { granularities, words, hashes, clusters, source } = v;
    if (
      !Array.isArray(granularities) ||
      granularities.length === 0 ||
      !granularities.every((g) => Number.isInteger(g) && g > 0 && g <= 65_536)
    ) {
      throw invalid('granularities must be a non-empty list of cluster counts up to 65536');
    }
    if (typeof words !== 'number' || !Number.isInteger(words) || words < 0)
      throw invalid('words must be a count');
    if (typeof hashes !== 'string' || typeof source !== 'string')
      throw invalid('hashes and source are required');
    if (!Array.isArray(clusters) || clusters.length !== granularities.length)
      throw invalid('clusters needs one list per granularity');
    let size = 1;
    while (size < words * 2) size *= 2;
    const keys = new Uint32Array(size);
    const rows = new Int32Array(size).fill(-1);
    const bytes = bytesOf(hashes, `${field === 'model' ? 'wordClusters' : field}.hashes`);
    // Int32Array like every other caller's (one array type keeps the shared decoder monomorphic); the bits are
    // the uint32 hash's, which is all the table reads and stores.
    const hashes32 = new Int32Array(words);
    const read = decodeVarintDeltas(bytes, hashes32, 2 ** 32);
    if (read !== bytes.length) throw invalid(`hashes ${varintProblem(read)}`);
    insertHashes(hashes32, keys, rows);
    const ids = clusters.map((text: unknown, g) => {
      if (typeof text !== 'string') throw invalid(`clusters[${g}] must be a base64 string`);
      const raw = bytesOf(text, `${field === 'model' ? 'wordClusters' : field}.clusters[${g}]`);
      if (raw.length !== words * 2) throw invalid(`clusters[${g}] must hold one uint16 per word`);
      const level = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
      if (largest(level) >= Number(granularities[g])) throw invalid(`clusters[${g}] has an id out of range`);
      return level;
    });
    return new WordClusters(value as WordClustersJson, keys, rows, ids);
  }
}

/**
 * Puts the ascending word hashes into the open-addressing table, row by row: 100,000 words at every cold start,
 * with plain locals (a loop that starts cold runs mostly unoptimised, so every property load in it counts). A
 * hash's home slot is its top bits, so ascending hashes fill the table front to back (home slots at random would
 * be a cache miss per word).
 */
function insertHashes(hashes: Int32Array, keys: Uint32Array, rows: Int32Array): void {
  const mask = keys.length - 1;
  const shift = 32 - Math.log2(keys.length);
  for (let row = 0; row < hashes.length; row++) {
    const hash = hashes[row] as number;
    let at = (hash >>> shift) & mask;
    while ((rows[at] as number) >= 0) at = (at + 1) & mask;
    keys[at] = hash;
    rows[at] = row;
  }
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
