/**
 * Conventional-commit parsing (conventionalcommits.org 1.0.0), with the extensions real release tools apply
 * to real histories, so that regenerated notes match what conventional-changelog-conventionalcommits and
 * release-please publish:
 *
 * - header `type(scope)!: description`; the type is case-insensitive, `*` and empty scopes mean no scope;
 * - `BREAKING CHANGE:` / `BREAKING-CHANGE:` notes anywhere in the body, a note running on over the following
 *   lines of its paragraph but stopping at a trailer (`Co-authored-by:`, `Refs:`, …) or a reference line;
 * - `!` without a note makes the description itself the breaking note (conventional-changelog's addBangNotes);
 * - a trailing `(#123)` (squash merge) is the pull request, kept out of the description;
 * - `closes #45` / `fixes #12` / `Refs: #9` are issue references;
 * - reverts: `revert: <header>` and git's `Revert "<header>"` with `This reverts commit <sha>.`;
 * - merge noise (`Merge pull request …`, `Merge branch …`) is recognised so it can be skipped;
 * - release-please expansions: a `BEGIN_COMMIT_OVERRIDE … END_COMMIT_OVERRIDE` block replaces the message,
 *   `BEGIN_NESTED_COMMIT … END_NESTED_COMMIT` blocks and conventional headers in the closing trailer block
 *   are extra commits of the same change, and `Release-As: x.y.z` pins the version.
 */

export type ParsedKind = 'conventional' | 'revert' | 'other' | 'merge';

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
}

export interface ParseOptions {
  /** Lower-case types of the section map: only these start a nested commit inside a trailer block. */
  knownTypes: ReadonlySet<string>;
}

