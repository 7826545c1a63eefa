/**
 * Conventional-commit parsing (conventionalcommits.org 1.0.0), with the extensions real release tools apply
 * to real histories, so that regenerated notes match what release-please and conventional-changelog publish:
 *
 * - header `type(scope)!: description`; the type is case-insensitive, `*` and empty scopes mean no scope;
 * - `BREAKING CHANGE:` / `BREAKING-CHANGE:` notes anywhere in the body, a note running on over the following
 *   lines of its paragraph but stopping at a trailer (`Co-authored-by:`, `Refs:`, …) or a reference line;
 * - `!` without a note makes the description itself the breaking note (conventional-changelog's addBangNotes);
 * - a trailing `(#123)` (squash merge) is the pull request, kept out of the description;
 * - `closes #45` / `fixes #12` / `Refs: #9` are issue references;
 * - reverts: `revert: <header>` and git's `Revert "<header>"` (with `This reverts commit <sha>.` when git wrote it);
 * - merge noise (`Merge pull request …`, `Merge branch …`) is recognised so it can be skipped;
 * - one message may carry several changes (`split.ts`), and `Release-As: x.y.z` pins the version.
 */
import { type Gitmoji, leadingEmoji } from './gitmoji.ts';
import { missingColonType, repairHeader, resemblingType } from './near-miss.ts';
import { findFooterCommits, hasOverride, splitMessage } from './split.ts';
import { isBlank, isCommitHeader, isNote, matchHeader, type ParseOptions } from './syntax.ts';
import type { NearMiss } from './types.ts';

export type { ParseOptions } from './syntax.ts';

/** `autosquash`: a `fixup!`, `squash!` or `amend!` commit, never part of a changelog. */
export type ParsedKind = 'conventional' | 'revert' | 'other' | 'merge' | 'autosquash';

export interface Person {
  name: string;
  email: string | null;
}

export interface RevertTarget {
  /** The reverted commit's header as quoted in the revert, when given. */
  header: string | null;
  /** The reverted commit's hash (possibly abbreviated), when given. */
  hash: string | null;
}

export interface ParsedCommit {
  kind: ParsedKind;
  /** Lower-case type (`feat`); `null` for merges and non-conventional messages. */
  type: string | null;
  /** The type as written, used as the section title of a breaking commit of an unmapped type. */
  rawType: string | null;
  scope: string | null;
  description: string;
  /** The first line as written. */
  header: string;
  breaking: boolean;
  /** Breaking-change notes, in the order written. */
  notes: string[];
  pr: number | null;
  issues: number[];
  coAuthors: Person[];
  releaseAs: string | null;
  revertOf: RevertTarget | null;
  /** Produced by an override block or a nested commit, not by the commit's own header. */
  derived: boolean;
  /** The gitmoji that chose the type, when no conventional type was written (`✨ add x`). */
  gitmoji: Gitmoji | null;
  nearMiss: NearMiss | null;
}

