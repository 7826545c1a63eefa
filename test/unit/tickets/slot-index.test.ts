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
    // The same index from the bitmap form of the binary model (one bit per bucket).
    const bitmap = new Uint8Array(2 ** hashBits / 8);
    for (const bucket of buckets) bitmap[bucket >>> 3] = (bitmap[bucket >>> 3] ?? 0) | (1 << (bucket & 7));
    const fromBitmap = SlotIndex.fromBitmap(bitmap, buckets.length, hashBits);
    if (typeof fromBitmap === 'string') throw new Error(fromBitmap);
    for (let bucket = 0; bucket < 2 ** hashBits; bucket++)
      expect(fromBitmap.slotOf(bucket)).toBe(table[bucket]);
    // Unaligned bytes are copied, not misread.
    const unaligned = new Uint8Array(bitmap.length + 1).subarray(1);
    unaligned.set(bitmap);
    const copied = SlotIndex.fromBitmap(unaligned, buckets.length, hashBits);
    if (typeof copied === 'string') throw new Error(copied);
    expect(copied.slotOf(4095)).toBe(table[4095]);
    expect(SlotIndex.fromBitmap(bitmap, buckets.length + 1, hashBits)).toMatch(/buckets set/);
    expect(SlotIndex.fromBitmap(bitmap.subarray(1), buckets.length, hashBits)).toMatch(/must be 512 bytes/);
  });

  it('knows no bucket of an empty vocabulary', () => {
    const index = new SlotIndex(new Int32Array(0), 10);
    expect(index.slotOf(0)).toBe(-1);
    expect(index.slotOf(1023)).toBe(-1);
  });
});