const HEADER = /^(\w+)(?:\(([^()\r\n]*)\))?(!)?:[ \t]+(.*)$/;
const GIT_REVERT_HEADER = /^Revert\s+"([\s\S]*)"$/;
const MERGE_NOISE =
  /^(?:Merge (?:pull request|branch(?:es)?|remote-tracking branch(?:es)?|tag|commit|changes|'|"|[0-9a-f]{7,40}\b)|Merged? .*\binto\b|Merged in |Automatic merge\b)/i;
/** Case-insensitive with a colon (as conventional-changelog), upper-case only when followed by a space. */
const NOTE_COLON = /^[\s|*]*breaking[ -]change[ \t]*:[ \t]*(.*)$/i;
const NOTE_SPACE = /^[\s|*]*BREAKING[ -]CHANGE[ \t]+(.*)$/;
const TRAILER_HYPHENATED = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+[ \t]*:/;
const TRAILER_WORD =
  /^(?:refs?|references?|close[sd]?|fix(?:e[sd])?|resolve[sd]?|see|cc|bug|issues?|link|related|part-of)(?:[ \t]*:|[ \t]+(?:[\w.-]+\/[\w.-]+)?#\d)/i;
const FOOTER_TOKEN = /^[A-Za-z][\w-]*(?:\([^()\r\n]*\))?!?:[ \t]/;
const FOOTER_HASH_TOKEN = /^[A-Za-z][\w-]*[ \t]+(?:[\w.-]+\/[\w.-]+)?#\d/;
const CO_AUTHOR = /^\s*co-authored-by[ \t]*:[ \t]*(.*?)[ \t]*<([^<>]*)>[ \t]*$/i;
const RELEASE_AS = /^\s*release-as[ \t]*:[ \t]*v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)[ \t]*$/i;
const REVERTS_COMMIT = /This reverts commit ([0-9a-f]{7,64})/i;
const ACTION_REFS =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?[ \t]+((?:[\w.-]+\/[\w.-]+)?#\d+(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]+)(?:[\w.-]+\/[\w.-]+)?#\d+)*)/gi;
const REFS_FOOTER = /^\s*(?:refs?|references?)[ \t]*:?[ \t]+(.*#\d.*)$/i;
/** A `#12` not glued to a word: `octo/other#12` belongs to another repository. */
const LOCAL_ISSUE = /(?<![\w/.-])#(\d+)/g;
const TRAILING_PR = /[ \t]*\(#(\d+)\)[ \t]*$/;
const REFERENCE_LINE = /#[\w-]*\d/;
const EXTENDED_CONTEXT = /^(?:#### |[*-] )/;

const isBlank = (line: string): boolean => line.trim() === '';

/** Strips every trailing `(#123)`; the last one written is the pull request that landed the change. */
export function stripTrailingPrs(text: string): { text: string; prs: number[] } {
  const prs: number[] = [];
  let rest = text.trimEnd();
  for (;;) {
    const match = TRAILING_PR.exec(rest);
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

function isNote(line: string): RegExpExecArray | null {
  return NOTE_COLON.exec(line) ?? NOTE_SPACE.exec(line);
}

function isTrailer(line: string): boolean {
  return TRAILER_HYPHENATED.test(line) || TRAILER_WORD.test(line);
}

function isNestedHeader(line: string, options: ParseOptions): boolean {
  const match = HEADER.exec(line);
  const type = match?.[1];
  const subject = match?.[4]?.trim();
  if (!type || !subject) return false;
  // `Fix: #12` is a reference footer, not a fix whose whole description is an issue number.
  if (/^(?:[\w.-]+\/[\w.-]+)?#\d+$/.test(subject)) return false;
  return options.knownTypes.has(type.toLowerCase());
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

/** The text between `begin` and `end` (or the end of the message), `null` when `begin` is absent. */
function extractBlock(text: string, begin: string, end: string): string | null {
  const start = text.indexOf(begin);
  if (start === -1) return null;
  const rest = text.slice(start + begin.length);
  const stop = rest.indexOf(end);
  return stop === -1 ? rest : rest.slice(0, stop);
}

function splitNested(text: string): { main: string; nested: string[] } {
  const parts = text.split('BEGIN_NESTED_COMMIT');
  let main = parts[0] ?? '';
  const nested: string[] = [];
  for (const part of parts.slice(1)) {
    const [inside = '', ...after] = part.split('END_NESTED_COMMIT');
    nested.push(inside);
    main += after.join('');
  }
  return { main, nested };
}

/**
 * Splits an override block into messages: every conventional header of a known type (or git revert header)
 * starts a new one, and the lines that are not headers (body text, `BREAKING CHANGE:` footers) stay with
 * the header above them.
 */
function splitOverride(block: string, options: ParseOptions): string[] {
  const messages: string[][] = [];
  let current: string[] | null = null;
  for (const raw of block.split('\n')) {
    const line = raw.trim();
    const startsCommit =
      line !== '' &&
      (current === null ||
        isNestedHeader(line, options) ||
        GIT_REVERT_HEADER.test(stripTrailingPrs(line).text));
    if (startsCommit) {
      current = [line];
      messages.push(current);
    } else if (current !== null) {
      current.push(raw);
    }
  }
  return messages.map((lines) => lines.join('\n'));
}

interface BodyFacts {
  notes: string[];
  issues: Set<number>;
  coAuthors: Person[];
  releaseAs: string | null;
  revertHash: string | null;
  nested: string[];
}

/**
 * Finds release-please's footer commits: conventional headers of a known type inside the closing trailer
 * block (a last paragraph made only of `token: value` lines and their indented continuations).
 */
function findFooterCommits(
  body: string[],
  options: ParseOptions,
): { nested: string[]; claimed: Set<number> } {
  const nested: string[] = [];
  const claimed = new Set<number>();
  let end = body.length;
  while (end > 0 && isBlank(body[end - 1] ?? '')) end--;
  let begin = end;
  while (begin > 0 && !isBlank(body[begin - 1] ?? '')) begin--;
  if (begin === end || /^\s/.test(body[begin] ?? '')) return { nested, claimed };
  for (let i = begin; i < end; i++) {
    const line = body[i] ?? '';
    const footerLike =
      /^\s/.test(line) || FOOTER_TOKEN.test(line) || FOOTER_HASH_TOKEN.test(line) || isNote(line) !== null;
    if (!footerLike) return { nested, claimed };
  }
  for (let i = begin; i < end; i++) {
    const line = body[i] ?? '';
    if (!isNestedHeader(line, options)) continue;
    const continuation: string[] = [];
    claimed.add(i);
    while (i + 1 < end && /^\s/.test(body[i + 1] ?? '')) {
      i++;
      claimed.add(i);
      continuation.push((body[i] ?? '').trim());
    }
    nested.push(continuation.length > 0 ? `${line}\n\n${continuation.join('\n')}` : line);
  }
  return { nested, claimed };
}

function readBody(header: string, body: string[], options: ParseOptions): BodyFacts {
  const facts: BodyFacts = {
    notes: [],
    issues: new Set(),
    coAuthors: [],
    releaseAs: null,
    revertHash: null,
    nested: [],
  };
  const { nested, claimed } = findFooterCommits(body, options);
  facts.nested = nested;

  for (const match of header.matchAll(ACTION_REFS)) localIssueNumbers(match[1] ?? '', facts.issues);

  for (let i = 0; i < body.length; i++) {
    if (claimed.has(i)) continue;
    const line = body[i] ?? '';
    for (const match of line.matchAll(ACTION_REFS)) localIssueNumbers(match[1] ?? '', facts.issues);
    const refs = REFS_FOOTER.exec(line);
    if (refs?.[1]) localIssueNumbers(refs[1], facts.issues);
    const coAuthor = CO_AUTHOR.exec(line);
    if (coAuthor) {
      const name = coAuthor[1]?.trim() || coAuthor[2]?.trim() || '';
      if (name) facts.coAuthors.push({ name, email: coAuthor[2]?.trim() || null });
      continue;
    }
    const releaseAs = RELEASE_AS.exec(line);
    if (releaseAs?.[1]) {
      facts.releaseAs ??= releaseAs[1];
      continue;
    }
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
      if (isNote(next) || isTrailer(next) || REFERENCE_LINE.test(next) || isNestedHeader(next, options))
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
  };
}

function normaliseScope(scope: string | undefined): string | null {
  const trimmed = scope?.trim() ?? '';
  return trimmed === '' || trimmed === '*' ? null : trimmed;
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

  // Without its `This reverts commit` line (GitHub's revert pull requests) git's header is not a revert to
  // conventional-changelog or release-please, and both leave it out.
  const gitRevert = facts.revertHash === null ? null : GIT_REVERT_HEADER.exec(headerText);
  const match = HEADER.exec(header);
  if (gitRevert) {
    commit.kind = 'revert';
    commit.type = 'revert';
    commit.rawType = 'revert';
    // conventional-changelog shows git's revert header as written, having no subject to take.
    commit.revertOf = { header: gitRevert[1] ?? null, hash: facts.revertHash };
  } else if (match) {
    const [, rawType = '', scope, bang, subject = ''] = match;
    const stripped = stripTrailingPrs(subject);
    if (stripped.text.trim() !== '') {
      commit.type = rawType.toLowerCase();
      commit.rawType = rawType;
      commit.scope = normaliseScope(scope);
      commit.description = stripped.text.trim();
      if (commit.type === 'revert') {
        commit.kind = 'revert';
        const quoted = /^"([\s\S]*)"$/.exec(commit.description);
        commit.revertOf = { header: quoted?.[1] ?? commit.description, hash: facts.revertHash };
      } else {
        commit.kind = 'conventional';
        if (bang && commit.notes.length === 0) commit.notes.push(commit.description);
      }
    }
  }
  commit.breaking = commit.kind !== 'revert' && commit.notes.length > 0;
  if (commit.kind === 'revert') commit.notes = [];

  const footerCommits = facts.nested.flatMap((message) => parseSingle(message, options, true));
  return [commit, ...footerCommits];
}

/**
 * Parses a raw commit message into one or more entries (an override block or nested commits give several).
 * Derived entries without a pull request of their own inherit the commit's.
 */
export function parseCommitMessage(message: string, options: ParseOptions): ParsedCommit[] {
  const text = message.replace(/\r\n?/g, '\n');
  const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
  const ownPr = stripTrailingPrs(firstLine).prs[0] ?? null;

  const override = extractBlock(text, 'BEGIN_COMMIT_OVERRIDE', 'END_COMMIT_OVERRIDE');
  let parsed: ParsedCommit[];
  if (override !== null && override.trim() !== '') {
    parsed = splitOverride(override, options).flatMap((m) => parseSingle(m, options, true));
  } else {
    const { main, nested } = splitNested(text);
    parsed = [...parseSingle(main, options, false), ...nested.flatMap((m) => parseSingle(m, options, true))];
  }
  if (ownPr !== null) {
    for (const commit of parsed) {
      if (commit.derived && commit.pr === null) commit.pr = ownPr;
    }
  }
  return parsed;
}
