/** The line-level grammar shared by message splitting (`split.ts`) and message parsing (`parse.ts`). */

export interface ParseOptions {
  /** Lower-case types of the section map: only these start a commit inside a body or a trailer block. */
  knownTypes: ReadonlySet<string>;
  /**
   * Also read `* type: …` / `- type: …` lines (GitHub's squash body lists the branch's commits that way) as
   * commits of their own. Off by default: release-please and conventional-changelog ignore them.
   */
  bulletCommits?: boolean;
  /**
   * The message has no commit hash (pasted or typed text, the API's strings): git's `Revert "…"` is a revert
   * even without its `This reverts commit` line, as its quoted subject is all there is to go on. A git commit
   * (with a hash) keeps conventional-changelog's and release-please's reading, which the real-history
   * fidelity is measured against: without that line it is not a revert.
   */
  hashless?: boolean;
}

/** `type(scope)!: description`; the space after the colon is required here, see `HEADER_NO_SPACE`. */
export const HEADER = /^(\w+)(?:\(([^()\r\n]*)\))?(!)?:[ \t]+(.*)$/;
/** release-please also accepts `fix:typo`; taken only for a type of the section map, so `http://x` stays prose. */
const HEADER_NO_SPACE = /^(\w+)(?:\(([^()\r\n]*)\))?(!)?:(?=[^\s/])(.*)$/;
/** Case-insensitive with a colon (as conventional-changelog), upper-case only when followed by a space. */
const NOTE_COLON = /^[\s|*]*breaking[ -]change[ \t]*:[ \t]*(.*)$/i;
const NOTE_SPACE = /^[\s|*]*BREAKING[ -]CHANGE[ \t]+(.*)$/;
/** A footer as @conventional-commits/parser reads one: `token: value` or `token #value`. */
const FOOTER_TOKEN = /^[A-Za-z][\w-]*(?:\([^()\r\n]*\))?!?:/;
const FOOTER_HASH_TOKEN = /^[A-Za-z][\w-]*[ \t]+(?:[\w.-]+\/[\w.-]+)?#\d/;

export const isBlank = (line: string): boolean => line.trim() === '';
export const isIndented = (line: string): boolean => /^\s/.test(line) && !isBlank(line);

export function isNote(line: string): RegExpExecArray | null {
  return NOTE_COLON.exec(line) ?? NOTE_SPACE.exec(line);
}

/** A header, with `type:description` accepted for the section map's types. */
export function matchHeader(line: string, options: ParseOptions): RegExpExecArray | null {
  const spaced = HEADER.exec(line);
  if (spaced) return spaced;
  const tight = HEADER_NO_SPACE.exec(line);
  return tight && options.knownTypes.has((tight[1] ?? '').toLowerCase()) ? tight : null;
}

/**
 * A conventional header of a section-map type that may start a commit inside another message. `Fix: #12` is a
 * reference footer, not a fix whose whole description is an issue number.
 */
export function isCommitHeader(line: string, options: ParseOptions): boolean {
  const match = matchHeader(line, options);
  const type = match?.[1];
  const subject = match?.[4]?.trim();
  if (!type || !subject) return false;
  if (/^(?:[\w.-]+\/[\w.-]+)?#\d+$/.test(subject)) return false;
  return options.knownTypes.has(type.toLowerCase());
}

/** A line @conventional-commits/parser would take as a footer (`Token: value`, `Closes #3`, a note). */
export function isFooterLine(line: string): boolean {
  return FOOTER_TOKEN.test(line) || FOOTER_HASH_TOKEN.test(line) || isNote(line) !== null;
}

/**
 * The text on one line: each line break, with the spaces around it, becomes one space (`a \n\n b` → `a b`).
 * Written without a regular expression: `\s*[\r\n]+\s*` retries its leading `\s*` from every space of a long
 * run of spaces, which took seconds over 10,000 subjects padded with spaces.
 */
export function oneLine(text: string): string {
  if (!/[\r\n]/.test(text)) return text;
  const pieces = text.split(/[\r\n]/);
  const kept = pieces
    .map((piece, index) => {
      const start = index === 0 ? piece : piece.trimStart();
      return index === pieces.length - 1 ? start : start.trimEnd();
    })
    .filter((piece, index) => piece !== '' || index === 0 || index === pieces.length - 1);
  return kept.join(' ');
}
