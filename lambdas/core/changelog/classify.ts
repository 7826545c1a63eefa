/**
 * Kept entries → the changelog's sections: ⚠ BREAKING CHANGES, the section map's sections in its order, then
 * sections named after unmapped breaking types, then "Other changes". Identical items are listed once.
 */
import { ValidationError } from '../errors.ts';
import type { Entry } from './entries.ts';
import type { SectionMap } from './sections.ts';
import {
  BREAKING_SECTION_TITLE,
  type ChangelogItem,
  type ChangelogSection,
  type ChangelogStats,
  OTHER_SECTION_TITLE,
  type UnknownTypePolicy,
} from './types.ts';

export interface ClassifyOptions {
  unknownTypes: UnknownTypePolicy;
  otherSection: string;
  includeOther: boolean;
}

/**
 * The dedupe form of a description: case, whitespace, a trailing period and wrapping quotes do not make two
 * entries different (a squash body that repeats its subject, a merge commit and the commit it merged).
 */
export function sameChangeKey(description: string): string {
  let text = description.replace(/\s+/g, ' ').trim().toLowerCase();
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text
      .replace(/^(["'`])(.*)\1$/, '$2')
      .replace(/\.$/, '')
      .trim();
  }
  return text;
}

/** conventional-changelog's `commitsSort: ['scope', 'subject']`, with unscoped items after scoped ones. */
function compareItems(a: ChangelogItem, b: ChangelogItem): number {
  if (a.scope !== b.scope) {
    if (a.scope === null) return 1;
    if (b.scope === null) return -1;
    return a.scope < b.scope ? -1 : 1;
  }
  if (a.description === b.description) return 0;
  return a.description < b.description ? -1 : 1;
}

function makeItem(entry: Entry, description: string, breaking: boolean): ChangelogItem {
  return {
    type: entry.parsed.type,
    rawType: entry.parsed.rawType,
    scope: entry.parsed.scope,
    description,
    hash: entry.hash,
    shortHash: entry.hash ? entry.hash.slice(0, 7) : null,
    pr: entry.parsed.pr,
    issues: entry.parsed.issues,
    breaking,
    author: entry.author?.name ?? null,
  };
}

/**
 * The rule for an entry: a rule naming its gitmoji (`wrench`) when a gitmoji chose its type, else its type's
 * (the scoped one first).
 */
function ruleOf(entry: Entry, map: SectionMap): ReturnType<SectionMap['ruleFor']> {
  const { parsed } = entry;
  const byGitmoji = parsed.gitmoji ? map.ruleFor(parsed.gitmoji.code, parsed.scope) : undefined;
  return byGitmoji ?? (parsed.type === null ? undefined : map.ruleFor(parsed.type, parsed.scope));
}

/**
 * Whether an entry bumps the minor version: `feat` and `feature`, as release-please, and an entry that a section
 * rule files, shown, under the section of `feat` (`{"type": "fet", "section": "Features"}`, the remedy the notes
 * suggest for a mistyped type): listed as a feature, it is released as one.
 */
export function featureTest(map: SectionMap): (entry: Entry) => boolean {
  const features = map.ruleFor('feat', null)?.section;
  return (entry) => {
    const { parsed } = entry;
    if (parsed.type === 'feat' || parsed.type === 'feature') return true;
    if (features === undefined || parsed.kind !== 'conventional') return false;
    const rule = ruleOf(entry, map);
    return rule !== undefined && !rule.hidden && rule.section === features;
  };
}

/** With `unknownTypes: 'error'`, the first entry of a type outside the map, named by its input field. */
export function refuseUnknownTypes(entries: readonly Entry[], map: SectionMap): void {
  const unknown = entries.find((e) => e.parsed.kind !== 'other' && e.parsed.type !== null && !ruleOf(e, map));
  if (!unknown?.parsed.type) return;
  const known = [...map.knownTypes].join(', ');
  const slip = unknown.parsed.nearMiss?.kind === 'unknown-type' ? unknown.parsed.nearMiss.type : null;
  const fix = `${slip ? `did you mean "${slip}"? ` : ''}add a section for it or allow unknown types`;
  if (unknown.structured) {
    throw new ValidationError(
      `input.commits[${unknown.source}].type`,
      `"${unknown.parsed.type}" has no section (known: ${known}); ${fix}`,
    );
  }
  throw new ValidationError(
    `input.commits[${unknown.source}].message`,
    `has type "${unknown.parsed.type}", which has no section (known: ${known}); ${fix}`,
  );
}

/** Sections being filled: one list per title, each item once per (title, scope, description). */
class SectionLists {
  readonly lists = new Map<string, ChangelogItem[]>();
  private readonly seen = new Set<string>();
  duplicates = 0;

  add(title: string, item: ChangelogItem): void {
    const key = `${title}\u0000${(item.scope ?? '').toLowerCase()}\u0000${sameChangeKey(item.description)}`;
    if (this.seen.has(key)) {
      this.duplicates++;
      return;
    }
    this.seen.add(key);
    const list = this.lists.get(title);
    if (list) list.push(item);
    else this.lists.set(title, [item]);
  }
}

/** Where an entry goes: a section title, or `null` when it is left out (and why, for the stats). */
function placeOf(
  entry: Entry,
  map: SectionMap,
  options: ClassifyOptions,
): { title: string | null; left?: 'hidden' | 'unknown' } {
  const { parsed } = entry;
  const rule = ruleOf(entry, map);
  if (parsed.kind === 'other') return { title: options.includeOther ? options.otherSection : null };
  // 💥 alone says "breaking" and nothing else: its note is its only item.
  if (parsed.type === null) return { title: rule && !rule.hidden ? rule.section : null };
  // As conventional-changelog: a hidden or unmapped type still shows when it is breaking or pins a release.
  const forced = parsed.breaking || parsed.releaseAs !== null;
  if (rule === undefined) {
    if (options.unknownTypes === 'other') return { title: options.otherSection, left: 'unknown' };
    return forced
      ? { title: parsed.rawType ?? parsed.type, left: 'unknown' }
      : { title: null, left: 'unknown' };
  }
  if (rule.hidden && !forced && !entry.structured) return { title: null, left: 'hidden' };
  return { title: rule.section };
}

function orderedSections(
  lists: SectionLists,
  breaking: ChangelogItem[],
  map: SectionMap,
  otherTitle: string,
): ChangelogSection[] {
  const sections: ChangelogSection[] = [];
  if (breaking.length > 0) {
    breaking.sort((a, b) => a.description.localeCompare(b.description));
    sections.push({ title: BREAKING_SECTION_TITLE, kind: 'breaking', items: breaking });
  }
  const rank = (title: string): number => {
    if (title === otherTitle) return map.order.length + 1;
    const index = map.order.indexOf(title);
    return index === -1 ? map.order.length : index;
  };
  const titles = [...lists.lists.keys()].sort((a, b) => rank(a) - rank(b));
  for (const title of titles) {
    const items = lists.lists.get(title) ?? [];
    if (title === otherTitle) sections.push({ title, kind: 'other', items });
    else sections.push({ title, kind: 'type', items: items.sort(compareItems) });
  }
  return sections;
}

/** Builds the sections and fills the counting stats (hidden, unknown, duplicates). */
export function classify(
  kept: readonly Entry[],
  map: SectionMap,
  options: ClassifyOptions,
  stats: ChangelogStats,
): ChangelogSection[] {
  const breaking = new SectionLists();
  const lists = new SectionLists();
  const unknownTypes = new Set<string>();
  for (const entry of kept) {
    const { parsed } = entry;
    for (const note of parsed.notes) breaking.add(BREAKING_SECTION_TITLE, makeItem(entry, note, true));
    const place = placeOf(entry, map, options);
    if (place.left === 'unknown' && parsed.type) {
      stats.unknown++;
      unknownTypes.add(parsed.type);
    }
    if (place.left === 'hidden') stats.hidden++;
    if (place.title !== null) lists.add(place.title, makeItem(entry, parsed.description, parsed.breaking));
  }
  stats.unknownTypes = [...unknownTypes].sort();
  stats.duplicates = breaking.duplicates + lists.duplicates;
  const breakingItems = breaking.lists.get(BREAKING_SECTION_TITLE) ?? [];
  return orderedSections(lists, breakingItems, map, options.otherSection || OTHER_SECTION_TITLE);
}
