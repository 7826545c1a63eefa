/**
 * Similar tickets, so duplicates are spotted: a fingerprint per ticket, cosine similarity between fingerprints,
 * and an in-memory index that finds the closest ones.
 *
 * A fingerprint is the ticket's title words (counted double: a title names the problem) and its opening body
 * words, without stop words and placeholders, TF-IDF weighted with the classifier's document frequencies, plus
 * each word's cluster at a lower weight, so "checkout froze" and "checkout hangs" still meet. It is small
 * (a few dozen terms) and serialisable, so the API can store one per ticket and compare candidates the caller
 * may see without re-reading their text.
 */
import { ValidationError } from '../errors.ts';
import { b64 } from './codec.ts';
import { FNV_OFFSET, fnv, mix } from './hash.ts';
import type { TicketModel } from './model.ts';
import { parseTicket } from './text.ts';

/** Sorted unique term hashes and their weights (L2-normalised). */
export interface TicketFingerprint {
  terms: Uint32Array;
  weights: Float32Array;
}

/** The stored form of a fingerprint (JSON-friendly). */
export interface FingerprintJson {
  v: 1;
  terms: string;
  weights: string;
}

/** Body words beyond the opening say less about what the ticket is. */
const BODY_WORDS = 150;
const TITLE_WEIGHT = 2;
const CLUSTER_WEIGHT = 0.5;
const STOP = new Set(
  (
    'a an the and or of to in on at for with by from as is are was were be been it its this that these those i me ' +
    'my we our you your he she they them there here not no yes so if but do does did have has had can could will ' +
    'would should just also when then than which what who how why where please hi hello thanks thank team ' +
    'numtoken vertoken hextoken pathtoken urltoken imagetoken ?'
  ).split(' '),
);

/** The fingerprint of a ticket; with a model, its IDF and word clusters sharpen it. */
export function ticketFingerprint(
  ticket: { title: string; body?: string | null | undefined },
  model?: TicketModel,
): TicketFingerprint {
  const doc = parseTicket(ticket.title, ticket.body ?? '');
  const weights = new Map<number, number>();
  const add = (term: number, weight: number) => weights.set(term, (weights.get(term) ?? 0) + weight);
  const addWord = (word: string, weight: number) => {
    if (STOP.has(word) || word.length < 2) return;
    add(fnv(FNV_OFFSET, `w:${word}`), weight * idf(word, model));
    const row = model?.wordClusters?.find(word) ?? -1;
    if (row >= 0 && model?.wordClusters !== undefined)
      add(fnv(FNV_OFFSET, `k:${model.wordClusters.cluster(row, 0)}`), weight * CLUSTER_WEIGHT);
  };
  for (const word of doc.title) addWord(word, TITLE_WEIGHT);
  for (const word of doc.body.slice(0, BODY_WORDS)) addWord(word, 1);
  const terms = Uint32Array.from([...weights.keys()].sort((a, b) => a - b));
  const values = Float32Array.from(terms, (t) => 1 + Math.log(weights.get(t) ?? 1));
  let norm = 0;
  for (const v of values) norm += v * v;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) * scale;
  return { terms, weights: values };
}

/** How rare a word is among the training tickets (the body-word feature's IDF), or a high default. */
function idf(word: string, model: TicketModel | undefined): number {
  if (model === undefined) return 1;
  const bucket = mix(fnv(fnv(FNV_OFFSET, 'b:'), word)) & (2 ** model.features.hashBits - 1);
  const slot = model.slots.slotOf(bucket);
  return slot < 0 ? 4 : (model.idf.levels[model.idf.bytes[slot] ?? 0] ?? 4);
}

/** Cosine similarity of two fingerprints, in [0, 1]. */
export function similarity(a: TicketFingerprint, b: TicketFingerprint): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.terms.length && j < b.terms.length) {
    const x = a.terms[i] ?? 0;
    const y = b.terms[j] ?? 0;
    if (x === y) dot += (a.weights[i++] ?? 0) * (b.weights[j++] ?? 0);
    else if (x < y) i++;
    else j++;
  }
  return Math.max(0, Math.min(1, dot));
}

export function encodeFingerprint(fingerprint: TicketFingerprint): FingerprintJson {
  return { v: 1, terms: b64(fingerprint.terms), weights: b64(fingerprint.weights) };
}

/** Reads a stored fingerprint; anything malformed is a `ValidationError` on `fingerprint`. */
export function decodeFingerprint(value: unknown): TicketFingerprint {
  const bad = () => new ValidationError('fingerprint', 'is not a ticket fingerprint');
  if (typeof value !== 'object' || value === null) throw bad();
  const { v, terms, weights } = value as Record<string, unknown>;
  if (v !== 1 || typeof terms !== 'string' || typeof weights !== 'string') throw bad();
  const t = Buffer.from(terms, 'base64');
  const w = Buffer.from(weights, 'base64');
  if (t.length % 4 !== 0 || t.length !== w.length) throw bad();
  return {
    terms: new Uint32Array(t.buffer.slice(t.byteOffset, t.byteOffset + t.length)),
    weights: new Float32Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.length)),
  };
}

export interface SimilarTicket<Id> {
  id: Id;
  score: number;
}

/** Fingerprints by id with an inverted index: a query only touches tickets that share a term with it. */
export class SimilarityIndex<Id> {
  private readonly entries = new Map<Id, TicketFingerprint>();
  private readonly postings = new Map<number, Set<Id>>();

  get size(): number {
    return this.entries.size;
  }

  add(id: Id, fingerprint: TicketFingerprint): void {
    this.delete(id);
    this.entries.set(id, fingerprint);
    for (const term of fingerprint.terms) {
      let ids = this.postings.get(term);
      if (ids === undefined) {
        ids = new Set();
        this.postings.set(term, ids);
      }
      ids.add(id);
    }
  }

  delete(id: Id): void {
    const old = this.entries.get(id);
    if (old === undefined) return;
    this.entries.delete(id);
    for (const term of old.terms) this.postings.get(term)?.delete(id);
  }

  /**
   * The most similar tickets, best first: at most `limit` (default 3) with a score of at least `minScore`
   * (default 0.3), skipping `exclude` (the ticket itself) and ids `visible` rejects (what the caller may not see).
   */
  similar(
    fingerprint: TicketFingerprint,
    options: { limit?: number; minScore?: number; exclude?: Id; visible?: (id: Id) => boolean } = {},
  ): SimilarTicket<Id>[] {
    const candidates = new Set<Id>();
    for (const term of fingerprint.terms) for (const id of this.postings.get(term) ?? []) candidates.add(id);
    const found: SimilarTicket<Id>[] = [];
    for (const id of candidates) {
      if (id === options.exclude || (options.visible !== undefined && !options.visible(id))) continue;
      const other = this.entries.get(id);
      if (other === undefined) continue;
      const score = similarity(fingerprint, other);
      if (score >= (options.minScore ?? 0.3)) found.push({ id, score: Math.round(score * 1e4) / 1e4 });
    }
    return found.sort((a, b) => b.score - a.score).slice(0, options.limit ?? 3);
  }
}
