/**
 * The real-history mode of `npm run bench:changelog`: repositories built from the fixture histories (notes
 * written by release-please for each tag range), and a small hand-made one for the edge cases.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { f1Score } from '../../lambdas/core/changelog/index.ts';
import { scoreHistory } from '../../scripts/changelog-history.ts';
import { buildHistoryRepo, gitTestEnv, loadHistorySpec } from '../fixtures/changelog/history-repo.ts';

const root = mkdtempSync(join(tmpdir(), 'ai-ops-history-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitTestEnv(new Date()), encoding: 'utf8' }).trim();
}

describe('real-history scoring', () => {
  for (const name of ['squash-and-merge', 'owlbot-and-reverts']) {
    it(`regenerates every release of the ${name} history and matches release-please's notes`, async () => {
      const dir = join(root, name);
      const spec = loadHistorySpec(name);
      await buildHistoryRepo(dir, spec);
      const result = await scoreHistory({ repository: dir });
      expect(result.releases.map((r) => [r.version, r.status])).toEqual(
        [...spec.releases].reverse().map((r) => [r.version, 'scored']),
      );
      expect(result.releases.at(-1)?.from).toBeNull();
      const total = result.releases.reduce(
        (sum, r) => ({
          matched: sum.matched + (r.score?.matched ?? 0),
          produced: sum.produced + (r.score?.produced ?? 0),
          expected: sum.expected + (r.score?.expected ?? 0),
        }),
        { matched: 0, produced: 0, expected: 0 },
      );
      expect(total.expected).toBeGreaterThan(30);
      // Reverts cancelling inside a release are the deliberate difference (release-please lists both).
      expect(f1Score(total.matched, total.produced, total.expected).f1).toBeGreaterThanOrEqual(0.97);
      for (const release of result.releases) {
        for (const key of release.score?.missing ?? []) {
          const [section] = key.split('\u0000');
          expect(
            ['⚠ breaking changes', 'features', 'bug fixes', 'performance improvements'],
            `${release.version} missing ${key}`,
          ).toContain(section);
        }
      }
    }, 60_000);
  }

  describe('a hand-made history', () => {
    let dir = '';
    beforeAll(() => {
      dir = join(root, 'hand');
      git(root, 'init', '--quiet', '--initial-branch=main', dir);
      git(dir, 'commit', '--quiet', '--allow-empty', '-m', 'feat: first');
      git(dir, 'tag', 'v1.0.0');
      git(dir, 'commit', '--quiet', '--allow-empty', '-m', 'fix: second (#2)');
      git(dir, 'commit', '--quiet', '--allow-empty', '-m', 'feat: third');
      git(dir, 'tag', 'v1.1.0');
      writeFileSync(
        join(dir, 'CHANGELOG.md'),
        [
          '# Changelog',
          '## [1.2.0](https://github.com/o/r/compare/v1.1.0...v1.2.0) (2024-03-01)',
          '### Features',
          '* never tagged',
          '## [1.1.0](https://github.com/o/r/compare/v1.0.0...v1.1.0) (2024-02-01)',
          '### Features',
          '* third ([abc1234](https://github.com/o/r/commit/abc1234))',
          '* written by hand, not from a commit',
          '### Bug Fixes',
          '* second ([#2](https://github.com/o/r/issues/2))',
          '## 1.0.0 (2024-01-01)',
          '### Features',
          '* first',
          '',
        ].join('\n'),
      );
    });

    it('scores tagged releases, skips an untagged one and counts what differs', async () => {
      const result = await scoreHistory({ repository: dir });
      expect(result.releases.map((r) => [r.version, r.status, r.from, r.to, r.reason])).toEqual([
        ['1.2.0', 'skipped', 'v1.1.0', null, 'no tag for 1.2.0'],
        ['1.1.0', 'scored', 'v1.0.0', 'v1.1.0', null],
        ['1.0.0', 'scored', null, 'v1.0.0', null],
      ]);
      expect(result.releases[1]?.score).toMatchObject({
        matched: 2,
        produced: 2,
        expected: 3,
        missing: ['features\u0000written by hand, not from a commit'],
        extra: [],
      });
      expect(result.releases[2]?.score).toMatchObject({ matched: 1, produced: 1, expected: 1 });
    });

    it('reports a release the command cannot regenerate as a failure', async () => {
      const result = await scoreHistory({ repository: dir, config: join(root, 'missing.json'), limit: 2 });
      expect(result.releases.map((r) => r.status)).toEqual(['skipped', 'failed']);
      expect(result.releases[1]?.reason).toContain('missing.json: no such file');
    });

    it('says what is missing when there is no changelog', async () => {
      await expect(scoreHistory({ repository: dir, changelog: 'NOPE.md' })).rejects.toThrow('has no NOPE.md');
    });
  });
});
