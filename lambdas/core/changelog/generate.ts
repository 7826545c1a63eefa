/**
 * Commits (raw messages or structured entries) → a release changelog in the conventional-changelog layout,
 * with the semver bump and the next version. Pure: the clock is the only outside input, and it is injected.
 */
import { ValidationError } from '../errors.ts';
import { MAX_ENTRIES } from './limits.ts';
import { type ParsedCommit, type Person, parseCommitMessage, stripTrailingPrs } from './parse.ts';
import { renderMarkdown } from './render.ts';
import {
  type ChangelogInput,
  type ParsedChangelogInput,
  parseChangelogInput,
  type StructuredEntryInput,
} from './schema.ts';
import { bumpVersion, formatSemVer, parseSemVer } from './semver.ts';
import {
  BREAKING_SECTION_TITLE,
  type Bump,
  type Changelog,
  type ChangelogItem,
  type ChangelogSection,
  type ChangelogStats,
  type Contributor,
  DEFAULT_SECTIONS,
  OTHER_SECTION_TITLE,
  type SectionRule,
} from './types.ts';

export interface GenerateContext {
  /** Today, for the release date when the input gives none. */
  now?: () => Date;
}

/** One parsed entry with what it knows of the commit it came from. */
interface Entry {
  parsed: ParsedCommit;
  /** Index of the input commit: one commit expanded into several entries still counts once per contributor. */
  source: number;
  hash: string | null;
  author: Person | null;
  /** A true merge (several parents): kept only when its subject is conventional, as release-please does. */
  merge: boolean;
}

/** The defaults with the caller's rules merged in by type: a known type is replaced in place, a new one appended. */
export function resolveSections(custom: readonly SectionRule[] | null | undefined): SectionRule[] {
  const rules = DEFAULT_SECTIONS.map((rule) => ({ ...rule }));
  for (const rule of custom ?? []) {
    const type = rule.type.toLowerCase();
    const existing = rules.findIndex((r) => r.type === type);
    const next = { type, section: rule.section, hidden: rule.hidden ?? false };
    if (existing === -1) rules.push(next);
    else rules[existing] = next;
  }
  return rules;
}

function toPerson(author: unknown): Person | null {
  if (typeof author === 'string') return { name: author, email: null };
  if (author !== null && typeof author === 'object' && 'name' in author && typeof author.name === 'string') {
    const email =
      'email' in author && typeof author.email === 'string' && author.email !== '' ? author.email : null;
    return { name: author.name, email };
  }
  return null;
}

function structuredToParsed(entry: StructuredEntryInput): ParsedCommit {
  const type = entry.type.toLowerCase();
  const scope = entry.scope?.trim() || null;
  const { text, prs } = stripTrailingPrs(entry.description);
  const pr = entry.pr ?? prs[0] ?? null;
  const breaking = entry.breaking === true;
  const header = `${entry.type}${scope ? `(${scope})` : ''}${breaking ? '!' : ''}: ${entry.description}`;
  return {
    kind: type === 'revert' ? 'revert' : 'conventional',
    type,
    rawType: entry.type,
    scope: scope === '*' ? null : scope,
    description: text,
    header,
    breaking,
    notes: breaking ? [entry.breakingNote?.trim() || text] : [],
    pr,
    issues: (entry.issues ?? []).filter((n) => n !== pr),
    coAuthors: [],
    releaseAs: null,
    revertOf: null,
    derived: false,
  };
}

function expand(input: ParsedChangelogInput, knownTypes: ReadonlySet<string>): Entry[] {
  const entries: Entry[] = [];
  const push = (entry: Entry): void => {
    if (entries.length >= MAX_ENTRIES) {
      throw new ValidationError(
        'input.commits',
        `expand to more than ${MAX_ENTRIES} entries (override blocks and nested commits included)`,
      );
    }
    entries.push(entry);
  };
  const seenHashes = new Set<string>();
  input.commits.forEach((commit, source) => {
    if (typeof commit === 'string') {
      for (const parsed of parseCommitMessage(commit, { knownTypes })) {
        push({ parsed, source, hash: null, author: null, merge: false });
      }
      return;
    }
    const hash = commit.hash ? commit.hash.toLowerCase() : null;
    // The same commit listed twice (a cherry-pick list, a retried page) is one change.
    if (hash !== null) {
      if (seenHashes.has(hash)) return;
      seenHashes.add(hash);
    }
    const author = toPerson(commit.author ?? null);
    if ('message' in commit) {
      const merge = (commit.parents ?? 0) > 1;
      for (const parsed of parseCommitMessage(commit.message, { knownTypes })) {
        push({ parsed, source, hash, author, merge });
      }
    } else {
      push({ parsed: structuredToParsed(commit), source, hash, author, merge: false });
    }
  });
  return entries;
}

