/**
 * Input commits → parsed entries (one commit may carry several), and the reverts that cancel inside the range.
 */
import { ValidationError } from '../errors.ts';
import { MAX_ENTRIES } from './limits.ts';
import { type ParsedCommit, type Person, parseCommitMessage, stripTrailingPrs } from './parse.ts';
import { attachFooters } from './paste.ts';
import type { ParsedChangelogInput, StructuredEntryInput } from './schema.ts';
import type { ParseOptions } from './syntax.ts';

/** One parsed entry with what it knows of the commit it came from. */
export interface Entry {
  parsed: ParsedCommit;
  /** Index of the input commit: one commit expanded into several entries still counts once per contributor. */
  source: number;
  hash: string | null;
  author: Person | null;
  /** A true merge (several parents): kept only when its subject is conventional, as release-please does. */
  merge: boolean;
  /** A structured entry: shown even when its type is hidden (it was written for the changelog). */
  structured: boolean;
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
  const revert = type === 'revert';
  return {
    kind: revert ? 'revert' : 'conventional',
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
    // A revert entry's description is the reverted header (`feat: add foo`), as in a `revert:` commit.
    revertOf: revert ? { header: /^"([\s\S]*)"$/.exec(text)?.[1] ?? text, hash: null } : null,
    derived: false,
    gitmoji: null,
    nearMiss: null,
  };
}

/**
 * The entries of the input's commits, and how many commits there are: a footer line given as a string of its
 * own joins the message above it and the same hash listed twice is one commit, so neither counts again.
 */
export function expand(
  input: ParsedChangelogInput,
  options: ParseOptions,
): { entries: Entry[]; commits: number } {
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
  const hashless: ParseOptions = { ...options, hashless: true };
  let commits = 0;
  for (const { commit, source } of attachFooters(input.commits)) {
    commits++;
    if (typeof commit === 'string') {
      for (const parsed of parseCommitMessage(commit, hashless)) {
        push({ parsed, source, hash: null, author: null, merge: false, structured: false });
      }
      continue;
    }
    const hash = commit.hash ? commit.hash.toLowerCase() : null;
    // The same commit listed twice (a cherry-pick list, a retried page) is one change.
    if (hash !== null) {
      if (seenHashes.has(hash)) {
        commits--;
        continue;
      }
      seenHashes.add(hash);
    }
    const author = toPerson(commit.author ?? null);
    if ('message' in commit) {
      const merge = (commit.parents ?? 0) > 1;
      for (const parsed of parseCommitMessage(commit.message, hash === null ? hashless : options)) {
        push({ parsed, source, hash, author, merge, structured: false });
      }
    } else {
      push({ parsed: structuredToParsed(commit), source, hash, author, merge: false, structured: true });
    }
  }
  return { entries, commits };
}

const normaliseHeader = (header: string): string =>
  stripTrailingPrs(header).text.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Reverts cancel the commits they revert when both are in the range, and then neither is listed (the
 * conventional-changelog behaviour; a revert naming a commit outside the range stays under Reverts).
 * Resolution does not depend on input order: a revert is effective unless an effective revert of it is in the
 * range, so revert-of-a-revert chains come out right.
 */
export function cancelledEntries(entries: readonly Entry[]): Set<Entry> {
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
    // A revert naming a hash matches a git commit by that hash only (conventional-changelog); its header finds
    // only a commit without a hash. A revert naming no hash (a pasted subject, a GitHub revert pull request)
    // has nothing but the reverted subject, so the subject finds any commit.
    if (!found && target.header) {
      const candidates = byHeader.get(normaliseHeader(target.header)) ?? [];
      found = candidates.find((c) => c !== entry && (c.hash === null || !target.hash) && !claimed.has(c));
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
