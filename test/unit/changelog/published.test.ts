import { describe, expect, it } from 'vitest';
import {
  f1Score,
  generateChangelog,
  itemText,
  parsePublishedChangelog,
  scoreRelease,
} from '../../../lambdas/core/changelog/index.ts';

const RELEASE_PLEASE = `# Changelog

## [2.0.0](https://github.com/o/r/compare/v1.1.0...v2.0.0) (2024-05-01)


### ⚠ BREAKING CHANGES

* **api:** drop v1 ([#12](https://github.com/o/r/issues/12))
* the option was renamed
    - old: \`q\`
    - new: \`query\`

### Features

* **api:** drop v1 ([#12](https://github.com/o/r/issues/12)) ([aaaaaaa](https://github.com/o/r/commit/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa))
* handle &lt;T&gt; in [#7](https://github.com/o/r/issues/7) ([bbbbbbb](https://github.com/o/r/commit/bbbb)), refs [#8](https://github.com/o/r/issues/8)

## 1.1.0 (2024-04-01)

### Bug Fixes

* **ui:**
  * first fix (ccccccc)
  * second fix (ddddddd)
* plain fix (#3) (eeeeeee), closes #4 #5
`;

describe('parsePublishedChangelog', () => {
  it('reads releases, compare tags, dates, sections and items of the release-please layout', () => {
    const [newest, older] = parsePublishedChangelog(RELEASE_PLEASE);
    expect(newest).toMatchObject({
      version: '2.0.0',
      previousTag: 'v1.1.0',
      currentTag: 'v2.0.0',
      date: '2024-05-01',
      line: 3,
    });
    expect(newest?.sections.map((s) => [s.title, s.items.length])).toEqual([
      ['⚠ BREAKING CHANGES', 2],
      ['Features', 2],
    ]);
    expect(older).toMatchObject({ version: '1.1.0', previousTag: null, date: '2024-04-01' });
    expect(older?.sections[0]?.items).toEqual([
      '**ui:** first fix (ccccccc)',
      '**ui:** second fix (ddddddd)',
      'plain fix (#3) (eeeeeee), closes #4 #5',
    ]);
  });

  it('reads the older preset layouts: # for majors, ### for patches, tags with a package prefix', () => {
    const releases = parsePublishedChangelog(
      [
        '# [3.0.0](https://x/compare/pkg-v2.0.1...pkg-v3.0.0) (2024-03-01)',
        '### Features',
        '* a',
        '### [2.0.1](https://x/compare/pkg-v2.0.0...pkg-v2.0.1) (2024-02-01)',
        '### Bug Fixes',
        '- b',
        '## v2.0.0',
        '* not in a section',
      ].join('\n'),
    );
    expect(releases.map((r) => [r.version, r.previousTag, r.sections.map((s) => s.items)])).toEqual([
      ['3.0.0', 'pkg-v2.0.1', [['a']]],
      ['2.0.1', 'pkg-v2.0.0', [['b']]],
      ['2.0.0', null, []],
    ]);
  });
});

describe('item scoring', () => {
  it('reduces an item to its text: links, appended references and entities out', () => {
    expect(
      itemText(
        'handle &lt;T&gt; in [#7](https://github.com/o/r/issues/7) ([bbbbbbb](https://github.com/o/r/commit/bbbb)), refs [#8](https://github.com/o/r/issues/8)',
      ),
    ).toBe('handle <T> in #7');
    expect(itemText('**api:** drop v1 ([#12](https://x/issues/12)) ([aaaaaaa](https://x/commit/a))')).toBe(
      '**api:** drop v1',
    );
  });

  it('scores our own rendering of a release as a perfect match, and counts what differs', () => {
    const changelog = generateChangelog({
      commits: [
        { message: 'feat(api)!: drop v1 (#12)', hash: 'a'.repeat(40) },
        { message: 'fix: plain fix (#3)\n\nCloses #4', hash: 'e'.repeat(40) },
      ],
      previousVersion: '1.1.0',
      repositoryUrl: 'https://github.com/o/r',
      date: '2024-05-01',
    });
    const produced = parsePublishedChangelog(changelog.markdown)[0]?.sections ?? [];
    expect(scoreRelease(produced, produced)).toMatchObject({ matched: 3, produced: 3, expected: 3 });
    const published = [
      { title: 'Features', items: ['**API:** Drop v1 ([#12](https://x))', 'something else'] },
      { title: 'Bug Fixes', items: ['plain fix', 'plain fix'] },
    ];
    const score = scoreRelease(produced, published);
    expect(score).toMatchObject({ matched: 2, produced: 3, expected: 3 });
    expect(score.missing).toEqual(['features\u0000something else']);
    expect(score.extra).toEqual(['⚠ breaking changes\u0000**api:** drop v1']);
    expect(f1Score(2, 3, 3).f1).toBeCloseTo(2 / 3);
    expect(f1Score(0, 0, 0)).toEqual({ precision: 1, recall: 1, f1: 1 });
  });
});
