import { describe, expect, it } from 'vitest';
import { parseCommitMessage, resolveSections } from '../../../lambdas/core/changelog/index.ts';

const { knownTypes } = resolveSections(null);
const parse = (message: string) => parseCommitMessage(message, { knownTypes });
const parseOne = (message: string) => {
  const [first] = parse(message);
  if (!first) throw new Error(`nothing parsed from ${JSON.stringify(message)}`);
  return first;
};

describe('parseCommitMessage', () => {
  it('reads type, scope, ! and description from the header', () => {
    expect(parseOne('feat(api)!: Drop the v1 routes')).toMatchObject({
      kind: 'conventional',
      type: 'feat',
      rawType: 'feat',
      scope: 'api',
      description: 'Drop the v1 routes',
      breaking: true,
      notes: ['Drop the v1 routes'],
    });
  });

  it('lower-cases the type but keeps the raw spelling', () => {
    expect(parseOne('Fix: x')).toMatchObject({ type: 'fix', rawType: 'Fix' });
  });

  it('takes the last trailing (#n) as the pull request and the others as issues', () => {
    expect(parseOne('fix: cherry-picked (#90) (#415)')).toMatchObject({
      description: 'cherry-picked',
      pr: 415,
      issues: [90],
    });
  });

  it('does not let trailers run into a breaking note', () => {
    const commit = parseOne(
      'feat: x\n\nBREAKING CHANGE: first line\nsecond line\nCo-authored-by: Ann <ann@example.com>\nSigned-off-by: Bo <bo@example.com>\nReviewed-by: Cy <cy@example.com>\nRefs: #4',
    );
    expect(commit.notes).toEqual(['first line second line']);
    expect(commit.issues).toEqual([4]);
  });

  it('collects co-authors from Co-authored-by trailers', () => {
    expect(parseOne('fix: y\n\nCo-authored-by: Ann Lee <ann@example.com>').coAuthors).toEqual([
      { name: 'Ann Lee', email: 'ann@example.com' },
    ]);
  });

  it('ignores issue references to other repositories', () => {
    expect(parseOne('fix: y\n\nFixes octo/other#9 and #10').issues).toEqual([10]);
  });

  it('recognises a git revert with its hash', () => {
    expect(
      parseOne('Revert "feat: z"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.'),
    ).toMatchObject({
      kind: 'revert',
      type: 'revert',
      description: 'Revert "feat: z"',
      revertOf: { header: 'feat: z', hash: '0123456789abcdef0123456789abcdef01234567' },
    });
  });

  it('reads the reverted header of a revert type, quoted or not', () => {
    expect(parseOne('revert: "feat: z"').revertOf).toEqual({ header: 'feat: z', hash: null });
    expect(parseOne('revert: feat: z').revertOf).toEqual({ header: 'feat: z', hash: null });
  });

  it('marks merge noise', () => {
    for (const header of [
      'Merge pull request #1 from a/b',
      "Merge branch 'main' into dev",
      "Merge remote-tracking branch 'origin/main'",
      'Merge tag v1.0.0',
      'Merged in feature/x (pull request #3)',
      'Merge develop into main',
    ]) {
      expect(parseOne(header).kind, header).toBe('merge');
    }
  });

  it('reads Release-As', () => {
    expect(parseOne('chore: release\n\nRelease-As: v2.0.0').releaseAs).toBe('2.0.0');
  });

  it('gives override entries the pull request of the commit that carries them', () => {
    const parsed = parse(
      'chore: x (#55)\n\nBEGIN_COMMIT_OVERRIDE\nfeat: a\nfix(b): c (#56)\nEND_COMMIT_OVERRIDE',
    );
    expect(parsed.map((c) => [c.type, c.scope, c.description, c.pr, c.derived])).toEqual([
      ['feat', null, 'a', 55, true],
      ['fix', 'b', 'c', 56, true],
    ]);
  });

  it('keeps a breaking footer inside an override with its header', () => {
    const parsed = parse(
      'BEGIN_COMMIT_OVERRIDE\nfeat(api): new\nBREAKING CHANGE: old is gone\nfix: other\nEND_COMMIT_OVERRIDE',
    );
    expect(parsed.map((c) => [c.description, c.notes])).toEqual([
      ['new', ['old is gone']],
      ['other', []],
    ]);
  });

  it('ignores an empty override block', () => {
    expect(
      parse('fix: kept\n\nBEGIN_COMMIT_OVERRIDE\n\nEND_COMMIT_OVERRIDE').map((c) => c.description),
    ).toEqual(['kept']);
  });

  it('does not read `Fix: #12` as a footer commit', () => {
    expect(parse('feat: a\n\nFix: #12').map((c) => c.description)).toEqual(['a']);
  });

  it('returns nothing for a message of blank lines', () => {
    expect(parse('\n\n  \n')).toEqual([]);
  });

  it('accepts CRLF line endings', () => {
    expect(parseOne('feat: a\r\n\r\nBREAKING CHANGE: b\r\n').notes).toEqual(['b']);
  });
});
