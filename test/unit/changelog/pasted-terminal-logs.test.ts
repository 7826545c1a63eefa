import { describe, expect, it } from 'vitest';
import { splitPastedCommits } from '../../../lambdas/core/changelog/paste.ts';

describe('a git log --oneline pasted from a terminal', () => {
  it('loses the ref decorations after the hash, HEAD included', () => {
    const pasted = [
      'd56b3f0 (HEAD -> main) feat(api): add search (#12)',
      '1a2b3c4 (tag: v1.0.0, origin/main, origin/HEAD) fix(ui): align the header',
      '2b3c4d5 (feature/x) perf: cache',
    ].join('\n');
    expect(splitPastedCommits(pasted)).toEqual([
      'feat(api): add search (#12)',
      'fix(ui): align the header',
      'perf: cache',
    ]);
  });

  it('loses the --graph columns and drops the lines that only draw the graph', () => {
    const pasted = [
      '*   9f8e7d6 (HEAD -> main) Merge branch "topic"',
      '|\\  ',
      '| * 1234567 feat: from the topic',
      '* | abcdef0 fix: on main',
      '|/  ',
      '*-.   0badcafe Merge branches a and b',
      '* fedcba9 (tag: v1.0.0) chore: release 1.0.0',
    ].join('\n');
    expect(splitPastedCommits(pasted)).toEqual([
      'Merge branch "topic"',
      'feat: from the topic',
      'fix: on main',
      'Merge branches a and b',
      'chore: release 1.0.0',
    ]);
  });

  it('keeps a parenthesis that is part of a subject without a hash, and one after a hash that is not git’s', () => {
    expect(splitPastedCommits('(HEAD -> main) is how git shows it\nfix: a')).toEqual([
      '(HEAD -> main) is how git shows it',
      'fix: a',
    ]);
    expect(splitPastedCommits('a1b2c3d (see #12) fix: a')).toEqual(['(see #12) fix: a']);
  });

  it('reads a long line of graph characters in linear time', () => {
    const started = performance.now();
    splitPastedCommits(`*${' '.repeat(100_000)}x\n${'|'.repeat(100_000)}x`);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
