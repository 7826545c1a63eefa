/** Structured entries (the API's and the console's `entries`) cannot add Markdown structure to a changelog. */
import { describe, expect, it } from 'vitest';
import { generateChangelog } from '../../../lambdas/core/changelog/index.ts';
import {
  type ChangelogRequest,
  createChangelog,
  type StoredChangelog,
} from '../../../lambdas/core/use-cases/changelogs.ts';
import { memoryChangelogRepo } from '../../support/changelog-fakes.ts';
import { FakeClock } from '../../support/clock.ts';

async function stored(request: ChangelogRequest): Promise<StoredChangelog> {
  const changelogs = memoryChangelogRepo();

  await createChangelog(
    { changelogs, clock: new FakeClock() },
    {
      caller: { userId: 'u1', role: 'USER', sessionId: 's1', email: 'dev@example.com' },
      request,
      highlights: false,
      idempotencyKey: null,
    },
  );
  const [row] = changelogs.stored;
  if (!row) throw new Error('nothing stored');
  return row;
}

describe('a structured entry whose description holds line breaks', () => {
  const description = 'line1\n\n## injected heading\n* fake item';

  it('is one line in the stored changelog: no ## heading, no extra item', async () => {
    const row = await stored({ entries: [{ type: 'feat', scope: 'ui', description }], date: '2024-05-01' });
    expect(row.markdown).toBe(
      '## Unreleased (2024-05-01)\n\n### Features\n\n* **ui:** line1 ## injected heading * fake item\n',
    );
    expect(row.markdown.split('\n').filter((line) => line.startsWith('#'))).toEqual([
      '## Unreleased (2024-05-01)',
      '### Features',
    ]);
    expect(JSON.stringify(row)).not.toContain('\\n## injected');
    expect(JSON.stringify(row)).toContain('"description":"line1 ## injected heading * fake item"');
  });

  it('joins the lines of a scope and of a breaking note the same way (\\r\\n too)', () => {
    const changelog = generateChangelog({
      commits: [
        {
          type: 'feat',
          scope: 'a\n# b',
          description: 'x',
          breaking: true,
          breakingNote: 'v1 is gone\r\n\r\n### Migration\r\n- do y',
        },
      ],
      date: '2024-05-01',
    });
    const [breaking, features] = changelog.sections;
    expect(breaking?.items[0]).toMatchObject({
      scope: 'a # b',
      description: 'v1 is gone ### Migration - do y',
    });
    expect(features?.items[0]?.scope).toBe('a # b');
    expect(changelog.markdown).toContain('\n* **a # b:** v1 is gone ### Migration - do y\n');
    expect(changelog.markdown).not.toMatch(/^### Migration/m);
  });
});

describe('a structured entry scope with Markdown in it', () => {
  it('a**b is escaped inside the bold label: * **a\\*\\*b:** x', () => {
    const changelog = generateChangelog({
      commits: [{ type: 'feat', scope: 'a**b', description: 'x' }],
      date: '2024-05-01',
    });
    expect(changelog.markdown).toContain('\n* **a\\*\\*b:** x\n');
    expect(changelog.sections[0]?.items[0]?.scope).toBe('a**b');
  });
});
