import { describe, expect, it } from 'vitest';
import { renderSummaryText, summarizeLog } from '../../../lambdas/core/logs/index.ts';
import { sharesOfTotal } from '../../../lambdas/core/logs/summary-text.ts';

describe('summary text shares', () => {
  it('rounds level shares so they add up to exactly 100%', () => {
    // 1,969 + 31 of 2,000 rounds naively to 98.5% + 1.6% = 100.1%.
    expect(sharesOfTotal([1969, 31])).toEqual(['98.5%', '1.5%']);
    const shares = sharesOfTotal([1, 1, 1]).map((s) => Number.parseFloat(s));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 6);
  });

  it('gives 0.0% to every share of an empty total instead of dividing by zero', () => {
    expect(sharesOfTotal([0, 0])).toEqual(['0.0%', '0.0%']);
  });

  it('says "1 line" of a one-line log', () => {
    expect(renderSummaryText(summarizeLog('hello world').summary)).toContain('Log: 1 line (');
  });
});
