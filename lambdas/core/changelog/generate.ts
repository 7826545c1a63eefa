/**
 * Commits (raw messages or structured entries) → a release changelog in the conventional-changelog layout,
 * with the semver bump and the next version. Pure: the clock is the only outside input, and it is injected.
 */
import { classify, featureTest, refuseUnknownTypes } from './classify.ts';
import { cancelledEntries, type Entry, expand } from './entries.ts';
import type { Person } from './parse.ts';
import { renderMarkdown } from './render.ts';
import { type ChangelogInput, type ParsedChangelogInput, parseChangelogInput } from './schema.ts';
import { resolveSections } from './sections.ts';
import { bumpVersion, formatSemVer, parseSemVer, type SemVer } from './semver.ts';
import {
  type Bump,
  type Changelog,
  type ChangelogStats,
  type Contributor,
  MAX_NEAR_MISSES,
  OTHER_SECTION_TITLE,
} from './types.ts';

export interface GenerateContext {
  /** Today, for the release date when the input gives none. */
  now?: () => Date;
}

function computeBump(
  entries: readonly Entry[],
  visibleCount: number,
  previous: SemVer | null,
  options: ParsedChangelogInput['options'],
  isFeature: (entry: Entry) => boolean,
): Bump {
  let bump: Bump = visibleCount > 0 ? 'patch' : 'none';
  for (const entry of entries) {
    if (entry.parsed.breaking) {
      bump = 'major';
      break;
    }
    if (isFeature(entry)) bump = 'minor';
  }
  if (previous && previous.major === 0) {
    if (bump === 'major' && options?.preMajorBreakingBumpsMinor !== false) return 'minor';
    if (bump === 'minor' && options?.preMajorFeatureBumpsPatch !== false) return 'patch';
  }
  return bump;
}

function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function versionOf(
  explicit: string | null | undefined,
  kept: readonly Entry[],
  previous: SemVer | null,
  bump: Bump,
): string | null {
  // Precedence as release-please: an explicit release-as, then the newest `Release-As:` footer, then the bump.
  const releaseAs = kept.find((e) => e.parsed.releaseAs !== null)?.parsed.releaseAs ?? null;
  const pinned = parseSemVer(explicit ?? releaseAs ?? '');
  if (pinned) return formatSemVer(pinned);
  return previous && bump !== 'none' ? formatSemVer(bumpVersion(previous, bump)) : null;
}

export function emptyStats(commits: number): ChangelogStats {
  return {
    commits,
    conventional: 0,
    merges: 0,
    nonConventional: 0,
    hidden: 0,
    unknown: 0,
    unknownTypes: [],
    reverted: 0,
    duplicates: 0,
    ignoredBreakingNotes: 0,
    autosquash: 0,
    gitmoji: 0,
    repairedHeaders: 0,
    suspectedHeaders: 0,
    nearMisses: [],
  };
}

/** Counts a near miss of an entry that was not dropped as a merge, an autosquash commit or a cancelled revert. */
function countNearMiss(entry: Entry, stats: ChangelogStats): void {
  const nearMiss = entry.parsed.nearMiss;
  if (!nearMiss) return;
  if (nearMiss.kind === 'repaired') stats.repairedHeaders++;
  else stats.suspectedHeaders++;
  if (stats.nearMisses.length < MAX_NEAR_MISSES) stats.nearMisses.push(nearMiss);
}

const GIT_REVERT = /^Revert\s+"/;

/**
 * The entries that make the release: `fixup!`/`squash!`/`amend!` commits, merges without a conventional
 * subject, cancelled reverts and (unless `includeOther`) non-conventional messages left out. A left-out message contributes nothing: its
 * `BREAKING CHANGE:` notes, `Release-As:` footer and author count no more than its subject (release-please
 * drops non-conventional commits whole); `stats.ignoredBreakingNotes` says what was dropped that way.
 */
