import { describe, expect, it } from 'vitest';
import { percentile, score, stratifiedFolds } from '../../../lambdas/core/tickets/metrics.ts';

describe('score', () => {
  it('computes per-class F1 and their unweighted mean', () => {
    const card = score(['a', 'b'], ['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(card.perClass[0]?.f1).toBeCloseTo(2 / 3);
    expect(card.perClass[1]?.f1).toBeCloseTo(0.8);
    expect(card.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2);
    expect(card.accuracy).toBeCloseTo(0.75);
  });

  it('gives F1 0 to a class never predicted nor present instead of dividing by zero', () => {
    expect(score(['a', 'b'], ['a'], ['a']).perClass[1]?.f1).toBe(0);
  });
});

describe('stratifiedFolds', () => {
  it('deals every stratum evenly across folds, the same way for the same seed', () => {
    const strata = [...Array(10).fill('x'), ...Array(5).fill('y')] as string[];
    const folds = stratifiedFolds(strata, 5, 3);
    for (let f = 0; f < 5; f++) {
      expect(folds.filter((v, i) => v === f && strata[i] === 'x')).toHaveLength(2);
      expect(folds.filter((v, i) => v === f && strata[i] === 'y')).toHaveLength(1);
    }
    expect(stratifiedFolds(strata, 5, 3)).toEqual(folds);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([], 50)).toBe(0);
  });
});
