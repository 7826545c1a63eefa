/**
 * The real-history mode of `npm run bench:changelog`: for a local git repository with a CHANGELOG.md in the
 * conventional-changelog layout (as release-please writes it), regenerate every published release from its
 * tag range with `ai-ops changelog` and score the items against the published ones.
 *
 * The range of a release comes from the compare link of its heading (`compare/v1.1.0...v1.2.0`) when both tags
 * exist, else from the tags carrying its version and the previous release's. Both Markdown texts are read by
 * the same parser (`parsePublishedChangelog`) and compared as distinct (section, item) pairs with links,
 * appended references and case normalised (`itemKey`).
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runChangelogCaptured } from '../bin/commands/changelog.ts';
import { listTags, readRepositoryFile, type TagInfo } from '../lambdas/adapters/git/git-log.ts';
import {
  type PublishedRelease,
  type PublishedSection,
  parsePublishedChangelog,
  versionFromTag,
} from '../lambdas/core/changelog/index.ts';
import { type ItemScore, scoreRelease } from '../lambdas/core/changelog/published.ts';

export interface HistoryOptions {
  repository: string;
  /** The published changelog, relative to the repository root (default `<path>/CHANGELOG.md`). */
  changelog?: string | null;
  /** Package path of a monorepo: commits are limited to it (`--path`). */
  path?: string | null;
  /** A configuration file for `ai-ops changelog` (`--config`); default: the repository's own. */
  config?: string | null;
  /** Newest releases to score (default: all). */
  limit?: number | null;
}

export interface ReleaseResult {
  version: string;
  from: string | null;
  to: string | null;
  status: 'scored' | 'skipped' | 'failed';
  /** Why a release was skipped or what the command said when it failed. */
  reason: string | null;
  score: ItemScore | null;
  ms: number;
}

export interface HistoryResult {
  repository: string;
  changelog: string;
  releases: ReleaseResult[];
  /** Published items left out of scoring because no commit produces them (release-please's workspace notes). */
  excluded: number;
}

/** release-please's node-workspace / linked-versions note: made from package manifests, not from commits. */
const NOT_FROM_COMMITS = /^the following workspace dependencies were updated$/i;

function commitDerived(sections: readonly PublishedSection[]): {
  sections: PublishedSection[];
  excluded: number;
} {
  let excluded = 0;
  const kept = sections.map((section) => {
    const items = section.items.filter((item) => !NOT_FROM_COMMITS.test(item.trim()));
    excluded += section.items.length - items.length;
    return { title: section.title, items };
  });
  return { sections: kept.filter((s) => s.items.length > 0), excluded };
}

/** The tag of a published release: its compare link's when that tag exists, else the one with its version. */
function tagFor(
  release: PublishedRelease,
  tags: ReadonlyMap<string, string>,
  byVersion: Map<string, string[]>,
) {
  if (release.currentTag && tags.has(release.currentTag)) return release.currentTag;
  const candidates = byVersion.get(release.version) ?? [];
  if (candidates.length <= 1) return candidates[0] ?? null;
  // Several packages share the version: take the one spelled like the compare link's previous tag.
  const prefix = release.previousTag?.replace(/v?\d+\.\d+\.\d+.*$/, '') ?? null;
  return (
    candidates.find((t) => prefix !== null && t.replace(/v?\d+\.\d+\.\d+.*$/, '') === prefix) ??
    candidates.find((t) => t === `v${release.version}`) ??
    null
  );
}

/** The range of each release, newest first: `[from, to]`, `from` null for the first release. */
function ranges(releases: readonly PublishedRelease[], tagList: readonly TagInfo[]) {
  const tags = new Map(tagList.map((t) => [t.name, t.hash]));
  const byVersion = new Map<string, string[]>();
  for (const tag of tagList) {
    const version = versionFromTag(tag.name);
    if (version) byVersion.set(version, [...(byVersion.get(version) ?? []), tag.name]);
  }
  const resolved = releases.map((release) => tagFor(release, tags, byVersion));
  return releases.map((release, index) => {
    const to = resolved[index] ?? null;
    if (release.previousTag && tags.has(release.previousTag))
      return { to, from: release.previousTag, oldest: false };
    const older = resolved.slice(index + 1).find((tag) => tag !== null) ?? null;
    return { to, from: older, oldest: index === releases.length - 1 };
  });
}

async function regenerate(
  options: HistoryOptions,
  from: string | null,
  to: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['--repo', options.repository, '--to', to, '--format', 'markdown'];
  if (from) args.push('--from', from);
  if (options.path) args.push('--path', options.path);
  if (options.config) args.push('--config', options.config);
  return runChangelogCaptured(args);
}

async function scoreOne(
  options: HistoryOptions,
  release: PublishedRelease,
  range: { to: string | null; from: string | null; oldest: boolean },
): Promise<ReleaseResult & { excluded: number }> {
  const base = { version: release.version, from: range.from, to: range.to, score: null, ms: 0, excluded: 0 };
  if (range.to === null) return { ...base, status: 'skipped', reason: `no tag for ${release.version}` };
  if (range.from === null && !range.oldest) {
    return { ...base, status: 'skipped', reason: 'no tag for the previous release' };
  }
  const started = performance.now();
  const run = await regenerate(options, range.from, range.to);
  const ms = performance.now() - started;
  if (run.code !== 0)
    return { ...base, ms, status: 'failed', reason: run.stderr.trim() || `exit ${run.code}` };
  const produced = parsePublishedChangelog(run.stdout)[0]?.sections ?? [];
  const published = commitDerived(release.sections);
  const score = scoreRelease(produced, published.sections);
  return { ...base, ms, status: 'scored', reason: null, score, excluded: published.excluded };
}

/** Regenerates and scores every release of the repository's published changelog. */
export async function scoreHistory(options: HistoryOptions): Promise<HistoryResult> {
  const changelog =
    options.changelog ?? (options.path ? `${options.path.replace(/\/+$/, '')}/CHANGELOG.md` : 'CHANGELOG.md');
  if (!existsSync(options.repository)) throw new Error(`${options.repository} does not exist`);
  const text = await readRepositoryFile(options.repository, changelog);
  if (text === null) throw new Error(`${options.repository} has no ${changelog}`);
  const releases = parsePublishedChangelog(text);
  if (releases.length === 0)
    throw new Error(`${changelog} has no release headings such as "## [1.2.0](…) (date)"`);
  const all = ranges(releases, await listTags(options.repository));
  const limit = options.limit ?? releases.length;
  const results: ReleaseResult[] = [];
  let excluded = 0;
  for (const [index, release] of releases.slice(0, limit).entries()) {
    const { excluded: left, ...result } = await scoreOne(
      options,
      release,
      all[index] ?? { to: null, from: null, oldest: false },
    );
    excluded += left;
    results.push(result);
  }
  return { repository: options.repository, changelog, releases: results, excluded };
}
