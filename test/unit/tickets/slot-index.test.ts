import { describe, expect, it } from 'vitest';
import { SlotIndex } from '../../../lambdas/core/tickets/features.ts';

describe('SlotIndex', () => {
  it('maps every bucket to the slot a plain bucket → slot table gives', () => {
    const hashBits = 12;
    // Dense runs, gaps, whole 32-bucket words full or empty, and the first and last buckets.
    const chosen = new Set<number>([0, 31, 32, 63, 4095]);
    for (let b = 64; b < 96; b++) chosen.add(b);
    let seed = 3;
    for (let i = 0; i < 900; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      chosen.add(seed % 2 ** hashBits);
    }
    const buckets = Int32Array.from([...chosen].sort((a, b) => a - b));
    const table = new Int32Array(2 ** hashBits).fill(-1);
    buckets.forEach((bucket, slot) => {
      table[bucket] = slot;
    });
    const index = new SlotIndex(buckets, hashBits);
    expect(index.size).toBe(buckets.length);
    for (let bucket = 0; bucket < 2 ** hashBits; bucket++) expect(index.slotOf(bucket)).toBe(table[bucket]);
  });

  it('knows no bucket of an empty vocabulary', () => {
    const index = new SlotIndex(new Int32Array(0), 10);
    expect(index.slotOf(0)).toBe(-1);
    expect(index.slotOf(1023)).toBe(-1);
  });
});
