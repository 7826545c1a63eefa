import { describe, expect, it } from 'vitest';
import { parseChangelogConfig, parseReleasePleaseConfig } from '../../../lambdas/core/changelog/config.ts';
import { generateChangelog } from '../../../lambdas/core/changelog/index.ts';
import { validationProblem } from '../../support/validation.ts';

describe('.ai-ops-changelog.json', () => {
  it('reads sections, the repository URL and the options', () => {
    const config = parseChangelogConfig(
      JSON.stringify({
        $schema: 'https://example.com/schema.json',
        repositoryUrl: 'https://github.com/octo/app',
        sections: [{ type: 'docs', section: 'Documentation', hidden: false }],
        unknownTypes: 'error',
        otherSection: 'Misc',
        bulletCommits: true,
      }),
    );
    expect(config).toEqual({
      repositoryUrl: 'https://github.com/octo/app',
      options: {
        sections: [{ type: 'docs', section: 'Documentation', hidden: false }],
        unknownTypes: 'error',
        otherSection: 'Misc',
        bulletCommits: true,
      },
    });
  });

  it('takes release-please spelling of the sections as the whole map', () => {
    const config = parseChangelogConfig(
      JSON.stringify({ 'changelog-sections': [{ type: 'feat', section: 'New' }] }),
    );
    expect(config.options).toEqual({ sections: [{ type: 'feat', section: 'New' }], replaceSections: true });
  });

  it('names the key of a malformed file', () => {
    expect(validationProblem(() => parseChangelogConfig('{"sections": [{"type": "feat"}'))).toMatchObject({
      field: '(file)',
      problem: expect.stringMatching(/^is not valid JSON: /),
    });
    expect(
      validationProblem(() => parseChangelogConfig('{"sections": [{"type": "feat", "section": ""}]}')),
    ).toEqual({
      field: 'sections[0].section',
      problem: 'must not be empty',
    });
    expect(validationProblem(() => parseChangelogConfig('{"section": []}'))).toEqual({
      field: '(file)',
      problem: 'unknown key "section"',
    });
    expect(validationProblem(() => parseChangelogConfig('{"unknownTypes": "drop"}')).field).toBe(
      'unknownTypes',
    );
    expect(validationProblem(() => parseChangelogConfig('{"sections": [{"type": "docs"}]}'))).toEqual({
      field: 'sections[0].section',
      problem: 'is required',
    });
    expect(validationProblem(() => parseChangelogConfig('{"repositoryUrl": 5}'))).toEqual({
      field: 'repositoryUrl',
      problem: 'must be a string',
    });
    expect(validationProblem(() => parseChangelogConfig('[]')).field).toBe('(file)');
  });
});

describe('release-please-config.json', () => {
  const text = JSON.stringify({
    'release-type': 'node',
    'changelog-sections': [
      { type: 'feat', section: 'Features' },
      { type: 'fix', section: 'Bug Fixes' },
      { type: 'deps', section: 'Dependencies' },
    ],
    packages: { 'packages/cli': { 'bump-minor-pre-major': true }, '.': {} },
  });

  it("applies release-please's reading: listed sections, other conventional types hidden, unknown types left out", () => {
    const { options } = parseReleasePleaseConfig(text);
    expect(options).toMatchObject({
      unknownTypes: 'hide',
      reverts: 'list',
      replaceSections: true,
      preMajorBreakingBumpsMinor: false,
    });
    const changelog = generateChangelog({
      commits: ['deps: bump zlib', 'docs: guide', 'chore: tidy', 'wip: thing', 'feat: new'],
      date: '2024-05-01',
      options,
    });
    expect(changelog.sections.map((s) => [s.title, s.items.map((i) => i.description)])).toEqual([
      ['Features', ['new']],
      ['Dependencies', ['bump zlib']],
    ]);
    expect(changelog.stats).toMatchObject({ hidden: 2, unknown: 1, unknownTypes: ['wip'] });
  });

  it('lets a package override the top-level settings', () => {
    expect(parseReleasePleaseConfig(text, 'packages/cli/').options.preMajorBreakingBumpsMinor).toBe(true);
  });

  it('names a malformed setting', () => {
    expect(validationProblem(() => parseReleasePleaseConfig('{"changelog-sections": {}}')).field).toBe(
      'changelog-sections',
    );
  });
});
