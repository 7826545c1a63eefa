import { describe, expect, it } from 'vitest';
import { generateChangelog } from '../../../lambdas/core/changelog/index.ts';
import { splitPastedCommits } from '../../../lambdas/core/changelog/paste.ts';

const generate = (commits: string[], options: { includeOther?: boolean } = {}) =>
  generateChangelog({ commits, previousVersion: '1.2.3', date: '2024-05-01', options });

describe('a non-conventional commit that is left out', () => {
  it('contributes no BREAKING CHANGES item and no major bump, as release-please drops it whole', () => {
    const changelog = generate(['Update stuff\n\nBREAKING CHANGE: removed x']);
    expect(changelog.sections).toEqual([]);
    expect(changelog.bump).toBe('none');
    expect(changelog.version).toBeNull();
    expect(changelog.markdown).not.toContain('BREAKING');
    expect(changelog.stats).toMatchObject({ commits: 1, nonConventional: 1, ignoredBreakingNotes: 1 });
  });

  it('leaves the conventional commits beside it as they were', () => {
    const changelog = generate(['Update stuff\n\nBREAKING CHANGE: removed x', 'fix: a']);
    expect(changelog.version).toBe('1.2.4');
    expect(changelog.sections.map((s) => s.title)).toEqual(['Bug Fixes']);
  });

  it('pins no version with a Release-As footer', () => {
    expect(generate(['Update stuff\n\nRelease-As: 3.0.0', 'fix: a']).version).toBe('1.2.4');
  });

  it('counts when includeOther lists it: then its note is in the changelog and bumps', () => {
    const changelog = generate(['Update stuff\n\nBREAKING CHANGE: removed x'], { includeOther: true });
    expect(changelog.version).toBe('2.0.0');
    expect(changelog.stats.ignoredBreakingNotes).toBe(0);
  });
});

describe('the commit count', () => {
  it('does not count a footer line sent as a string of its own', () => {
    expect(generate(['Update stuff', 'BREAKING CHANGE: removed x']).stats.commits).toBe(1);
  });

  it('does not count the body lines of one pasted message', () => {
    const pasted = 'Update stuff\n\nThe x option is gone.\n\nBREAKING CHANGE: removed x\n';
    expect(splitPastedCommits(pasted)).toEqual([pasted.trim()]);
    expect(generate(splitPastedCommits(pasted)).stats).toMatchObject({ commits: 1, nonConventional: 1 });
  });

  it('keeps the issue a pasted message closes on its own commit', () => {
    const changelog = generate(splitPastedCommits('feat(api): add x\n\nLonger explanation.\n\nCloses #3'));
    expect(changelog.stats.commits).toBe(1);
    expect(changelog.sections[0]?.items[0]?.issues).toEqual([3]);
  });
});
