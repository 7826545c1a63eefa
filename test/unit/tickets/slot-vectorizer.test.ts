import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEATURE_CONFIG,
  type Extracted,
  GROUPS,
  SEGMENTS,
  SlotIndex,
  SlotVectorizer,
} from '../../../lambdas/core/tickets/features.ts';
import { mix } from '../../../lambdas/core/tickets/hash.ts';

const HASH_BITS = 12;
const config = { ...DEFAULT_FEATURE_CONFIG, hashBits: HASH_BITS, projectWeight: 0 };

/** A vocabulary of the buckets of every even raw hash, with IDF levels 0, 1, 2… */
function vocabulary() {
  const buckets = [...new Set(Array.from({ length: 200 }, (_, i) => mix(2 * i) & (2 ** HASH_BITS - 1)))].sort(
    (a, b) => a - b,
  );
  const bytes = Uint8Array.from(buckets, (_, slot) => slot % 7);
  return { slots: new SlotIndex(Int32Array.from(buckets), HASH_BITS), bytes, step: 16 };
}

/** The training path's arithmetic, written plainly: counts per slot in order of first sight, TF-IDF, L2. */
function reference(extracted: Extracted, slots: SlotIndex, idf: (slot: number) => number) {
  const index: number[] = [];
  const value: number[] = [];
  for (let g = 0; g < GROUPS.length; g++) {
    const counts = new Map<number, number>();
    for (let h = extracted.starts[g] ?? 0; h < (extracted.starts[g + 1] ?? 0); h++) {
      const slot = slots.slotOf(mix(extracted.hashes[h] ?? 0) & (2 ** HASH_BITS - 1));
      if (slot >= 0) counts.set(slot, (counts.get(slot) ?? 0) + 1);
    }
    const values = [...counts].map(([slot, count]) => (1 + Math.log(count)) * idf(slot));
    const norm = values.reduce((sum, v) => sum + v * v, 0);
    index.push(...counts.keys());
    value.push(...values.map((v) => v * (norm > 0 ? 1 / Math.sqrt(norm) : 0)));
  }
  return { index, value };
}

describe('SlotVectorizer', () => {
  it('gives the training arithmetic to the last bit, also for a group too large for 16-bit counts', () => {
    const { slots, bytes, step } = vocabulary();
    const vectorizer = new SlotVectorizer(config, slots, { bytes, step });
    const idf = (slot: number) => Math.fround(1 + (bytes[slot] ?? 0) / step);
    // Group sizes: small ones, then one of 70,000 features (one hash 69,000 times: a count over 65,535).
    const sizes = [5, 40, 0, 300, 70_000, 17];
    const hashes: number[] = [];
    const starts = [0];
    let seed = 7;
    sizes.forEach((size, g) => {
      for (let i = 0; i < size; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        hashes.push(g === 4 && i >= 1000 ? 42 : seed % 400);
      }
      starts.push(hashes.length);
    });
    const extracted: Extracted = {
      hashes: Uint32Array.from(hashes),
      starts: Int32Array.from(starts),
      origins: new Int32Array(hashes.length),
    };
    const expected = reference(extracted, slots, idf);
    for (let round = 0; round < 2; round++) {
      const x = vectorizer.vectorize(extracted, undefined);
      expect(x.starts).toHaveLength(SEGMENTS + 1);
      expect(Array.from(x.index)).toEqual(expected.index);
      expect(Array.from(x.value)).toEqual(expected.value);
    }
  });
});