const normaliseHeader = (header: string): string =>
  stripTrailingPrs(header).text.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Reverts cancel the commits they revert when both are in the range, and then neither is listed (the
 * conventional-changelog behaviour; a revert naming a commit outside the range stays under Reverts).
 * Resolution does not depend on input order: a revert is effective unless an effective revert of it is in the
 * range, so revert-of-a-revert chains come out right.
 */
function cancelledEntries(entries: readonly Entry[]): Set<Entry> {
  // Exact hashes in a map; an abbreviated hash finds its commit by binary search over the sorted hashes.
  const byHash = new Map<string, Entry>();
  const byHeader = new Map<string, Entry[]>();
  const bySource = new Map<number, Entry[]>();
  for (const entry of entries) {
    const siblings = bySource.get(entry.source);
    if (siblings) siblings.push(entry);
    else bySource.set(entry.source, [entry]);
    if (entry.hash && !byHash.has(entry.hash)) byHash.set(entry.hash, entry);
    const key = normaliseHeader(entry.parsed.header);
    const list = byHeader.get(key);
    if (list) list.push(entry);
    else byHeader.set(key, [entry]);
  }
  const sortedHashes = [...byHash.keys()].sort();
  const findByHash = (wanted: string): Entry | undefined => {
    const exact = byHash.get(wanted);
    if (exact) return exact;
    let low = 0;
    let high = sortedHashes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((sortedHashes[mid] ?? '') < wanted) low = mid + 1;
      else high = mid;
    }
    const candidate = sortedHashes[low];
    if (candidate?.startsWith(wanted)) return byHash.get(candidate);
    // The commit was given with a shorter hash than the revert names.
    for (let length = wanted.length - 1; length >= 7; length--) {
      const shorter = byHash.get(wanted.slice(0, length));
      if (shorter) return shorter;
    }
    return undefined;
  };
  const targetOf = new Map<Entry, Entry>();
  const revertsOf = new Map<Entry, Entry[]>();
  const claimed = new Set<Entry>();
  for (const entry of entries) {
    const target = entry.parsed.revertOf;
    if (!target) continue;
    let found: Entry | undefined;
    if (target.hash && target.hash.length >= 7) {
      const wanted = target.hash.toLowerCase();
      const match = findByHash(wanted);
      if (match !== entry) found = match;
    }
    // Headers identify a commit only where hashes are unknown (plain messages, structured entries): between
    // git commits a hash is required, as conventional-changelog requires it.
    if (!found && target.header) {
      const candidates = byHeader.get(normaliseHeader(target.header)) ?? [];
      found = candidates.find((c) => c !== entry && c.hash === null && !claimed.has(c));
    }
    if (!found) continue;
    claimed.add(found);
    targetOf.set(entry, found);
    const list = revertsOf.get(found);
    if (list) list.push(entry);
    else revertsOf.set(found, [entry]);
  }

  const memo = new Map<Entry, boolean>();
  const visiting = new Set<Entry>();
  const isCancelled = (entry: Entry): boolean => {
    const known = memo.get(entry);
    if (known !== undefined) return known;
    if (visiting.has(entry)) return false;
    visiting.add(entry);
    const cancelled = (revertsOf.get(entry) ?? []).some((revert) => !isCancelled(revert));
    visiting.delete(entry);
    memo.set(entry, cancelled);
    return cancelled;
  };

  const removed = new Set<Entry>();
  for (const entry of entries) {
    if (isCancelled(entry)) {
      // Reverting a commit reverts all of it, including the entries its override or nested blocks produced.
      for (const sibling of bySource.get(entry.source) ?? []) removed.add(sibling);
    } else if (targetOf.has(entry)) {
      removed.add(entry);
    }
  }
  return removed;
}

const dedupeKey = (title: string, scope: string | null, description: string): string =>
  `${title}\u0000${(scope ?? '').toLowerCase()}\u0000${description.replace(/\s+/g, ' ').trim().toLowerCase()}`;

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

