import { describe, expect, it } from 'vitest';
import { generateChangelog } from '../../../lambdas/core/changelog/index.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';

function refusal(run: () => unknown): { field: string; problem: string } | null {
  try {
    run();
    return null;
  } catch (error: unknown) {
    if (!(error instanceof ValidationError)) throw error;
    return { field: error.field, problem: error.problem };
  }
}

describe('the release date', () => {
  it('must be a day of the calendar', () => {
    for (const date of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10']) {
      expect(refusal(() => generateChangelog({ commits: ['feat: a'], date }))?.field).toBe('input.date');
    }
  });

  it('may be a leap day', () => {
    expect(generateChangelog({ commits: ['feat: a'], date: '2024-02-29' }).date).toBe('2024-02-29');
  });
});

describe('an explicit release version (release-as)', () => {
  it('is refused unless greater than the previous version, naming the field', () => {
    for (const version of ['1.2.0', '1.2.3', '1.2.3-rc.1']) {
      expect(
        refusal(() =>
          generateChangelog({ commits: ['fix: a'], previousVersion: '1.2.3', version, date: '2024-05-01' }),
        ),
      ).toEqual({ field: 'input.version', problem: 'must be greater than the previous version 1.2.3' });
    }
  });

  it('completes a pre-release or jumps ahead when greater', () => {
    const input = { commits: ['fix: a'], date: '2024-05-01' };
    expect(generateChangelog({ ...input, previousVersion: '2.0.0-rc.1', version: '2.0.0' }).version).toBe(
      '2.0.0',
    );
    expect(generateChangelog({ ...input, previousVersion: '1.2.3', version: '3.0.0' }).version).toBe('3.0.0');
  });
});