const GIT_REVERT_HEADER = /^Revert\s+"([\s\S]*)"$/;
/** After a gitmoji: `(scope)`, `!` and `:`, each optional (`✨ (api): add x`, `✨ add x`). Linear. */
const GITMOJI_REST = /^(?:\(([^()\r\n]*)\))?(?:[ \t]*(!))?(?:[ \t]*:)?[ \t]*(\S.*)$/;
/** What `git commit --fixup` / `--squash` / `--fixup=amend:` write, for `git rebase --autosquash`. */
const AUTOSQUASH = /^(?:fixup|squash|amend)![ \t]/;
const MERGE_NOISE =
  /^(?:Merge (?:pull request|branch(?:es)?|remote-tracking branch(?:es)?|tag|commit|changes|'|"|[0-9a-f]{7,40}\b)|Merged? .*\binto\b|Merged in |Automatic merge\b)/i;
const TRAILER_HYPHENATED = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+[ \t]*:/;
const TRAILER_WORD =
  /^(?:refs?|references?|close[sd]?|fix(?:e[sd])?|resolve[sd]?|see|cc|bug|issues?|link|related|part-of)(?:[ \t]*:|[ \t]+(?:[\w.-]+\/[\w.-]+)?#\d)/i;
const CO_AUTHOR_KEY = /^\s*co-authored-by[ \t]*:/i;
const RELEASE_AS = /^\s*release-as[ \t]*:[ \t]*v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)[ \t]*$/i;
const REVERTS_COMMIT = /This reverts commit ([0-9a-f]{7,64})/i;
/** The body GitHub's "Revert" button writes for a revert pull request. */
const GITHUB_REVERTS = /^Reverts [\w.-]+\/[\w.-]+#\d+[ \t]*$/;
const ACTION_REFS =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?[ \t]+((?:[\w.-]+\/[\w.-]+)?#\d+(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]+)(?:[\w.-]+\/[\w.-]+)?#\d+)*)/gi;
/**
 * `Refs: #12`, `Refs #12` (its `#n` are read from the rest). No two quantifiers share the spaces:
 * `[ \t]*:?[ \t]+(.*#\d.*)` took seconds on a long run of them.
 */
const REFS_FOOTER = /^\s*(?:refs?|references?)(?:[ \t]*:)?[ \t]+(\S.*)$/i;
/** A `#12` not glued to a word: `octo/other#12` belongs to another repository. */
const LOCAL_ISSUE = /(?<![\w/.-])#(\d+)/g;
/** Matched against text whose end is trimmed; the spaces before it are trimmed after (a leading `[ \t]*` would
 * be retried from every space of a long run). */
const TRAILING_PR = /\(#(\d+)\)$/;
const REFERENCE_LINE = /#[\w-]*\d/;
const EXTENDED_CONTEXT = /^(?:#### |[*-] )/;

/** Strips every trailing `(#123)`; the last one written is the pull request that landed the change. */
export function stripTrailingPrs(text: string): { text: string; prs: number[] } {
  const prs: number[] = [];
  let rest = text.trimEnd();
  for (;;) {
    const match = rest.endsWith(')') ? TRAILING_PR.exec(rest) : null;
    if (!match?.[1]) break;
    prs.push(Number(match[1]));
    rest = rest.slice(0, match.index).trimEnd();
  }
  // A subject that is nothing but a reference keeps it: an empty description would say nothing at all.
  if (rest === '') return { text: text.trim(), prs: [] };
  return { text: rest, prs };
}

function localIssueNumbers(text: string, into: Set<number>): void {
  for (const match of text.matchAll(LOCAL_ISSUE)) {
    if (match[1]) into.add(Number(match[1]));
  }
}

/**
 * `Co-authored-by: Name <email>` (the name may be empty: the address stands for it), `null` for any other
 * line. Read without a regular expression over the whole line: `(.*?)[ \t]*<` retried its lazy name from every
 * space of a long run, which hung on a 30,000-space trailer.
 */
function coAuthorOf(line: string): Person | null {
  const key = CO_AUTHOR_KEY.exec(line);
  if (!key) return null;
  const rest = line.slice(key[0].length).trim();
  const open = rest.lastIndexOf('<');
  if (!rest.endsWith('>') || open === -1) return null;
  const email = rest.slice(open + 1, -1);
  if (email.includes('>')) return null;
  const name = rest.slice(0, open).trim() || email.trim();
  return { name, email: email.trim() || null };
}

function isTrailer(line: string): boolean {
  return TRAILER_HYPHENATED.test(line) || TRAILER_WORD.test(line);
}

/**
 * Joins a note's lines the way release-please does: one paragraph becomes one line, and a Markdown list or
 * `####` heading right after the first line is kept as indented extra context.
 */
function formatNote(lines: string[]): string {
  let text = '';
  let extended = false;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (index > 0 && !extended && EXTENDED_CONTEXT.test(line)) {
      text = `${text.trim()}\n`;
      extended = true;
    }
    text += extended ? `    ${line}\n` : `${line} `;
  });
  return text.trim();
}

interface BodyFacts {
  notes: string[];
  issues: Set<number>;
  coAuthors: Person[];
  releaseAs: string | null;
  revertHash: string | null;
  /** GitHub's revert pull request body line, `Reverts octo/app#20`: the subject names the reverted commit. */
  revertsPullRequest: boolean;
  nested: string[];
}

function readBody(header: string, body: string[], options: ParseOptions): BodyFacts {
  const facts: BodyFacts = {
    notes: [],
    issues: new Set(),
    coAuthors: [],
    releaseAs: null,
    revertHash: null,
    revertsPullRequest: false,
    nested: [],
  };
  const { messages, claimed } = findFooterCommits(body, options);
  facts.nested = messages;

  for (const match of header.matchAll(ACTION_REFS)) localIssueNumbers(match[1] ?? '', facts.issues);

  for (let i = 0; i < body.length; i++) {
    if (claimed.has(i)) continue;
    const line = body[i] ?? '';
    for (const match of line.matchAll(ACTION_REFS)) localIssueNumbers(match[1] ?? '', facts.issues);
    const refs = REFS_FOOTER.exec(line);
    if (refs?.[1]) localIssueNumbers(refs[1], facts.issues);
    const coAuthor = coAuthorOf(line);
    if (coAuthor) {
      if (coAuthor.name) facts.coAuthors.push(coAuthor);
      continue;
    }
    const releaseAs = RELEASE_AS.exec(line);
    if (releaseAs?.[1]) {
      facts.releaseAs ??= releaseAs[1];
      continue;
    }
    if (GITHUB_REVERTS.test(line)) facts.revertsPullRequest = true;
    if (facts.revertHash === null) {
      const reverts = REVERTS_COMMIT.exec(line);
      if (reverts?.[1]) facts.revertHash = reverts[1].toLowerCase();
    }
    const note = isNote(line);
    if (!note) continue;
    const lines = [note[1] ?? ''];
    let j = i + 1;
    for (; j < body.length; j++) {
      const next = body[j] ?? '';
      if (claimed.has(j)) break;
      if (isBlank(next)) {
        // `BREAKING CHANGE:` alone on its line announces the paragraph that follows.
        if (lines.join('').trim() === '') continue;
        break;
      }
      // conventional-changelog ends a note at a line holding an issue reference (`see #12`, `Closes #3`).
      if (
        isNote(next) ||
        isTrailer(next.trimStart()) ||
        REFERENCE_LINE.test(next) ||
        isCommitHeader(next, options)
      )
        break;
      lines.push(next);
    }
    const text = formatNote(lines.filter((l) => !isBlank(l)));
    if (text !== '') facts.notes.push(text);
    i = j - 1;
  }
  return facts;
}

function blankCommit(header: string): ParsedCommit {
  return {
    kind: 'other',
    type: null,
    rawType: null,
    scope: null,
    description: header,
    header,
    breaking: false,
    notes: [],
    pr: null,
    issues: [],
    coAuthors: [],
    releaseAs: null,
    revertOf: null,
    derived: false,
    gitmoji: null,
    nearMiss: null,
  };
}

function normaliseScope(scope: string | undefined): string | null {
  const trimmed = scope?.trim() ?? '';
  return trimmed === '' || trimmed === '*' ? null : trimmed;
}

interface HeaderParts {
  rawType: string;
  scope: string | undefined;
  bang: boolean;
  /** The subject after the colon, a trailing `(#123)` still on it. */
  subject: string;
}

/**
 * Fills in the type, scope and description the header gives: a conventional header; one behind a leading
 * emoji (`✨ feat: add x`; the emoji stays in the description, as the subject reads); a gitmoji subject
 * (`✨ add x`, `:bug: (api): fix y`), whose gitmoji chooses the type; a header whose punctuation is slightly
 * off (`feat(api) add z`, read and recorded as a near miss). Anything else stays a plain message, with a near
 * miss recorded when it resembles a header (`feat add x`, a type `fet`).
 */
function readHeader(commit: ParsedCommit, header: string, revertHash: string | null, options: ParseOptions) {
  const conventional = (line: string): HeaderParts | null => {
    const match = matchHeader(line, options);
    if (!match) return null;
    const [, rawType = '', scope, bang, subject = ''] = match;
    return { rawType, scope, bang: bang === '!', subject };
  };
  const direct = conventional(header);
  if (direct) {
    applyHeader(commit, direct, '', revertHash);
    const looksLike = commit.type === null ? null : resemblingType(commit.type, options.knownTypes);
    if (looksLike && commit.kind === 'conventional') {
      commit.nearMiss = {
        kind: 'unknown-type',
        header,
        reading: header.replace(/^\w+/, looksLike),
        type: looksLike,
      };
    }
    return;
  }
  const emoji = leadingEmoji(header);
  if (emoji) {
    const breaking = emoji.gitmojis.some((g) => g.code === 'boom');
    const behind = conventional(emoji.rest);
    if (behind) {
      applyHeader(commit, { ...behind, bang: behind.bang || breaking }, emoji.written, revertHash);
      return;
    }
    const gitmoji = emoji.gitmojis.find((g) => g.type !== null) ?? (breaking ? emoji.gitmojis[0] : undefined);
    const form = GITMOJI_REST.exec(emoji.rest);
    if (gitmoji && form) {
      const [, scope, bang, subject = ''] = form;
      const parts = {
        rawType: gitmoji.type ?? '',
        scope: scope ?? gitmoji.scope ?? undefined,
        bang: bang === '!' || breaking,
        subject,
      };
      applyHeader(commit, parts, emoji.written, revertHash);
      if (commit.kind !== 'other') commit.gitmoji = gitmoji;
    }
    return;
  }
  const repaired = repairHeader(header, options.knownTypes);
  if (repaired) {
    applyHeader(
      commit,
      { rawType: repaired.type, scope: repaired.scope, bang: repaired.bang, subject: repaired.subject },
      '',
      revertHash,
    );
    if (commit.kind !== 'other') {
      commit.nearMiss = {
        kind: 'repaired',
        header,
        reading: repaired.reading,
        type: repaired.type.toLowerCase(),
      };
    }
    return;
  }
  const bare = missingColonType(header, options.knownTypes);
  if (bare) {
    commit.nearMiss = {
      kind: 'not-conventional',
      header,
      reading: header.replace(/^(\w+)[ \t]+/, '$1: '),
      type: bare,
    };
  }
}

/**
 * The commit as its header parts say; `prefix` (a leading emoji) opens the description. A header with nothing
 * after the type (`feat: `) leaves the commit a plain message. An empty type is a gitmoji that says only
 * "breaking" (💥): listed under ⚠ BREAKING CHANGES and in no type's section.
 */
function applyHeader(commit: ParsedCommit, parts: HeaderParts, prefix: string, revertHash: string | null) {
  const stripped = stripTrailingPrs(parts.subject);
  if (stripped.text.trim() === '') return;
  const description = stripped.text.trim();
  commit.type = parts.rawType === '' ? null : parts.rawType.toLowerCase();
  commit.rawType = parts.rawType === '' ? null : parts.rawType;
  commit.scope = normaliseScope(parts.scope);
  commit.description = prefix === '' ? description : `${prefix} ${description}`;
  if (stripped.prs.length > 0 && commit.pr === null) commit.pr = stripped.prs[0] ?? null;
  if (commit.type === 'revert') {
    commit.kind = 'revert';
    const quoted = /^"([\s\S]*)"$/.exec(description);
    commit.revertOf = { header: quoted?.[1] ?? description, hash: revertHash };
  } else {
    commit.kind = 'conventional';
    if (parts.bang && commit.notes.length === 0) commit.notes.push(commit.description);
  }
}

/** Parses one message without override handling; footer commits follow the message's own entry. */
function parseSingle(text: string, options: ParseOptions, derived: boolean): ParsedCommit[] {
  const lines = text.split('\n');
  let start = 0;
  while (start < lines.length && isBlank(lines[start] ?? '')) start++;
  const header = (lines[start] ?? '').trim();
  if (header === '') return [];
  const body = lines.slice(start + 1);
  const commit = blankCommit(header);
  commit.derived = derived;

  if (MERGE_NOISE.test(header)) {
    commit.kind = 'merge';
    return [commit];
  }

  const { text: headerText, prs } = stripTrailingPrs(header);
  commit.pr = prs[0] ?? null;
  commit.description = headerText;
  const facts = readBody(header, body, options);
  commit.issues = [...facts.issues, ...prs.slice(1)].filter((n) => n !== commit.pr);
  commit.coAuthors = facts.coAuthors;
  commit.releaseAs = facts.releaseAs;
  commit.notes = facts.notes;

  // git's header is a revert with its `This reverts commit` line, with the `Reverts octo/app#20` line of a
  // GitHub revert pull request (conventional-changelog and release-please leave that one out as a plain
  // message, and so announce the change it took back), and in a message without a hash (a pasted one-line
  // log), which has only its quoted subject: a revert that cancels the commit of that subject or is listed.
  const gitRevert =
    facts.revertHash !== null || facts.revertsPullRequest || options.hashless === true
      ? GIT_REVERT_HEADER.exec(headerText)
      : null;
  if (gitRevert) {
    commit.kind = 'revert';
    commit.type = 'revert';
    commit.rawType = 'revert';
    // conventional-changelog shows git's revert header as written, having no subject to take.
    commit.revertOf = { header: gitRevert[1] ?? null, hash: facts.revertHash };
  } else {
    readHeader(commit, header, facts.revertHash, options);
  }
  commit.breaking = commit.kind !== 'revert' && commit.notes.length > 0;
  if (commit.kind === 'revert') commit.notes = [];

  const footerCommits = facts.nested.flatMap((message) => parseSingle(message, options, true));
  return [commit, ...footerCommits];
}

/** The pull request a merge commit landed (`Merge pull request #12 from …`), or its squash suffix. */
function ownPullRequest(firstLine: string): number | null {
  const merged = /^Merge pull request #(\d+)\b/.exec(firstLine);
  if (merged?.[1]) return Number(merged[1]);
  return stripTrailingPrs(firstLine).prs[0] ?? null;
}

/**
 * Parses a raw commit message into one or more entries (`split.ts`: override block, nested commits, several
 * conventional commits, footer commits). Derived entries without a pull request of their own inherit the
 * commit's.
 */
export function parseCommitMessage(message: string, options: ParseOptions): ParsedCommit[] {
  const text = message.replace(/\r\n?/g, '\n');
  const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
  // Meant to be squashed into the commit it names: left whole, body and all, out of every changelog.
  if (AUTOSQUASH.test(firstLine)) return [{ ...blankCommit(firstLine.trim()), kind: 'autosquash' }];
  const ownPr = ownPullRequest(firstLine);
  const overridden = hasOverride(text);
  const parsed = splitMessage(text, options).flatMap((piece, index) =>
    parseSingle(piece, options, overridden || index > 0),
  );
  if (ownPr !== null) {
    for (const commit of parsed) {
      if (commit.derived && commit.pr === null) commit.pr = ownPr;
    }
  }
  return parsed;
}
