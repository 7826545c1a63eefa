import { describe, expect, it } from 'vitest';
import { errorCount, errorLevel, errorWhy } from './error-lines.ts';
import type { TemplateBrief } from './summary-model.ts';

const brief = (over: Partial<TemplateBrief>): TemplateBrief => ({
  id: 'T1',
  template: 'x',
  count: 1200,
  share: 0.5,
  level: 'INFO',
  firstLine: 1,
  ...over,
});

describe('error template wording', () => {
  it('counts errors of lines, in the singular for one', () => {
    expect(errorCount(brief({ errors: { lines: 20, level: 0, http5xx: 20, wording: 0 } }))).toEqual({
      part: '20 errors',
      of: 'of 1,200 lines',
    });
    expect(errorCount(brief({ count: 1, errors: { lines: 1, level: 1, http5xx: 0, wording: 0 } }))).toEqual({
      part: '1 error',
      of: 'of 1 line',
    });
    expect(errorCount(brief({}))).toBeNull();
  });

  it('names the level of the error lines, not of most lines', () => {
    expect(errorLevel(brief({ errors: { lines: 20, level: 3, http5xx: 20, wording: 0 } }))).toBe('ERROR');
    expect(
      errorLevel(brief({ level: 'FATAL', errors: { lines: 5, level: 5, http5xx: 0, wording: 0 } })),
    ).toBe('FATAL');
    expect(errorLevel(brief({ errors: { lines: 20, level: 0, http5xx: 20, wording: 0 } }))).toBe('5xx');
    expect(
      errorLevel(brief({ level: 'ERROR', errors: { lines: 9, level: 0, http5xx: 0, wording: 9 } })),
    ).toBe('ERROR');
    expect(errorLevel(brief({ level: 'WARN' }))).toBe('WARN');
  });

  it('says why when the level does not say it all', () => {
    expect(
      errorWhy(
        brief({ count: 10, level: 'ERROR', errors: { lines: 10, level: 10, http5xx: 0, wording: 0 } }),
      ),
    ).toBe('');
    expect(
      errorWhy(
        // 20 of 21 lines at FATAL: the count and the level column say it.
        brief({ count: 21, level: 'FATAL', errors: { lines: 20, level: 20, http5xx: 0, wording: 0 } }),
      ),
    ).toBe('');
    // A log without levels: the level mix says the levels are inferred.
    expect(errorWhy(brief({ level: 'ERROR', errors: { lines: 9, level: 0, http5xx: 0, wording: 9 } }))).toBe(
      '',
    );
    expect(errorWhy(brief({ errors: { lines: 40, level: 0, http5xx: 40, wording: 0 } }))).toBe('HTTP 5xx');
    expect(errorWhy(brief({ errors: { lines: 20, level: 12, http5xx: 20, wording: 0 } }))).toBe(
      'level ERROR (12 lines), HTTP 5xx',
    );
    expect(errorWhy(brief({ errors: { lines: 9, level: 0, http5xx: 1, wording: 8 } }))).toBe(
      'HTTP 5xx (1 line), error wording (8 lines)',
    );
    expect(errorWhy(brief({}))).toBe('');
  });
});
