import { describe, expect, it } from 'vitest';
import { generateChangelog } from '../../../lambdas/core/changelog/index.ts';
import { inputFor, loadFixtureCases, sectionLabels } from './fixture-cases.ts';

const cases = loadFixtureCases();

describe('changelog fixtures (test/fixtures/changelog)', () => {
  it('finds a fixture file for every parsing rule', () => {
    const files = new Set(cases.map((c) => c.file));
    expect([...files].sort()).toEqual([
      'breaking-notes.json',
      'gitmoji.json',
      'merges.json',
      'near-misses.json',
      'overrides.json',
      'references.json',
      'reverts.json',
      'spec-examples.json',
      'types.json',
      'versions.json',
    ]);
  });

  for (const fixture of cases) {
    it(`${fixture.file}: ${fixture.name}`, () => {
      const changelog = generateChangelog(inputFor(fixture));
      const expectedSections = Object.entries(fixture.expected.sections).map(
        ([title, labels]): [string, string[]] => [title, [...labels].sort()],
      );
      expect(sectionLabels(changelog)).toEqual(expectedSections);
      if (fixture.expected.bump !== undefined) expect(changelog.bump).toBe(fixture.expected.bump);
      if (fixture.expected.version !== undefined) expect(changelog.version).toBe(fixture.expected.version);
      for (const wanted of fixture.expected.items ?? []) {
        const item = changelog.sections
          .filter((s) => s.kind !== 'breaking')
          .flatMap((s) => s.items)
          .find((i) => i.description === wanted.description);
        expect(item, wanted.description).toBeDefined();
        expect({ pr: item?.pr, issues: item?.issues }).toEqual({ pr: wanted.pr, issues: wanted.issues });
      }
    });
  }
});
