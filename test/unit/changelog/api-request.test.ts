/** The generateChangelog mutation's use case: the request's own field names in every refusal, and its notes. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ResolverEvent, route } from '../../../lambdas/api/route.ts';
import { changelogView } from '../../../lambdas/api/views.ts';
import type { Caller } from '../../../lambdas/core/auth/roles.ts';
import { MAX_COMMITS, REPOSITORY_URL_PROBLEM } from '../../../lambdas/core/changelog/index.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import { type ChangelogRequest, createChangelog } from '../../../lambdas/core/use-cases/changelogs.ts';
import { memoryChangelogRepo } from '../../support/changelog-fakes.ts';
import { FakeClock } from '../../support/clock.ts';

const caller: Caller = { userId: 'u1', role: 'USER', sessionId: 's1', email: 'dev@example.com' };

async function refusal(request: ChangelogRequest): Promise<{ field: string; problem: string } | null> {
  const changelogs = memoryChangelogRepo();
  try {
    await createChangelog(
      { changelogs, clock: new FakeClock() },
      { caller, request, highlights: false, idempotencyKey: null },
    );
    return null;
  } catch (error: unknown) {
    if (!(error instanceof ValidationError)) throw error;
    expect(changelogs.stored).toEqual([]);
    return { field: error.field, problem: error.problem };
  }
}

describe('generateChangelog refuses', () => {
  it('an impossible date, naming input.date', async () => {
    expect((await refusal({ commits: ['feat: a'], date: '2024-02-30' }))?.field).toBe('input.date');
  });

  it('a releaseAs not greater than the previous version, naming input.releaseAs', async () => {
    expect(await refusal({ commits: ['fix: a'], previousVersion: '1.2.3', releaseAs: '1.2.0' })).toEqual({
      field: 'input.releaseAs',
      problem: 'must be greater than the previous version 1.2.3',
    });
  });

  it('a repositoryUrl that is no repository address, with the words the CLI uses', async () => {
    for (const repositoryUrl of ['ftp://x', 'not a url', 'javascript:alert(1)//']) {
      expect(await refusal({ commits: ['fix: a'], repositoryUrl })).toEqual({
        field: 'input.repositoryUrl',
        problem: REPOSITORY_URL_PROBLEM,
      });
    }
  });

  it('more entries than the cap, naming input.entries', async () => {
    const entries = Array.from({ length: MAX_COMMITS + 1 }, () => ({ type: 'fix', description: 'a' }));
    expect(await refusal({ entries })).toEqual({
      field: 'input.entries',
      problem: `must contain at most ${MAX_COMMITS} entries (got ${MAX_COMMITS + 1})`,
    });
    expect((await refusal({ commits: ['fix: a'], entries }))?.field).toBe('input');
  });
});

describe('a NUL character in a changelog request', () => {
  it('is named in the format every other changelog error uses (input.commits[1], not input.commits.1)', async () => {
    const handler = route(z.object({ input: z.unknown() }), async () => 'generated');
    const event = {} as unknown as ResolverEvent;
    const answer = await handler({ input: { commits: ['fix: a', 'fix: b\u0000'] } }, { event });
    expect(answer).toEqual({
      __error: { type: 'ValidationError', message: 'input.commits[1]: must not contain NUL characters' },
    });
  });
});

describe('generateChangelog notes', () => {
  it('are stored beside the sections and lifted out by the view, worded with the request fields', async () => {
    const changelogs = memoryChangelogRepo();
    const stored = await createChangelog(
      { changelogs, clock: new FakeClock() },
      {
        caller,
        request: { commits: ['fixup! feat: a', 'feat add b', 'fet: c', 'feat: a'], previousVersion: '1.0.0' },
        highlights: false,
        idempotencyKey: null,
      },
    );
    const view = changelogView(stored);
    expect(view.sections.map((s) => (s as { title: string }).title)).toEqual(['Features', 'Other changes']);
    expect(view.notes).toEqual([
      '1 fixup!/squash!/amend! commit left out: such commits are meant to be squashed into the commit they name ' +
        '(git rebase --autosquash), never listed in a changelog',
      '1 commit listed under Other changes has a type that looks like a slip: "fet: c" looks like "feat:"; ' +
        'a section rule files such a type where it belongs: sections: [{"type":"fet","section":"Features"}]',
      '1 of 4 commits is not a conventional commit and is left out; "feat add b" looks like "feat:"; ' +
        'see includeOther',
    ]);
  });

  it('are an empty list when every commit is accounted for, and nothing extra is stored', async () => {
    const changelogs = memoryChangelogRepo();
    const stored = await createChangelog(
      { changelogs, clock: new FakeClock() },
      { caller, request: { commits: ['feat: a', 'chore: b'] }, highlights: false, idempotencyKey: null },
    );
    expect(changelogs.stored[0]?.sections.map((s) => (s as { kind: string }).kind)).toEqual(['type']);
    expect(changelogView(stored).notes).toEqual([]);
  });
});
