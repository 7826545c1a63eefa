import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type ApiSession, startApiHarness } from '../../support/api-harness.ts';
import { dataField } from '../../support/local-process.ts';

const GENERATE = `mutation($input: ChangelogInput!, $k: String) {
  generateChangelog(input: $input, idempotencyKey: $k) {
    id version previousVersion bump markdown sections { title items { scope description pr breaking } }
  }
}`;

describe('changelogs through the API', () => {
  let api: ApiHarness;
  let hr: ApiSession;
  let user: ApiSession;

  beforeAll(async () => {
    api = await startApiHarness();
    user = await api.user('dev@example.com');
    hr = await api.user('people@example.com', 'HR');
  }, 120_000);
  afterAll(async () => api?.close());

  it('generates, stores and lists a changelog from commits and structured entries, for every role', async () => {
    const result = await hr.call(GENERATE, {
      input: {
        commits: [
          'feat(api)!: drop v1 endpoints (#31)\n\nBREAKING CHANGE: v1 is gone',
          'fix: handle empty logs',
        ],
        entries: [{ type: 'perf', scope: 'miner', description: 'faster masking', pr: 40 }],
        previousVersion: '1.4.2',
        date: '2026-11-21',
      },
      k: 'release-2.0.0',
    });
    expect(result.errors).toBeUndefined();
    const changelog = result.data?.generateChangelog as {
      id: string;
      version: string;
      bump: string;
      markdown: string;
      sections: {
        title: string;
        items: { scope: string | null; description: string; pr: number | null }[];
      }[];
    };
    expect(changelog).toMatchObject({ version: '2.0.0', bump: 'major' });
    expect(changelog.sections.map((s) => s.title)).toEqual([
      '⚠ BREAKING CHANGES',
      'Features',
      'Bug Fixes',
      'Performance Improvements',
    ]);
    expect(changelog.markdown).toContain('**api:** drop v1 endpoints');
    const again = await hr.call(GENERATE, { input: { commits: ['fix: other'] }, k: 'release-2.0.0' });
    expect(again.errors?.[0]?.errorType).toBe('ValidationError');
    expect(again.errors?.[0]?.message).toMatch(/^idempotencyKey: .*different generateChangelog request/);
    expect(again.errors?.[0]?.message).toContain(changelog.id);
    const read = await user.call('query($id: ID!) { changelog(id: $id) { id version } }', {
      id: changelog.id,
    });
    expect(read.data?.changelog).toEqual({ id: changelog.id, version: '2.0.0' });
    const list = await user.call('{ changelogs(limit: 10) { items { id } nextToken } }');
    expect(JSON.stringify(list.data)).toContain(changelog.id);
  });

  it('answers a retry of the same request, whatever its default date and highlights, and refuses the key for another', async () => {
    const input = { commits: ['feat: retries are safe'], highlights: true };
    const first = dataField<{ id: string }>(
      await user.call(GENERATE, { input, k: 'notes-retry' }),
      'generateChangelog',
    );
    const stored = async () =>
      (await api.database.sql<{ n: number }[]>`select count(*)::int as n from changelogs`)[0]?.n;
    const before = await stored();
    // An explicit null is an omitted field: the same request.
    const retry = await user.call(GENERATE, { input: { ...input, date: null }, k: 'notes-retry' });
    expect(dataField<{ id: string }>(retry, 'generateChangelog').id).toBe(first.id);
    for (const different of [
      { commits: ['feat: retries are safe'] },
      { ...input, date: '2026-01-01' },
      { ...input, commits: ['fix: retries are safe'] },
    ]) {
      const refused = await user.call(GENERATE, { input: different, k: 'notes-retry' });
      expect(refused.errors?.[0]?.errorType).toBe('ValidationError');
      expect(refused.errors?.[0]?.message).toMatch(/^idempotencyKey: /);
    }
    expect(await stored()).toBe(before);
  });

  it('forces the version, applies section rules and lists unknown types under Other changes', async () => {
    const result = await user.call(
      `mutation($input: ChangelogInput!) { generateChangelog(input: $input) {
        version markdown sections { title kind items { type rawType scope description } } } }`,
      {
        input: {
          entries: [
            { type: 'security', description: 'escape names' },
            { type: 'docs', description: 'explain limits' },
            { type: 'deps', scope: 'api', description: 'bump zlib' },
          ],
          commits: ['fix(ui): button', 'README: setup steps'],
          previousVersion: '1.0.0',
          releaseAs: '2.0.0',
          sections: [{ type: 'fix', scope: 'ui', section: 'Interface' }],
          otherSection: 'Everything else',
        },
      },
    );
    expect(result.errors).toBeUndefined();
    const changelog = dataField<{
      version: string;
      markdown: string;
      sections: {
        title: string;
        kind: string | null;
        items: { type: string | null; rawType: string | null; scope: string | null; description: string }[];
      }[];
    }>(result, 'generateChangelog');
    expect(changelog.version).toBe('2.0.0');
    expect(changelog.sections.map((s) => s.title)).toEqual([
      'Security',
      'Documentation',
      'Interface',
      'Everything else',
    ]);
    // Other changes says so (kind), and each item's type as written, which the console shows before it.
    expect(changelog.sections.map((s) => s.kind)).toEqual(['type', 'type', 'type', 'other']);
    expect(changelog.sections[3]?.items).toEqual([
      { type: 'readme', rawType: 'README', scope: null, description: 'setup steps' },
      { type: 'deps', rawType: 'deps', scope: 'api', description: 'bump zlib' },
    ]);
    expect(changelog.markdown).toContain(
      '### Everything else\n\n* README: setup steps\n* deps(api): bump zlib\n',
    );
  });

  it('cancels a one-line revert against the commit it names and reads a footer line as the footer above it', async () => {
    const result = await user.call(GENERATE, {
      input: {
        commits: [
          'feat(api)!: drop v1 endpoints',
          'BREAKING CHANGE: v1 removed',
          'Revert "feat: add foo"',
          'feat: add foo',
          'Revert "feat: add bar"',
        ],
        previousVersion: '1.4.2',
        date: '2026-12-06',
      },
    });
    expect(result.errors).toBeUndefined();
    const changelog = result.data?.generateChangelog as {
      version: string;
      sections: { title: string; items: { description: string }[] }[];
    };
    expect(changelog.version).toBe('2.0.0');
    expect(changelog.sections.map((s) => [s.title, s.items.map((i) => i.description)])).toEqual([
      ['⚠ BREAKING CHANGES', ['v1 removed']],
      ['Features', ['drop v1 endpoints']],
      ['Reverts', ['Revert "feat: add bar"']],
    ]);
  });

  it('answers notes on what it left out or read leniently, and keeps them for a later read', async () => {
    const result = await user.call(
      `mutation($input: ChangelogInput!) { generateChangelog(input: $input) {
        id notes sections { title items { description } } } }`,
      {
        input: {
          commits: ['fixup! feat: gitmoji', '✨ gitmoji', 'feat(api) no colon', 'Update README'],
          date: '2026-12-07',
        },
      },
    );
    expect(result.errors).toBeUndefined();
    const changelog = dataField<{
      id: string;
      notes: string[];
      sections: { title: string; items: { description: string }[] }[];
    }>(result, 'generateChangelog');
    expect(changelog.sections).toEqual([
      { title: 'Features', items: [{ description: 'no colon' }, { description: '✨ gitmoji' }] },
    ]);
    expect(changelog.notes).toEqual([
      '1 fixup!/squash!/amend! commit left out: such commits are meant to be squashed into the commit they name ' +
        '(git rebase --autosquash), never listed in a changelog',
      '1 commit read as conventional although the punctuation of the header is off: ' +
        '"feat(api) no colon" as "feat(api):"',
      '1 of 4 commits is not a conventional commit and is left out; see includeOther',
    ]);
    const read = await user.call('query($id: ID!) { changelog(id: $id) { notes sections { title } } }', {
      id: changelog.id,
    });
    expect(read.data?.changelog).toEqual({ notes: changelog.notes, sections: [{ title: 'Features' }] });
  });

  it('refuses bad input without storing anything', async () => {
    const [before] = await api.database.sql<{ n: number }[]>`select count(*)::int as n from changelogs`;
    const empty = await user.call(GENERATE, { input: { commits: [], entries: [] } });
    expect(empty.errors?.[0]?.errorType).toBe('ValidationError');
    expect(empty.errors?.[0]?.message).toBe(
      'input: needs at least one commit message (commits) or structured entry (entries)',
    );
    const strict = await user.call(GENERATE, {
      input: { commits: ['fix: x'], entries: [{ type: 'deps', description: 'bump' }], unknownTypes: 'ERROR' },
    });
    expect(strict.errors?.[0]?.message).toMatch(/^input\.entries\[0\]\.type: "deps" has no section/);
    const badReleaseAs = await user.call(GENERATE, { input: { commits: ['fix: x'], releaseAs: 'next' } });
    expect(badReleaseAs.errors?.[0]?.message).toMatch(/^input\.releaseAs: /);
    const badVersion = await user.call(GENERATE, {
      input: { commits: ['fix: x'], previousVersion: 'banana' },
    });
    expect(badVersion.errors?.[0]?.message).toMatch(/previousVersion/);
    const [after] = await api.database.sql<{ n: number }[]>`select count(*)::int as n from changelogs`;
    expect(after?.n).toBe(before?.n);
  });
});
