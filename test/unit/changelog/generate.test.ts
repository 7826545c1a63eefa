import { describe, expect, it } from 'vitest';
import {
  type ChangelogInput,
  changelogInputSchema,
  changelogToJson,
  generateChangelog,
  MAX_COMMITS,
  MAX_ENTRIES,
  MAX_MESSAGE_CHARS,
  MAX_SUBJECT_CHARS,
} from '../../../lambdas/core/changelog/index.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';

const hash = (digit: string) => digit.repeat(40);

function validationField(input: unknown): string {
  try {
    generateChangelog(input as ChangelogInput);
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('generateChangelog markdown', () => {
  it('renders the conventional-changelog layout with compare, PR, commit and issue links', () => {
    const changelog = generateChangelog({
      commits: [
        { message: 'feat(api)!: drop v1 (#12)', hash: hash('a') },
        { message: 'fix: handle #7 gracefully\n\nCloses #8', hash: hash('b') },
      ],
      previousVersion: '1.1.0',
      repositoryUrl: 'https://github.com/octo/app.git',
      date: '2024-05-01',
    });
    expect(changelog.markdown).toBe(
      [
        '## [2.0.0](https://github.com/octo/app/compare/v1.1.0...v2.0.0) (2024-05-01)',
        '',
        '### ⚠ BREAKING CHANGES',
        '',
        '* **api:** drop v1 ([#12](https://github.com/octo/app/issues/12))',
        '',
        '### Features',
        '',
        `* **api:** drop v1 ([#12](https://github.com/octo/app/issues/12)) ([aaaaaaa](https://github.com/octo/app/commit/${hash('a')}))`,
        '',
        '### Bug Fixes',
        '',
        `* handle [#7](https://github.com/octo/app/issues/7) gracefully ([bbbbbbb](https://github.com/octo/app/commit/${hash('b')})), closes [#8](https://github.com/octo/app/issues/8)`,
        '',
      ].join('\n'),
    );
  });

  it('renders plain references without a repository URL, and Unreleased without a version', () => {
    const changelog = generateChangelog({
      commits: [{ message: 'fix: x (#3)', hash: hash('c') }],
      date: '2024-05-01',
    });
    expect(changelog.markdown).toBe('## Unreleased (2024-05-01)\n\n### Bug Fixes\n\n* x (#3) (ccccccc)\n');
  });

  it('uses the given tags in the compare link', () => {
    const changelog = generateChangelog({
      commits: ['fix: x'],
      previousVersion: '1.0.0',
      version: '1.0.1',
      previousTag: 'pkg-v1.0.0',
      currentTag: 'pkg-v1.0.1',
      repositoryUrl: 'https://gitlab.example.com/group/pkg',
      date: '2024-05-01',
    });
    expect(changelog.markdown.split('\n')[0]).toBe(
      '## [1.0.1](https://gitlab.example.com/group/pkg/compare/pkg-v1.0.0...pkg-v1.0.1) (2024-05-01)',
    );
  });

  it('groups items by scope when asked', () => {
    const changelog = generateChangelog({
      commits: ['feat(api): a', 'feat(api): b', 'feat(ui): c', 'feat: d'],
      date: '2024-05-01',
      options: { groupByScope: true },
    });
    expect(changelog.markdown).toContain('* **api:**\n  * a\n  * b\n* **ui:** c\n* d\n');
  });

  it('lists contributors in the Markdown only when asked', () => {
    const input: ChangelogInput = {
      commits: [
        {
          message: 'feat: a\n\nCo-authored-by: Ann <ann@example.com>',
          author: { name: 'Bo', email: 'bo@example.com' },
        },
        { message: 'fix: b', author: { name: 'Bo', email: 'BO@example.com' } },
      ],
      date: '2024-05-01',
    };
    expect(generateChangelog(input).markdown).not.toContain('Contributors');
    const changelog = generateChangelog({ ...input, options: { includeContributors: true } });
    expect(changelog.contributors).toEqual([
      { name: 'Bo', email: 'bo@example.com', commits: 2 },
      { name: 'Ann', email: 'ann@example.com', commits: 1 },
    ]);
    expect(changelog.markdown).toContain('### Contributors\n\n* Bo\n* Ann\n');
  });

  it('orders scoped items before unscoped ones, each alphabetically', () => {
    const changelog = generateChangelog({
      commits: ['fix: z', 'fix(b): y', 'fix: a', 'fix(a): x'],
      date: '2024-05-01',
    });
    expect(changelog.sections[0]?.items.map((i) => `${i.scope ?? ''}:${i.description}`)).toEqual([
      'a:x',
      'b:y',
      ':a',
      ':z',
    ]);
  });
});

describe('generateChangelog structured result', () => {
  it('produces the documented JSON shape', () => {
    const json = changelogToJson(
      generateChangelog({
        commits: [{ message: 'feat(api): add search (#9)', hash: hash('d'), author: 'Ann' }],
        previousVersion: '1.0.0',
        date: '2024-05-01',
      }),
    );
    expect(json).toMatchObject({
      version: '1.1.0',
      bump: 'minor',
      sections: [
        {
          title: 'Features',
          items: [
            {
              scope: 'api',
              description: 'add search',
              hash: hash('d'),
              pr: 9,
              breaking: false,
              author: 'Ann',
            },
          ],
        },
      ],
    });
    expect(json).not.toHaveProperty('markdown');
  });

  it('accepts structured entries next to raw messages', () => {
    const changelog = generateChangelog({
      commits: [
        { type: 'Feat', scope: 'billing', description: 'invoices in PDF', pr: 31, author: { name: 'Ann' } },
        {
          type: 'fix',
          description: 'rounding',
          breaking: true,
          breakingNote: 'amounts are now rounded half-even',
        },
        'perf: faster export',
      ],
      previousVersion: '3.2.1',
      date: '2024-05-01',
    });
    expect(
      changelog.sections.map((s) => [s.title, s.items.map((i) => [i.scope, i.description, i.pr])]),
    ).toEqual([
      ['⚠ BREAKING CHANGES', [[null, 'amounts are now rounded half-even', null]]],
      ['Features', [['billing', 'invoices in PDF', 31]]],
      ['Bug Fixes', [[null, 'rounding', null]]],
      ['Performance Improvements', [[null, 'faster export', null]]],
    ]);
    expect(changelog.version).toBe('4.0.0');
  });

  it('can keep the major version on a breaking change while 0.x when asked', () => {
    const changelog = generateChangelog({
      commits: ['feat!: x'],
      previousVersion: '0.9.0',
      date: '2024-05-01',
      options: { preMajorBreakingBumpsMinor: false },
    });
    expect(changelog.version).toBe('1.0.0');
  });

  it('counts what it skipped', () => {
    const changelog = generateChangelog({
      commits: ['Merge branch x', 'chore: a', 'Update readme', 'fixup! fix: b', 'fix: b', 'fix: b'],
      date: '2024-05-01',
    });
    expect(changelog.stats).toEqual({
      commits: 6,
      conventional: 3,
      merges: 1,
      nonConventional: 1,
      hidden: 1,
      unknown: 0,
      unknownTypes: [],
      reverted: 0,
      duplicates: 1,
      ignoredBreakingNotes: 0,
      autosquash: 1,
      gitmoji: 0,
      repairedHeaders: 0,
      suspectedHeaders: 0,
      nearMisses: [],
    });
  });

  it('takes the date from the clock when none is given', () => {
    const changelog = generateChangelog(
      { commits: ['fix: a'] },
      { now: () => new Date('2030-01-02T23:59:00Z') },
    );
    expect(changelog.date).toBe('2030-01-02');
  });

  it('treats the same commit listed twice as one', () => {
    const changelog = generateChangelog({
      commits: [
        { message: 'feat: a', hash: hash('e') },
        { message: 'feat: a', hash: hash('e') },
      ],
      date: '2024-05-01',
    });
    expect(changelog.sections[0]?.items).toHaveLength(1);
    expect(changelog.stats.duplicates).toBe(0);
  });
});

describe('generateChangelog bad input', () => {
  it('rejects more commits than the cap before parsing any', () => {
    const commits = Array.from({ length: MAX_COMMITS + 1 }, () => 'fix: x');
    expect(validationField({ commits })).toBe('input.commits');
  });

  it('accepts exactly the cap', () => {
    const commits = Array.from({ length: MAX_COMMITS }, (_, i) => `fix: change ${i}`);
    expect(generateChangelog({ commits, date: '2024-05-01' }).sections[0]?.items).toHaveLength(MAX_COMMITS);
  });

  it('names the message that is too long', () => {
    const long = `fix: x\n\n${'a'.repeat(MAX_MESSAGE_CHARS)}`;
    expect(validationField({ commits: ['fix: ok', { message: long }] })).toBe('input.commits[1].message');
    expect(validationField({ commits: ['fix: ok', 'fix: ok', long] })).toBe('input.commits[2]');
  });

  it('names a first line that is too long', () => {
    expect(validationField({ commits: [{ message: `fix: ${'a'.repeat(MAX_SUBJECT_CHARS)}` }] })).toBe(
      'input.commits[0].message',
    );
  });

  it('names the field of a bad structured entry', () => {
    expect(validationField({ commits: [{ type: 'feat', description: '' }] })).toBe(
      'input.commits[0].description',
    );
    expect(validationField({ commits: [{ type: 'not a type', description: 'x' }] })).toBe(
      'input.commits[0].type',
    );
    expect(validationField({ commits: [{ type: 'fix', description: 'x', pr: -1 }] })).toBe(
      'input.commits[0].pr',
    );
  });

  it('rejects empty lists, empty messages and values that are not commits', () => {
    expect(validationField({ commits: [] })).toBe('input.commits');
    expect(validationField({ commits: ['  \n '] })).toBe('input.commits[0]');
    expect(validationField({ commits: [42] })).toBe('input.commits[0]');
    expect(validationField({})).toBe('input.commits');
  });

  it('rejects a previous version that is not semver, a bad URL and a bad date', () => {
    expect(validationField({ commits: ['fix: a'], previousVersion: '1.2' })).toBe('input.previousVersion');
    expect(validationField({ commits: ['fix: a'], repositoryUrl: 'javascript:alert(1)' })).toBe(
      'input.repositoryUrl',
    );
    expect(validationField({ commits: ['fix: a'], date: '2024-02-31x' })).toBe('input.date');
  });

  it('rejects commits that expand to more entries than the cap', () => {
    const nested = `chore: bulk\n\n${Array.from({ length: 6 }, (_, i) => `fix: nested ${i}`).join('\n')}`;
    const commits = Array.from({ length: Math.ceil(MAX_ENTRIES / 7) + 1 }, () => nested);
    expect(validationField({ commits })).toBe('input.commits');
  });

  it('rejects a bad section map entry', () => {
    expect(
      validationField({ commits: ['fix: a'], options: { sections: [{ type: 'docs', section: '' }] } }),
    ).toBe('input.options.sections[0].section');
  });

  it('exports the schema for callers that validate first', () => {
    expect(changelogInputSchema.safeParse({ commits: ['feat: a'] }).success).toBe(true);
    expect(changelogInputSchema.safeParse({ commits: 'feat: a' }).success).toBe(false);
  });
});

describe('generateChangelog sections, unknown types, release-as and reverts', () => {
  const titles = (input: ChangelogInput) =>
    generateChangelog({ date: '2024-05-01', ...input }).sections.map((s) => [
      s.title,
      s.items.map((i) => i.description),
    ]);

  it('never drops an unknown type silently: Other changes by default, with a configurable title', () => {
    const changelog = generateChangelog({
      commits: ['deps: bump zlib', 'feat: new'],
      date: '2024-05-01',
      options: { otherSection: 'Miscellaneous' },
    });
    expect(changelog.sections.map((s) => s.title)).toEqual(['Features', 'Miscellaneous']);
    expect(changelog.markdown).toContain('### Miscellaneous\n\n* deps: bump zlib\n');
    expect(changelog.stats).toMatchObject({ unknown: 1, unknownTypes: ['deps'] });
  });

  it('lists an unknown type under Other changes as the message wrote it (README:, not readme:)', () => {
    const changelog = generateChangelog({
      commits: ['README: document the quick start', 'Deps(API): bump zlib'],
      date: '2024-05-01',
    });
    expect(changelog.markdown).toContain('* README: document the quick start\n* Deps(API): bump zlib\n');
    expect(changelog.sections[0]?.items.map((i) => [i.type, i.rawType])).toEqual([
      ['readme', 'README'],
      ['deps', 'Deps'],
    ]);
  });

  it('refuses an unknown type with a ValidationError naming the entry when the team asks for strictness', () => {
    const strict = { unknownTypes: 'error' as const };
    let error: unknown;
    try {
      generateChangelog({ commits: ['fix: ok', { type: 'security2', description: 'x' }], options: strict });
    } catch (caught: unknown) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('input.commits[1].type');
    expect((error as ValidationError).problem).toMatch(/^"security2" has no section \(known: feat, /);
    expect(validationField({ commits: ['fix: ok', 'deps: bump'], options: strict })).toBe(
      'input.commits[1].message',
    );
  });

  it('gives an input made only of security and docs entries a Security and a Documentation section', () => {
    const changelog = generateChangelog({
      commits: [
        { type: 'security', description: 'escape names' },
        { type: 'docs', description: 'explain limits' },
      ],
      previousVersion: '1.0.0',
      date: '2024-05-01',
    });
    expect(changelog.sections.map((s) => s.title)).toEqual(['Security', 'Documentation']);
    expect(changelog).toMatchObject({ version: '1.0.1', bump: 'patch' });
  });

  it('sends a scope to its own section when a scoped rule says so', () => {
    expect(
      titles({
        commits: ['fix(deps): bump lodash', 'fix: real'],
        options: { sections: [{ type: 'fix', scope: 'deps', section: 'Dependencies' }] },
      }),
    ).toEqual([
      ['Bug Fixes', ['real']],
      ['Dependencies', ['bump lodash']],
    ]);
  });

  it('lists a change once however often the messages repeat it (PR suffix, period, quotes, case)', () => {
    const changelog = generateChangelog({
      commits: [
        'feat!: drop node 14 (#12)\n\nfeat!: drop node 14',
        'feat: Add search.',
        'feat: "add search"',
        'Merge pull request #9 from o/b\n\nfix: handle x',
        'fix: handle x',
      ],
      date: '2024-05-01',
    });
    expect(changelog.sections.map((s) => [s.title, s.items.length])).toEqual([
      ['⚠ BREAKING CHANGES', 1],
      ['Features', 2],
      ['Bug Fixes', 1],
    ]);
    expect(changelog.stats.duplicates).toBe(4);
  });

  it('forces the version with release-as (version), over Release-As footers and the bump', () => {
    const input = { commits: ['feat: a', 'chore: pin\n\nRelease-As: 3.0.0'], previousVersion: '1.2.3' };
    expect(generateChangelog({ ...input, date: '2024-05-01' }).version).toBe('3.0.0');
    expect(generateChangelog({ ...input, version: '5.0.0-rc.1', date: '2024-05-01' }).version).toBe(
      '5.0.0-rc.1',
    );
    expect(validationField({ ...input, version: 'five' })).toBe('input.version');
  });

  it('keeps both a commit and its revert with reverts: list, as release-please does', () => {
    const commits = [
      { message: `Revert "feat: x"\n\nThis reverts commit ${hash('a')}.`, hash: hash('b') },
      { message: `revert: fix: y\n\nThis reverts commit ${hash('d')}.`, hash: hash('c') },
      { message: 'fix: y', hash: hash('d') },
      { message: 'feat: x', hash: hash('a') },
    ];
    expect(titles({ commits })).toEqual([]);
    expect(titles({ commits, options: { reverts: 'list' } })).toEqual([
      ['Features', ['x']],
      ['Bug Fixes', ['y']],
      ['Reverts', ['fix: y']],
    ]);
  });

  it('names both fields when the input is empty', () => {
    expect(() => generateChangelog({ commits: [] })).toThrow(
      'input.commits: must contain at least one commit message or structured entry',
    );
  });
});
