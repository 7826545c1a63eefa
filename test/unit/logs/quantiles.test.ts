import { describe, expect, it } from 'vitest';
import { QuantileSketch } from '../../../lambdas/core/logs/quantiles.ts';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('QuantileSketch', () => {
  it('merges two sketches into the sketch of all their values', () => {
    const a = new QuantileSketch(0.01);
    const b = new QuantileSketch(0.01);
    const all = new QuantileSketch(0.01);
    for (let i = 0; i < 1000; i++) {
      (i % 3 === 0 ? a : b).add(i);
      all.add(i);
    }
    a.merge(b);
    expect(a.count).toBe(1000);
    expect(a.max).toBe(999);
    for (const q of [0, 0.5, 0.95, 0.99]) expect(a.quantile(q)).toBe(all.quantile(q));
  });

  it('answers every percentile within 1% of the exact value, on a long-tailed distribution', () => {
    const next = random(7);
    const values = Array.from({ length: 20_000 }, () => Math.exp(next() * 12) * 0.01);
    const sketch = new QuantileSketch(0.01);
    for (const v of values) sketch.add(v);
    const sorted = values.slice().sort((a, b) => a - b);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))] as number;
      expect(Math.abs(sketch.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    expect(sketch.count).toBe(20_000);
    expect(sketch.max).toBe(sorted[sorted.length - 1]);
  });

  it('handles zeros, a single value and no value', () => {
    const s = new QuantileSketch();
    expect(s.quantile(0.5)).toBe(0);
    s.add(0);
    s.add(0);
    s.add(40);
    expect(s.quantile(0.5)).toBe(0);
    expect(s.quantile(1)).toBe(40);
    const one = new QuantileSketch();
    one.add(12.5);
    expect(Math.abs(one.quantile(0.99) - 12.5)).toBeLessThanOrEqual(0.125);
  });
});