function keptEntries(
  all: readonly Entry[],
  reverts: 'cancel' | 'list',
  includeOther: boolean,
  stats: ChangelogStats,
): Entry[] {
  const cancelled = reverts === 'cancel' ? cancelledEntries(all) : new Set<Entry>();
  stats.reverted = cancelled.size;
  const kept: Entry[] = [];
  for (const entry of all) {
    // release-please does not read git's revert messages: they are plain messages there.
    if (reverts === 'list' && entry.parsed.kind === 'revert' && GIT_REVERT.test(entry.parsed.header)) {
      entry.parsed = { ...entry.parsed, kind: 'other', type: null, rawType: null, revertOf: null };
    }
    const { parsed } = entry;
    if (parsed.kind === 'autosquash') {
      stats.autosquash++;
      continue;
    }
    if (parsed.kind === 'merge' || (entry.merge && parsed.kind === 'other')) {
      stats.merges++;
      continue;
    }
    if (cancelled.has(entry)) continue;
    countNearMiss(entry, stats);
    if (parsed.gitmoji) stats.gitmoji++;
    if (parsed.kind === 'other') {
      stats.nonConventional++;
      if (!includeOther) {
        stats.ignoredBreakingNotes += parsed.notes.length;
        continue;
      }
    } else stats.conventional++;
    kept.push(entry);
  }
  return kept;
}

/**
 * Generates a changelog. The input is validated first (`ValidationError` naming the field on any problem),
 * so a caller never gets a partial result.
 */
export function generateChangelog(input: ChangelogInput, context: GenerateContext = {}): Changelog {
  const parsedInput = parseChangelogInput(input);
  const options = parsedInput.options ?? {};
  const map = resolveSections(options.sections, options.replaceSections === true);
  const unknownTypes = options.unknownTypes ?? 'other';
  const { entries: all, commits } = expand(parsedInput, {
    knownTypes: map.knownTypes,
    bulletCommits: options.bulletCommits === true,
  });
  const stats = emptyStats(commits);
  const kept = keptEntries(all, options.reverts ?? 'cancel', options.includeOther === true, stats);
  if (unknownTypes === 'error') refuseUnknownTypes(kept, map);
  const otherSection = options.otherSection ?? OTHER_SECTION_TITLE;
  const sections = classify(
    kept,
    map,
    { unknownTypes, otherSection, includeOther: options.includeOther === true },
    stats,
  );

  const visibleCount = sections.reduce((n, s) => (s.kind === 'breaking' ? n : n + s.items.length), 0);
  const previous = parsedInput.previousVersion ? parseSemVer(parsedInput.previousVersion) : null;
  const bump = computeBump(kept, visibleCount, previous, options, featureTest(map));
  const version = versionOf(parsedInput.version, kept, previous, bump);
  const date = parsedInput.date ?? utcDate((context.now ?? (() => new Date()))());
  const previousVersion = previous ? formatSemVer(previous) : null;

  const changelog: Omit<Changelog, 'markdown'> = {
    version,
    previousVersion,
    date,
    bump,
    sections,
    contributors: collectContributors(kept),
    stats,
  };
  const markdown = renderMarkdown(changelog, {
    repositoryUrl: parsedInput.repositoryUrl ?? null,
    previousTag: parsedInput.previousTag ?? (previousVersion ? `v${previousVersion}` : null),
    currentTag: parsedInput.currentTag ?? (version ? `v${version}` : null),
    groupByScope: options.groupByScope === true,
    includeContributors: options.includeContributors === true,
  });
  return { ...changelog, markdown };
}

function collectContributors(entries: readonly Entry[]): Contributor[] {
  const byKey = new Map<string, Contributor>();
  const countedFor = new Map<string, number>();
  const credit = (person: Person, source: number): void => {
    const key = (person.email ?? person.name).toLowerCase();
    // One commit expanded into several entries still counts once per person.
    if (countedFor.get(key) === source) return;
    countedFor.set(key, source);
    const existing = byKey.get(key);
    if (existing) existing.commits++;
    else byKey.set(key, { name: person.name, email: person.email, commits: 1 });
  };
  for (const entry of entries) {
    if (entry.author) credit(entry.author, entry.source);
    for (const coAuthor of entry.parsed.coAuthors) credit(coAuthor, entry.source);
  }
  return [...byKey.values()].sort((a, b) => b.commits - a.commits || a.name.localeCompare(b.name));
}
