import { describe, expect, it } from 'vitest';
import { normaliseTemplate, scoreParsing } from '../../../scripts/log-metrics.ts';

describe('Loghub-2.0 parsing metrics', () => {
  it('scores a perfect parse as 1 everywhere', () => {
    const truth = ['a <*>', 'a <*>', 'b'];
    expect(scoreParsing(truth, ['a <NUM>', 'a <*>', 'b'])).toMatchObject({ ga: 1, fga: 1, pa: 1, fta: 1 });
  });

  it('counts a split group as wrong for all its lines and a wrong text only in PA and FTA', () => {
    const truth = ['a <*>', 'a <*>', 'a <*>', 'b <*>'];
    const split = scoreParsing(truth, ['a 1', 'a 2', 'a 2', 'b <*>']);
    expect(split.ga).toBe(0.25);
    expect(split.pa).toBe(0.25);
    const text = scoreParsing(truth, ['a x', 'a x', 'a x', 'b <*>']);
    expect(text).toMatchObject({ ga: 1, fga: 1, pa: 0.25 });
    // Template level: 1 of 2 predicted templates correct, 1 of 2 true ones found.
    expect(text.fta).toBe(0.5);
  });

  it('groups predictions by their text, as the study does', () => {
    expect(scoreParsing(['a', 'b'], ['<*>', '<*>']).ga).toBe(0);
  });

  it('normalises placeholders and whitespace only', () => {
    expect(normaliseTemplate('  took <NUM>  ms <IP#3> ')).toBe('took <*> ms <IP#3>');
  });
});
