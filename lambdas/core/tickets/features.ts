/**
 * Hashed, namespaced bag-of-features for a parsed ticket.
 *
 * Features are hashed (FNV-1a) so that the model never needs a string vocabulary: the artifact stays small and
 * loading is a couple of typed-array decodes. Each feature family is a *group* that is TF-IDF weighted and
 * L2-normalised on its own and then scaled by a group weight, so that a long body cannot drown the title and
 * the weights can be tuned per family.
 */
import type { ParsedTicket } from './text.ts';

export const GROUPS = ['title', 'body', 'structure', 'titleChars', 'bodyChars'] as const;
export type Group = (typeof GROUPS)[number];

export interface FeatureConfig {
  hashBits: number;
  groupWeights: Record<Group, number>;
  /** Character n-gram lengths, inclusive. */
  charMin: number;
  charMax: number;
  /** Only this many characters of body prose feed character n-grams (cost is linear in it). */
  bodyCharLimit: number;
  /**
   * With a project given, every feature also gets a project-specific copy ("frustratingly easy" domain
   * adaptation, Daumé 2007), normalised on its own and scaled by this weight; 0 turns copies off.
   */
  projectWeight: number;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  hashBits: 20,
  groupWeights: { title: 1, body: 1, structure: 0.8, titleChars: 0.8, bodyChars: 0.6 },
  charMin: 3,
  charMax: 5,
  bodyCharLimit: 3000,
  projectWeight: 1,
};

/** Raw counts per group; `names` is filled only when the caller wants readable explanations. */
export interface GroupCounts {
  counts: Map<number, number>[];
  names: Map<number, string> | undefined;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(seed: number, text: string, start = 0, end = text.length): number {
  let h = seed;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Murmur3 finaliser: spreads FNV's weak low bits before masking to `hashBits`. */
function mix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export function projectSeed(project: string): number {
  return fnv(FNV_OFFSET, `project:${project.trim().toLowerCase()}`);
}

class Accumulator {
  /** Shared features per group, then (index + GROUPS.length) the project-specific copies. */
  readonly counts: Map<number, number>[] = [...GROUPS, ...GROUPS].map(() => new Map<number, number>());
  constructor(
    private readonly mask: number,
    private readonly project: number | undefined,
    readonly names: Map<number, string> | undefined,
  ) {}

  addHash(group: number, raw: number, name: string | undefined): void {
    const counts = this.counts[group];
    if (counts === undefined) return;
    const bucket = mix(raw) & this.mask;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    if (this.names !== undefined && name !== undefined && !this.names.has(bucket))
      this.names.set(bucket, name);
    const copies = this.counts[group + GROUPS.length];
    if (this.project !== undefined && copies !== undefined) {
      const copy = mix(raw ^ this.project) & this.mask;
      copies.set(copy, (copies.get(copy) ?? 0) + 1);
      if (this.names !== undefined && name !== undefined && !this.names.has(copy)) this.names.set(copy, name);
    }
  }

  add(group: number, ns: string, value: string): void {
    const name = `${ns}:${value}`;
    this.addHash(group, fnv(FNV_OFFSET, name), this.names === undefined ? undefined : name);
  }

  addChars(group: number, ns: string, text: string, min: number, max: number): void {
    if (text === '') return;
    const padded = ` ${text} `;
    const seed = fnv(FNV_OFFSET, `${ns}:`);
    for (let n = min; n <= max; n++) {
      for (let i = 0; i + n <= padded.length; i++)
        this.addHash(group, fnv(seed, padded, i, i + n), undefined);
    }
  }
}

export function countFeatures(
  doc: ParsedTicket,
  config: FeatureConfig,
  project: string | undefined,
  withNames: boolean,
): GroupCounts {
  const mask = (1 << config.hashBits) - 1;
  const seed = project !== undefined && config.projectWeight > 0 ? projectSeed(project) : undefined;
  const acc = new Accumulator(mask, seed, withNames ? new Map() : undefined);

  const title = doc.title;
  for (let i = 0; i < title.length; i++) {
    const w = title[i] ?? '';
    acc.add(0, 't', w);
    if (i + 1 < title.length) acc.add(0, 't2', `${w} ${title[i + 1] ?? ''}`);
  }
  if (title[0] !== undefined) acc.add(0, 'tstart', title[0]);
  if (title.length > 1) acc.add(0, 'tstart2', `${title[0] ?? ''} ${title[1] ?? ''}`);

  const body = doc.body;
  for (let i = 0; i < body.length; i++) {
    const w = body[i] ?? '';
    acc.add(1, 'b', w);
    if (i + 1 < body.length) acc.add(1, 'b2', `${w} ${body[i + 1] ?? ''}`);
  }

  for (const w of doc.headings) acc.add(2, 'h', w);
  for (const f of doc.fields) acc.add(2, 'f', f);
  for (const w of doc.comments) acc.add(2, 'c', w);
  for (const f of doc.flags) acc.add(2, 'x', f);

  acc.addChars(3, 'tc', doc.titleText, config.charMin, config.charMax);
  const bodyChars =
    doc.bodyText.length > config.bodyCharLimit ? doc.bodyText.slice(0, config.bodyCharLimit) : doc.bodyText;
  acc.addChars(4, 'bc', bodyChars, config.charMin, config.charMax);
  return { counts: acc.counts, names: acc.names };
}

export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

/**
 * TF-IDF (sublinear tf), L2 per group, times the group weight. `slotOf` maps a bucket to the model's feature
 * slot, or -1 when the model never saw it: unseen features are dropped before normalising, as a fitted
 * vocabulary would, so training and inference see the same geometry.
 */
export function vectorize(
  counts: GroupCounts,
  config: FeatureConfig,
  slotOf: (bucket: number) => number,
  idf: ArrayLike<number>,
): SparseVector {
  let total = 0;
  for (const g of counts.counts) total += g.size;
  const index = new Int32Array(total);
  const value = new Float64Array(total);
  let n = 0;
  counts.counts.forEach((map, gi) => {
    const group = GROUPS[gi % GROUPS.length] ?? 'body';
    const weight = config.groupWeights[group] * (gi >= GROUPS.length ? config.projectWeight : 1);
    if (weight === 0) return;
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
      const scale = weight / Math.sqrt(norm);
      for (let i = start; i < n; i++) value[i] = (value[i] ?? 0) * scale;
    }
  });
  return { index: index.subarray(0, n), value: value.subarray(0, n) };
}