function computeBump(
  entries: readonly Entry[],
  visibleCount: number,
  previous: ReturnType<typeof parseSemVer>,
  options: ParsedChangelogInput['options'],
): Bump {
  let bump: Bump = visibleCount > 0 ? 'patch' : 'none';
  for (const { parsed } of entries) {
    if (parsed.breaking) {
      bump = 'major';
      break;
    }
    if (parsed.type === 'feat' || parsed.type === 'feature') bump = 'minor';
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

/**
 * Generates a changelog. The input is validated first (`ValidationError` naming the field on any problem),
 * so a caller never gets a partial result.
 */
export function generateChangelog(input: ChangelogInput, context: GenerateContext = {}): Changelog {
  const parsedInput = parseChangelogInput(input);
  const options = parsedInput.options ?? {};
  const rules = resolveSections(options.sections);
  const ruleByType = new Map(rules.map((r) => [r.type, r]));
  const knownTypes = new Set(ruleByType.keys());

  const stats: ChangelogStats = {
    commits: parsedInput.commits.length,
    conventional: 0,
    merges: 0,
    nonConventional: 0,
    hidden: 0,
    reverted: 0,
    duplicates: 0,
  };

  const all = expand(parsedInput, knownTypes);
  const cancelled = cancelledEntries(all);
  stats.reverted = cancelled.size;

  const kept: Entry[] = [];
  for (const entry of all) {
    const { parsed } = entry;
    if (parsed.kind === 'merge' || (entry.merge && parsed.kind === 'other')) {
      stats.merges++;
      continue;
    }
    if (cancelled.has(entry)) continue;
    if (parsed.kind === 'other') stats.nonConventional++;
    else stats.conventional++;
    kept.push(entry);
  }

  const breakingItems: ChangelogItem[] = [];
  const typeSections = new Map<string, ChangelogItem[]>();
  const otherItems: ChangelogItem[] = [];
  const seen = new Set<string>();

  const makeItem = (entry: Entry, description: string, breaking: boolean): ChangelogItem => ({
    type: entry.parsed.type,
    scope: entry.parsed.scope,
    description,
    hash: entry.hash,
    shortHash: entry.hash ? entry.hash.slice(0, 7) : null,
    pr: entry.parsed.pr,
    issues: entry.parsed.issues,
    breaking,
    author: entry.author?.name ?? null,
  });
  const add = (list: ChangelogItem[], title: string, item: ChangelogItem): void => {
    const key = dedupeKey(title, item.scope, item.description);
    if (seen.has(key)) {
      stats.duplicates++;
      return;
    }
    seen.add(key);
    list.push(item);
  };

  for (const entry of kept) {
    const { parsed } = entry;
    for (const note of parsed.notes) add(breakingItems, BREAKING_SECTION_TITLE, makeItem(entry, note, true));

    if (parsed.kind === 'other' || parsed.type === null) {
      if (options.includeOther)
        add(otherItems, OTHER_SECTION_TITLE, makeItem(entry, parsed.description, false));
      continue;
    }
    const rule = ruleByType.get(parsed.type);
    // As conventional-changelog: a hidden or unmapped type still shows when it is breaking or pins a release.
    const visible = (rule !== undefined && !rule.hidden) || parsed.breaking || parsed.releaseAs !== null;
    if (!visible) {
      if (rule === undefined && options.includeOther) {
        add(otherItems, OTHER_SECTION_TITLE, makeItem(entry, parsed.header, false));
      } else {
        stats.hidden++;
      }
      continue;
    }
    const title = rule?.section ?? parsed.rawType ?? parsed.type;
    let list = typeSections.get(title);
    if (!list) {
      list = [];
      typeSections.set(title, list);
    }
    add(list, title, makeItem(entry, parsed.description, parsed.breaking));
  }

  const sections: ChangelogSection[] = [];
  if (breakingItems.length > 0) {
    sections.push({
      title: BREAKING_SECTION_TITLE,
      kind: 'breaking',
      items: breakingItems.sort((a, b) => a.description.localeCompare(b.description)),
    });
  }
  const order = [...new Set(rules.map((r) => r.section))];
  const titles = [...typeSections.keys()].sort((a, b) => {
    const ra = order.indexOf(a);
    const rb = order.indexOf(b);
    return (ra === -1 ? order.length : ra) - (rb === -1 ? order.length : rb);
  });
  for (const title of titles) {
    const items = typeSections.get(title) ?? [];
    sections.push({ title, kind: 'type', items: items.sort(compareItems) });
  }
  if (otherItems.length > 0) sections.push({ title: OTHER_SECTION_TITLE, kind: 'other', items: otherItems });

  const visibleCount = sections.reduce((n, s) => (s.kind === 'breaking' ? n : n + s.items.length), 0);
  const previous = parsedInput.previousVersion ? parseSemVer(parsedInput.previousVersion) : null;
  const bump = computeBump(kept, visibleCount, previous, options);

  const releaseAs = kept.find((e) => e.parsed.releaseAs !== null)?.parsed.releaseAs ?? null;
  let version: string | null = null;
  const explicit = parsedInput.version ? parseSemVer(parsedInput.version) : null;
  const pinned = releaseAs ? parseSemVer(releaseAs) : null;
  if (explicit) version = formatSemVer(explicit);
  else if (pinned) version = formatSemVer(pinned);
  else if (previous && bump !== 'none') version = formatSemVer(bumpVersion(previous, bump));

  const contributors = collectContributors(kept);
  const date = parsedInput.date ?? utcDate((context.now ?? (() => new Date()))());
  const previousVersion = previous ? formatSemVer(previous) : null;

  const changelog: Omit<Changelog, 'markdown'> = {
    version,
    previousVersion,
    date,
    bump,
    sections,
    contributors,
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
