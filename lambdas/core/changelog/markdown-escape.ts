/**
 * Commit text → Markdown that GitHub (Releases, CHANGELOG.md) renders as the text was written.
 *
 * Escaped, outside inline code spans only (`` `a <b>` `` stays as written; GitHub shows code spans verbatim):
 * - `<` and `>` as `&lt;` / `&gt;` (release-please's own escaping), so `<EMAIL>`, `<file|->` and an unclosed
 *   `<b>` are text, not HTML tags;
 * - `&` as `&amp;` only where it starts an entity (`&nbsp;`, `&#64;`); `R&D` stays;
 * - `*` and `~` unless spaces stand on both sides (`2 * 3` stays), `_` at the edge of a word (`__init__`,
 *   `_d_`) but not inside one (`snake_case` stays): the characters that could open or close emphasis;
 * - `[` with a `]` after it and `]` with a `[` before it (a link, image or footnote needs both);
 * - `\` before punctuation or at the end, so a backslash the commit wrote is shown;
 * - a backtick that opens no code span (an unmatched run), so it cannot pair with one the renderer adds.
 * Scoped npm package names (`@babel/core`, `@types/node@20.1.0`) are put in code spans: GitHub turns
 * `@org/name` into a team mention in the rendered HTML, after Markdown escapes are gone, and it leaves code
 * alone. Other `@name` mentions stay (a commit naming a person means it). Bare `http(s)://` addresses are left
 * as written so they stay links.
 */

/** Punctuation a backslash escapes in CommonMark. */
import { oneLine } from './syntax.ts';

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** A scoped npm package, optionally with a version: `@babel/core`, `@types/node@^20`. */
const SCOPED_PACKAGE =
  /(^|[\s([{"',;:])(@[a-z0-9~-][a-z0-9._~-]*\/[a-z0-9~-][a-z0-9._~-]*(?:@[0-9A-Za-z^~=<>*.+-]+)?)/g;

const URL = /https?:\/\/[^\s<>`]+/g;

const isSpace = (c: string | undefined): boolean => c === undefined || /\s/.test(c);
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** Escapes one stretch of text that holds no code span and no address. */
function escapePlain(text: string): string {
  const lastClose = text.lastIndexOf(']');
  const firstOpen = text.indexOf('[');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const before = i > 0 ? text.charAt(i - 1) : undefined;
    const after = i + 1 < text.length ? text.charAt(i + 1) : undefined;
    switch (c) {
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '&':
        out += /^&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/.test(text.slice(i))
          ? '&amp;'
          : c;
        break;
      case '\\':
        out += after === undefined || ASCII_PUNCTUATION.test(after) ? '\\\\' : c;
        break;
      case '*':
      case '~':
        out +=
          isSpace(before) && isSpace(after) && before !== undefined && after !== undefined ? c : `\\${c}`;
        break;
      case '_':
        out += isWordChar(before) && isWordChar(after) ? c : `\\${c}`;
        break;
      case '[':
        out += i < lastClose ? '\\[' : c;
        break;
      case ']':
        out += firstOpen !== -1 && firstOpen < i ? '\\]' : c;
        break;
      case '`':
        out += '\\`';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** Escapes text outside addresses; scoped package names become code spans. */
function escapeProse(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL)) {
    // An address ends before trailing sentence punctuation, as GitHub's autolinks do.
    const url = (match[0] ?? '').replace(/[.,:;!?)'"*_~]+$/, '');
    const start = match.index ?? 0;
    out += escapePackages(text.slice(last, start)) + url;
    last = start + url.length;
  }
  return out + escapePackages(text.slice(last));
}

function escapePackages(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(SCOPED_PACKAGE)) {
    const lead = match[1] ?? '';
    const name = (match[2] ?? '').replace(/\.+$/, '');
    const start = (match.index ?? 0) + lead.length;
    out += `${escapePlain(text.slice(last, start))}\`${name}\``;
    last = start + name.length;
  }
  return out + escapePlain(text.slice(last));
}

/**
 * Inline Markdown of one line of commit text: code spans (a backtick run closed by a run of the same length)
 * kept verbatim, everything else escaped as above. Line breaks become spaces: an item is one line.
 */
export function escapeMarkdownInline(text: string): string {
  const line = oneLine(text);
  let out = '';
  let plainFrom = 0;
  let i = 0;
  while (i < line.length) {
    if (line.charAt(i) !== '`') {
      i++;
      continue;
    }
    let runEnd = i;
    while (line.charAt(runEnd) === '`') runEnd++;
    const fence = line.slice(i, runEnd);
    // The closing run has exactly the opening run's length.
    let close = -1;
    for (let j = line.indexOf(fence, runEnd); j !== -1; j = line.indexOf(fence, j + 1)) {
      let end = j;
      while (line.charAt(end) === '`') end++;
      if (end - j === fence.length && line.charAt(j - 1) !== '`') {
        close = j;
        break;
      }
      j = end - 1;
    }
    if (close === -1) {
      i = runEnd;
      continue;
    }
    out += escapeProse(line.slice(plainFrom, i)) + line.slice(i, close + fence.length);
    i = close + fence.length;
    plainFrom = i;
  }
  return out + escapeProse(line.slice(plainFrom));
}

/**
 * The same, for text that starts a list item's line (`* <text>`): a leading `# `, `- `, `+ `, `---` or `1. `
 * would make a heading, a nested list or a rule inside the item (`*`, `_` and `>` are escaped anyway).
 */
export function escapeMarkdownLineStart(text: string): string {
  const escaped = escapeMarkdownInline(text);
  const ordered = /^(\d{1,9})([.)])(?=\s|$)/.exec(escaped);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${escaped.slice(ordered[0].length)}`;
  return /^(?:#{1,6}(?=\s|$)|[-+](?=\s|$)|-(?:\s*-){2,}\s*$)/.test(escaped) ? `\\${escaped}` : escaped;
}

/**
 * A breaking note: its first line as an item's text, and the extra context release-please keeps on indented
 * lines below it (`    * step`, `    #### Migration`) with that marker kept and the rest escaped.
 */
export function escapeMarkdownNote(text: string): string {
  const [first = '', ...rest] = text.split('\n');
  const lines = [escapeMarkdownLineStart(first)];
  for (const line of rest) {
    const marker = /^(\s*)(#### |[*-] )?(.*)$/.exec(line);
    const indent = marker?.[1] ?? '';
    const kept = marker?.[2] ?? '';
    const body = marker?.[3] ?? '';
    lines.push(`${indent}${kept}${kept ? escapeMarkdownInline(body) : escapeMarkdownLineStart(body)}`);
  }
  return lines.join('\n');
}
