/** Public shapes of the changelog generator: what the API stores and the CLI prints. */

export type Bump = 'major' | 'minor' | 'patch' | 'none';

/**
 * One row of a section map (release-please's `changelog-sections`): which commit type (optionally only with
 * one scope) lands in which section, and whether it is shown.
 */
export interface SectionRule {
  type: string;
  /** Only commits of this scope (`fix(deps)` → "Dependencies"); a scoped rule wins over the type's general one. */
  scope?: string | null | undefined;
  section: string;
  hidden?: boolean | null | undefined;
}

/**
 * What happens to an entry whose type is not in the section map: listed under "Other changes" (`other`, the
 * default), refused with a `ValidationError` naming the entry (`error`), or left out as release-please leaves
 * it out (`hide`; counted in `stats.unknown`, and shown anyway when breaking).
 */
export type UnknownTypePolicy = 'other' | 'hide' | 'error';

/**
 * The conventional-changelog-conventionalcommits (and release-please) default map, plus a Security section.
 * Hidden types still appear when a commit of that type is breaking or carries a `Release-As:` footer, as they
 * do there; structured entries are always shown (a hidden type only hides commits).
 */
export const DEFAULT_SECTIONS: readonly SectionRule[] = Object.freeze([
  { type: 'feat', section: 'Features' },
  { type: 'feature', section: 'Features' },
  { type: 'fix', section: 'Bug Fixes' },
  { type: 'security', section: 'Security' },
  { type: 'perf', section: 'Performance Improvements' },
  { type: 'revert', section: 'Reverts' },
  { type: 'docs', section: 'Documentation', hidden: true },
  { type: 'style', section: 'Styles', hidden: true },
  { type: 'chore', section: 'Miscellaneous Chores', hidden: true },
  { type: 'refactor', section: 'Code Refactoring', hidden: true },
  { type: 'test', section: 'Tests', hidden: true },
  { type: 'build', section: 'Build System', hidden: true },
  { type: 'ci', section: 'Continuous Integration', hidden: true },
]);

export const BREAKING_SECTION_TITLE = '⚠ BREAKING CHANGES';
export const OTHER_SECTION_TITLE = 'Other changes';
/** The heading of a release without a version. */
export const UNRELEASED_TITLE = 'Unreleased';

export interface ChangelogItem {
  /** Lower-case conventional type (`feat`); `null` for a non-conventional message in "Other changes". */
  type: string | null;
  /** The type as the message wrote it (`README`), what "Other changes" shows for a type outside the map. */
  rawType: string | null;
  scope: string | null;
  /** The subject without the type prefix and without a trailing `(#123)`, first letter kept as written. */
  description: string;
  /** Full commit hash when known. */
  hash: string | null;
  shortHash: string | null;
  /** Pull request number, from a trailing `(#123)` in the subject or a structured entry. */
  pr: number | null;
  /** Issues the commit closes or refers to (`closes #45`, `Refs: #9`), the PR excluded. */
  issues: number[];
  breaking: boolean;
  author: string | null;
}

export type SectionKind = 'breaking' | 'type' | 'other';

export interface ChangelogSection {
  title: string;
  kind: SectionKind;
  items: ChangelogItem[];
}

export interface Contributor {
  name: string;
  email: string | null;
  /** Commits (authored or co-authored) in the range. */
  commits: number;
}

export interface ChangelogStats {
  /**
   * Commits received (raw messages and structured entries); a footer line sent as a string of its own is part
   * of the message above it and the same hash twice is one commit.
   */
  commits: number;
  /** Conventional entries after override/nested-commit expansion. */
  conventional: number;
  merges: number;
  nonConventional: number;
  /** Entries of a hidden type (chore, docs, …) left out. */
  hidden: number;
  /** Entries of a type outside the section map (listed under "Other changes" or, with `hide`, left out). */
  unknown: number;
  /** Those types, distinct and sorted, so that nothing leaves the changelog unnoticed. */
  unknownTypes: string[];
  /** Commits and reverts that cancelled each other inside the range. */
  reverted: number;
  /** Identical entries merged into one. */
  duplicates: number;
  /**
   * `BREAKING CHANGE:` notes of non-conventional messages left out (without `includeOther`): like the rest of
   * such a message they are not in the changelog and do not bump the version.
   */
  ignoredBreakingNotes: number;
  /** `fixup!`, `squash!` and `amend!` commits (autosquash leftovers): never listed, even with `includeOther`. */
  autosquash: number;
  /** Entries whose type a gitmoji chose (`✨ add x`); an emoji before a conventional header is not counted. */
  gitmoji: number;
  /** Headers read as conventional although their punctuation was off (`feat(api) add z`). */
  repairedHeaders: number;
  /** Subjects that look like a slip of a conventional header but were not read as one (`fet: x`, `feat add x`). */
  suspectedHeaders: number;
  /** The first {@link MAX_NEAR_MISSES} of both, in input order, for the notes that name them. */
  nearMisses: NearMiss[];
}

/** At most this many near misses are kept in `stats.nearMisses`; the counts count them all. */
export const MAX_NEAR_MISSES = 20;

/**
 * A subject that nearly is a conventional header (`near-miss.ts`): `repaired` was read as `reading` (only its
 * punctuation was off); `unknown-type` has a type that looks like a slip of a known one (`fet`) and stays as
 * written; `not-conventional` (`feat add x`, no colon) stays a plain message.
 */
export interface NearMiss {
  kind: 'repaired' | 'unknown-type' | 'not-conventional';
  /** The subject as written. */
  header: string;
  /** How it was read, or how it looks meant. */
  reading: string;
  /** The section map's type it is or resembles. */
  type: string;
}

export interface Changelog {
  /** The released version: explicit, from a `Release-As:` footer, or the previous version bumped. */
  version: string | null;
  previousVersion: string | null;
  /** Release date, `YYYY-MM-DD`. */
  date: string;
  bump: Bump;
  sections: ChangelogSection[];
  contributors: Contributor[];
  stats: ChangelogStats;
  markdown: string;
}

/**
 * How people see a release named: its version, or "Unreleased" when there is none (no previous version was
 * given, or nothing is released), always with its date, as the Markdown heading reads. The date alone would
 * pass for a version.
 */
export function releaseLabel(release: { version?: string | null; date: string }): string {
  return `${release.version ?? UNRELEASED_TITLE} (${release.date})`;
}
