/**
 * What a changelog's reader is not shown but its author must be told, one sentence each: commits left out
 * (autosquash leftovers, non-conventional messages, types outside the section map), headers read leniently
 * (`feat(api) add z`) and subjects that look like a slip of a header (`fet: add x`, `feat add x`), and why a
 * release is empty. The command prints them on standard error; the API returns them as `notes`. Nothing is
 * guessed silently: a header read as conventional is named here, a suspected slip is named and left as it was.
 */
import type { ChangelogOptions } from './schema.ts';
import { resolveSections } from './sections.ts';
import type { Changelog, NearMiss } from './types.ts';

/** The options a note depends on, as given to `generateChangelog`. */
export type NoteOptions =
  | Pick<ChangelogOptions, 'includeOther' | 'unknownTypes' | 'sections' | 'replaceSections'>
  | null
  | undefined;

/** How the caller spells the options a note points to (`--include-other` on the command line). */
export interface NoteWords {
  includeOther: string;
  unknownTypes: string;
  sections: string;
  /** Section rules (JSON objects, comma-separated) as the caller would pass them: `--sections '[…]'`. */
  sectionRule: (rule: string) => string;
}

const EXAMPLES = 3;

function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return `"${line.length > 60 ? `${line.slice(0, 59)}…` : line}"`;
}

/** The header's start up to its colon, as read or as it looks meant: `feat(api):`. */
function headerStart(reading: string): string {
  const colon = reading.indexOf(': ');
  return colon === -1 ? reading : reading.slice(0, colon + 1);
}

/** `"fet: add x" looks like "feat:", "fxi: y" like "fix:"` (at most three, then how many more). */
function examples(misses: readonly NearMiss[], verb: 'looks like' | 'as'): string {
  const shown = misses.slice(0, EXAMPLES).map((miss, index) => {
    const said = index > 0 && verb === 'looks like' ? 'like' : verb;
    return `${quote(miss.header)} ${said} "${headerStart(miss.reading)}"`;
  });
  const more = misses.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

/** Section rules filing each written type of `misses` where the type it resembles goes (`{"type":"fet",…}`). */
function rulesFor(misses: readonly NearMiss[], options: NonNullable<NoteOptions>): string {
  const map = resolveSections(options.sections, options.replaceSections === true);
  const rules = new Map<string, string>();
  for (const miss of misses.slice(0, EXAMPLES)) {
    const written = /^\w+/.exec(miss.header)?.[0]?.toLowerCase() ?? miss.type;
    const meant = map.ruleFor(miss.type, null);
    const rule = {
      type: written,
      section: meant?.section ?? '…',
      ...(meant?.hidden ? { hidden: true } : {}),
    };
    rules.set(written, JSON.stringify(rule));
  }
  return [...rules.values()].join(',');
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * The notes of a generated changelog, given the options it was generated with. Empty when there is nothing
 * to say: every commit is listed, hidden by its type, or merged.
 */
export function changelogNotes(
  changelog: Pick<Changelog, 'sections' | 'stats'>,
  given: NoteOptions,
  words: NoteWords,
): string[] {
  const options = given ?? {};
  const { stats } = changelog;
  const notes: string[] = [];
  const misses = (kind: NearMiss['kind']) => stats.nearMisses.filter((miss) => miss.kind === kind);
  const includeOther = options.includeOther === true;
  const unknownTypes = options.unknownTypes ?? 'other';

  if (stats.autosquash > 0) {
    notes.push(
      `${count(stats.autosquash, 'fixup!/squash!/amend! commit', 'fixup!/squash!/amend! commits')} left out: such commits are meant to be squashed into the ` +
        'commit they name (git rebase --autosquash), never listed in a changelog',
    );
  }
  if (stats.repairedHeaders > 0) {
    notes.push(
      `${count(stats.repairedHeaders, 'commit', 'commits')} read as conventional although the punctuation of the header is off: ` +
        examples(misses('repaired'), 'as'),
    );
  }

  const slips = misses('unknown-type');
  if (stats.unknown > 0 && unknownTypes === 'hide') {
    const hint = slips.length > 0 ? `; ${examples(slips, 'looks like')}` : '';
    notes.push(
      `${count(stats.unknown, 'commit', 'commits')} of types outside the section map left out ` +
        `(${stats.unknownTypes.join(', ')})${hint}; see ${words.unknownTypes}`,
    );
  } else if (slips.length > 0) {
    notes.push(
      `${slips.length === 1 ? '1 commit listed under Other changes has' : `${slips.length} commits listed under Other changes have`} a type that looks like a slip: ` +
        `${examples(slips, 'looks like')}; a section rule files such a type where it belongs: ` +
        words.sectionRule(rulesFor(slips, options)),
    );
  }

  const bare = misses('not-conventional');
  if (stats.nonConventional > 0 && !includeOther) {
    // release-please drops them too, but a changelog silently missing half the history misleads.
    const ignored =
      stats.ignoredBreakingNotes > 0
        ? ` (with ${count(stats.ignoredBreakingNotes, 'BREAKING CHANGE note', 'BREAKING CHANGE notes')}, which are left out too and bump nothing)`
        : '';
    const hint = bare.length > 0 ? `; ${examples(bare, 'looks like')}` : '';
    notes.push(
      `${stats.nonConventional} of ${count(stats.commits, 'commit', 'commits')} ${stats.nonConventional === 1 ? 'is not a conventional commit and is' : 'are not conventional commits and are'} left out` +
        `${ignored}${hint}; see ${words.includeOther}`,
    );
  } else if (bare.length > 0) {
    notes.push(
      `${bare.length === 1 ? '1 commit listed under Other changes as a plain message looks' : `${bare.length} commits listed under Other changes as plain messages look`} like a header without its ` +
        `colon: ${examples(bare, 'looks like')}`,
    );
  }

  const nothing = nothingToRelease(changelog);
  if (nothing !== null) {
    notes.push(`${nothing}; ${words.sections} shows a hidden type, ${words.includeOther} plain messages`);
  }
  return notes;
}

/**
 * Why a changelog lists nothing (`null` when it lists something): its commits were only merges, hidden types
 * (`docs:`, `chore:`), left-out types, non-conventional messages or autosquash leftovers, or cancelled each
 * other out.
 */
export function nothingToRelease(changelog: Pick<Changelog, 'sections' | 'stats'>): string | null {
  if (changelog.sections.some((section) => section.items.length > 0)) return null;
  const { stats } = changelog;
  const reasons = [
    [stats.hidden, 'of hidden types (docs, chore, …)'],
    [stats.unknown, 'of types outside the section map'],
    [stats.merges, stats.merges === 1 ? 'merge' : 'merges'],
    [stats.nonConventional, 'not conventional'],
    [stats.autosquash, 'fixup!/squash!/amend!'],
    [stats.reverted, 'reverted inside the range'],
  ] as const;
  const said = reasons.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
  return `nothing to release: of ${count(stats.commits, 'commit', 'commits')}, ${said.join(', ') || 'none is listed'}`;
}
