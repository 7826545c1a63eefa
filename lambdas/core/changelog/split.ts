/**
 * One commit message → the messages of the changes it carries, as release-please 17 reads them
 * (`src/commit.ts`: `preprocessCommitMessage`, `splitMessages`, footer commits):
 *
 * - a `BEGIN_COMMIT_OVERRIDE … END_COMMIT_OVERRIDE` block replaces the message;
 * - each `BEGIN_NESTED_COMMIT … END_NESTED_COMMIT` block is a message of its own;
 * - a blank line followed by a conventional header starts another message (release-please's split);
 * - conventional headers in the closing run of footers are messages too (footer commits), with their
 *   indented lines as their footers.
 */
import {
  isBlank,
  isCommitHeader,
  isFooterLine,
  isIndented,
  matchHeader,
  type ParseOptions,
} from './syntax.ts';

/** The types release-please 17's `splitMessages` splits on; the section map's types are added to them. */
const RELEASE_PLEASE_SPLIT_TYPES: ReadonlySet<string> = new Set([
  'feat',
  'fix',
  'docs',
  'style',
  'refactor',
  'perf',
  'test',
  'build',
  'ci',
  'chore',
  'revert',
]);

const GIT_REVERT_HEADER = /^Revert\s+"/;
const BULLET = /^[*-][ \t]+(.*)$/;

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
 * An override block lists the changes one header per line or per paragraph: every conventional header of a
 * known type (or git revert header) starts a message, the lines below it (body, `BREAKING CHANGE:`) stay with it.
 */
function splitOverride(block: string, options: ParseOptions): string[] {
  const messages: string[][] = [];
  let current: string[] | null = null;
  for (const raw of block.split('\n')) {
    const line = raw.trim();
    const startsCommit =
      line !== '' && (current === null || isCommitHeader(line, options) || GIT_REVERT_HEADER.test(line));
    if (startsCommit) {
      current = [line];
      messages.push(current);
    } else if (current !== null) {
      current.push(raw);
    }
  }
  return messages.map((lines) => lines.join('\n'));
}

/**
 * release-please's split point: `type(scope): ` without `!` (a `feat!:` paragraph is a commit only as a footer
 * commit, at the end of the message).
 */
function startsParagraphCommit(line: string, options: ParseOptions): boolean {
  const match = matchHeader(line, options);
  if (match === null || match[3] === '!') return false;
  return (
    isCommitHeader(line, options) ||
    (RELEASE_PLEASE_SPLIT_TYPES.has(match[1] ?? '') && (match[4] ?? '').trim() !== '')
  );
}

/**
 * Splits a message where a blank line is followed by a conventional header; with `bulletCommits`, a `* type: …`
 * line starts one too (its bullet removed).
 */
function splitParagraphs(text: string, options: ParseOptions): string[] {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => !isBlank(line));
  if (first === -1) return [];
  const pieces: string[][] = [[]];
  lines.forEach((line, index) => {
    const afterBlank = index > first && isBlank(lines[index - 1] ?? '');
    const bullet = options.bulletCommits && index > first ? BULLET.exec(line)?.[1] : undefined;
    if (afterBlank && startsParagraphCommit(line, options)) pieces.push([line]);
    else if (bullet !== undefined && isCommitHeader(bullet, options)) pieces.push([bullet]);
    else pieces.at(-1)?.push(line);
  });
  return pieces.map((piece) => piece.join('\n'));
}

/** The messages a commit message carries, in order: its own first (when it has one), then the others. */
export function splitMessage(message: string, options: ParseOptions): string[] {
  const override = extractBlock(message, 'BEGIN_COMMIT_OVERRIDE', 'END_COMMIT_OVERRIDE');
  if (override !== null && override.trim() !== '') {
    const { main, nested } = splitNested(override);
    return [...splitOverride(main, options), ...nested];
  }
  const { main, nested } = splitNested(message);
  return [...splitParagraphs(main, options), ...nested];
}

/** True for the first piece `splitMessage` returns when the message was not overridden. */
export function hasOverride(message: string): boolean {
  const override = extractBlock(message, 'BEGIN_COMMIT_OVERRIDE', 'END_COMMIT_OVERRIDE');
  return override !== null && override.trim() !== '';
}

/**
 * Footer commits: the closing run of footer lines (blank lines and indented continuations allowed, as
 * @conventional-commits/parser reads it) may hold conventional headers of known types, each a commit with its
 * indented lines as its footers. Returns those messages and the body lines they take.
 */
export function findFooterCommits(
  body: readonly string[],
  options: ParseOptions,
): { messages: string[]; claimed: Set<number> } {
  let start = body.length;
  for (let i = body.length - 1; i >= 0; i--) {
    const line = body[i] ?? '';
    if (isBlank(line) || isIndented(line)) continue;
    if (!isFooterLine(line) && !isCommitHeader(line, options)) break;
    start = i;
  }
  const messages: string[] = [];
  const claimed = new Set<number>();
  for (let i = start; i < body.length; i++) {
    const line = body[i] ?? '';
    if (!isCommitHeader(line, options)) continue;
    claimed.add(i);
    const footers: string[] = [];
    while (i + 1 < body.length && isIndented(body[i + 1] ?? '')) {
      i++;
      claimed.add(i);
      footers.push((body[i] ?? '').trim());
    }
    messages.push(footers.length > 0 ? `${line}\n\n${footers.join('\n')}` : line);
  }
  return { messages, claimed };
}
