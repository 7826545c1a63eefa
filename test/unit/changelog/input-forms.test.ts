import { describe, expect, it } from 'vitest';
import {
  type ChangelogInput,
  generateChangelog,
  releaseLabel,
} from '../../../lambdas/core/changelog/index.ts';
import { splitPastedCommits } from '../../../lambdas/core/changelog/paste.ts';

const hash = (digit: string) => digit.repeat(40);

function sections(input: Omit<ChangelogInput, 'date'>): [string, string[]][] {
  const changelog = generateChangelog({ ...input, date: '2026-12-06' });
  return changelog.sections.map((s) => [s.title, s.items.map((i) => i.description)]);
}

describe('a revert that names its subject, in every input form', () => {
  const forms: [string, ChangelogInput['commits']][] = [
    ['plain messages', ['Revert "feat: add foo"', 'feat: add foo', 'fix: bar']],
    [
      'a pasted git log --oneline',
      splitPastedCommits('a1b2c3d Revert "feat: add foo"\nb2c3d4e feat: add foo\nc3d4e5f fix: bar'),
    ],
    [
      'messages without hashes',
      [{ message: 'Revert "feat: add foo"' }, { message: 'feat: add foo' }, { message: 'fix: bar' }],
    ],
    [
      'a GitHub revert pull request pasted',
      ['Revert "feat: add foo (#20)" (#25)', 'feat: add foo (#20)', 'fix: bar'],
    ],
    [
      'structured entries',
      [
        { type: 'revert', description: 'feat: add foo' },
        { type: 'feat', description: 'add foo' },
        { type: 'fix', description: 'bar' },
      ],
    ],
  ];
  for (const [form, commits] of forms) {
    it(`cancels the commit it reverts (${form})`, () => {
      const changelog = generateChangelog({ commits, previousVersion: '1.4.2', date: '2026-12-06' });
      expect(changelog.sections.map((s) => s.title)).toEqual(['Bug Fixes']);
      expect(changelog.version).toBe('1.4.3');
    });
  }

  it('reads a git history as the tools do where it can: a revert header without any revert line is no revert', () => {
    // The real-history fidelity is measured against conventional-changelog and release-please notes.
    const commits = [
      { message: 'Revert "feat: add foo (#20)" (#25)', hash: hash('a') },
      { message: 'feat: add foo (#20)', hash: hash('b') },
    ];
    expect(sections({ commits })).toEqual([['Features', ['add foo']]]);
  });

  it("takes GitHub's revert pull request (Reverts octo/app#20) for a revert: the tools would announce the reverted change", () => {
    const commits = [
      { message: 'Revert "feat: add foo (#20)" (#25)\n\nReverts octo/app#20', hash: hash('a') },
      { message: 'feat: add foo (#20)', hash: hash('b') },
      { message: 'fix: bar', hash: hash('c') },
    ];
    expect(sections({ commits })).toEqual([['Bug Fixes', ['bar']]]);
  });

  it('is listed under Reverts when the commit it names is not in the range, never dropped', () => {
    expect(sections({ commits: ['Revert "feat: add foo"', 'fix: bar'] })).toEqual([
      ['Bug Fixes', ['bar']],
      ['Reverts', ['Revert "feat: add foo"']],
    ]);
  });

  it('brings the change back when the revert is reverted', () => {
    expect(
      sections({ commits: ['Revert "Revert "feat: add foo""', 'Revert "feat: add foo"', 'feat: add foo'] }),
    ).toEqual([['Features', ['add foo']]]);
  });

  it('needs the named hash when it names one, so an unrelated commit with the same subject stays', () => {
    const commits = [
      { message: `Revert "feat: add foo"\n\nThis reverts commit ${hash('d')}.`, hash: hash('a') },
      { message: 'feat: add foo', hash: hash('b') },
    ];
    expect(sections({ commits })).toEqual([
      ['Features', ['add foo']],
      ['Reverts', ['Revert "feat: add foo"']],
    ]);
  });

  it('is a plain message with reverts: list, as release-please reads it', () => {
    expect(
      sections({ commits: ['Revert "feat: add foo"', 'feat: add foo'], options: { reverts: 'list' } }),
    ).toEqual([['Features', ['add foo']]]);
  });
});

describe('a footer line given as a commit of its own', () => {
  const pasted = 'feat(api)!: drop v1 endpoints\nBREAKING CHANGE: v1 removed\nRefs: #42\nfix: bar';

  it('belongs to the commit above it when pasted one message per line', () => {
    expect(splitPastedCommits(pasted)).toEqual([
      'feat(api)!: drop v1 endpoints\n\nBREAKING CHANGE: v1 removed\nRefs: #42',
      'fix: bar',
    ]);
  });

  it('belongs to the commit above it in the API too, so the breaking note is its text', () => {
    const commits = ['feat(api)!: drop v1 endpoints', 'BREAKING CHANGE: v1 removed', 'Refs: #42', 'fix: bar'];
    const changelog = generateChangelog({ commits, previousVersion: '1.4.2', date: '2026-12-06' });
    expect(changelog.sections.map((s) => [s.title, s.items.map((i) => i.description)])).toEqual([
      ['⚠ BREAKING CHANGES', ['v1 removed']],
      ['Features', ['drop v1 endpoints']],
      ['Bug Fixes', ['bar']],
    ]);
    expect(changelog.sections[1]?.items[0]?.issues).toEqual([42]);
    expect(changelog.stats.nonConventional).toBe(0);
  });

  it('stays a commit when it is the first line or a conventional header of an unmapped type', () => {
    expect(
      splitPastedCommits('Signed-off-by: A <a@example.com>\nbug: crash on start\nfix: #3 crash on exit'),
    ).toEqual(['Signed-off-by: A <a@example.com>', 'bug: crash on start', 'fix: #3 crash on exit']);
    expect(splitPastedCommits('fix: a\nCloses #3, octo/app#4 and #5\nReviewed-by: B')).toEqual([
      'fix: a\n\nCloses #3, octo/app#4 and #5\nReviewed-by: B',
    ]);
  });
});

describe('a changelog without a version', () => {
  it('is called Unreleased with its date, in the Markdown and in the label the console shows', () => {
    const changelog = generateChangelog({ commits: ['fix: a'], date: '2026-12-06' });
    expect(changelog.version).toBeNull();
    expect(changelog.markdown.split('\n')[0]).toBe('## Unreleased (2026-12-06)');
    expect(releaseLabel(changelog)).toBe('Unreleased (2026-12-06)');
    expect(releaseLabel({ version: '1.5.0', date: '2026-12-06' })).toBe('1.5.0 (2026-12-06)');
  });
});
