/**
 * The text of a template: constants as written, and for every variable slot the most specific pattern that
 * all the values seen there share. Grouping uses coarse keys (a slot is one `<*>` whatever its values); the
 * text is then made as precise as the evidence allows:
 *
 * - a slot whose values all read `<n> bytes` shows `<NUM> bytes`, one with `0.0.0.0:2181`-like values shows
 *   `<*>:<*>`, one with `core.862`, `core.728` shows `core.<*>`, an empty pair `()` stays `()`;
 * - a slot that only ever held one value shows it when the value reads as a word (`tty2`, `eth0`, `L3`,
 *   `PSR0`: letters then one short digit run), because digits alone do not make a value; numbers inside it
 *   stay variables (`CPU#0` → `CPU#<*>`), and so do identifiers (`blk_-4551…`, `job_2008…_0001`);
 * - a number marked by a leading `*` (nginx's connection number `*5678`) keeps its mark: `*<NUM>`;
 * - where values differ in shape, the slot is one `<*>`.
 *
 * Sub-tokens are cut at the delimiters of the Loghub-2.0 template guidelines (whitespace and
 * `,!;:=|"'[](){}.-+@#$%&`, plus `/`), and adjacent variables merge as they prescribe (`<*><*>`, `<*>.<*>`).
 */
import type { VariableType } from './tokenize.ts';

/** Values whose shape alone says they are one opaque value: their slot is always a single placeholder. */
const OPAQUE = new Set<VariableType>([
  'PATH',
  'URL',
  'UUID',
  'EMAIL',
  'REDACTED',
  'TIME',
  'HEX',
  'IP',
  'HOST',
]);

const DELIMS = new Uint8Array(128);
for (const ch of ' \t,!;:=|"\'[](){}.-+@#$%&/') DELIMS[ch.charCodeAt(0)] = 1;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number): boolean => isDigit(c) || isLetter(c);

/** A piece of a value: a delimiter character, a word kept as written, or a variable part. */
interface Piece {
  text: string;
  kind: 0 | 1 | 2;
}
const DELIM = 0;
const WORD = 1;
const VAR = 2;

/** Words that are values whatever their shape (the same set the tokenizer masks). */
const VALUE_WORDS = new Set(['true', 'false', 'null', 'root', 'admin']);

const CODE = /^[A-Za-z]{1,4}\d{3,6}$/;

/**
 * Whether a digit-bearing piece reads as a word: a letter first and a single run of at most two digits
 * (`eth0`, `ssh2`, `L3`, `fpr29`, `HttpServer2`), as opposed to counters and identifiers.
 */
function wordWithDigits(s: string): boolean {
  if (!isLetter(s.charCodeAt(0))) return false;
  // A message code: a short prefix and a number (`AH00957`, `E0401`), constant where it is seen alone.
  if (CODE.test(s)) return true;
  let runs = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    if (isDigit(s.charCodeAt(i))) {
      if (run === 0) runs++;
      run++;
      if (run > 2 || runs > 1) return false;
    } else run = 0;
  }
  return true;
}

function classify(text: string): 0 | 1 | 2 {
  let digits = false;
  for (let i = 0; i < text.length; i++) {
    if (isDigit(text.charCodeAt(i))) {
      digits = true;
      break;
    }
  }
  if (!digits) return VALUE_WORDS.has(text.toLowerCase()) ? VAR : WORD;
  return wordWithDigits(text) ? WORD : VAR;
}

const PLACEHOLDER = /^<(?:\*|[A-Z][A-Z_]+(?:#\d+)?)>/;

/** Cuts a value into delimiters and pieces; a `-` or `+` before a digit that follows no letter is a sign. */
export function pieces(value: string): Piece[] {
  const out: Piece[] = [];
  let start = 0;
  const n = value.length;
  const flush = (end: number): void => {
    if (end > start) {
      const text = value.slice(start, end);
      out.push({ text, kind: classify(text) });
    }
  };
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 47 /* / */ && i === start && (i === 0 || value.charCodeAt(i - 1) === 32)) {
      // A path-like word (`/api/v1/users/7`) is one value, as the Loghub-2.0 rules have it.
      let end = value.indexOf(' ', i);
      if (end < 0) end = n;
      if (end - i > 1) {
        out.push({ text: value.slice(i, end), kind: VAR });
        i = end - 1;
        start = end;
        continue;
      }
    }
    if (c === 60 /* < */ && i === start) {
      // A placeholder left by redaction (`<IP>`, `<IP#3>`) is a variable piece.
      const close = PLACEHOLDER.exec(value.slice(i, i + 40));
      if (close) {
        out.push({ text: close[0], kind: VAR });
        i += close[0].length - 1;
        start = i + 1;
        continue;
      }
    }
    if (c === 42 /* * */ && i === start && i + 1 < n && isDigit(value.charCodeAt(i + 1))) {
      // A number marked by a leading `*` (nginx's connection number, `*5678`): the mark is text, so the
      // slot reads `*<NUM>`, not one opaque `<ID>`.
      out.push({ text: '*', kind: DELIM });
      start = i + 1;
      continue;
    }
    if (c >= 128 || DELIMS[c] !== 1) continue;
    const sign =
      (c === 45 || c === 43) &&
      i + 1 < n &&
      isDigit(value.charCodeAt(i + 1)) &&
      (i === 0 || !isAlnum(value.charCodeAt(i - 1)));
    if (sign) continue;
    flush(i);
    out.push({ text: c === 9 ? ' ' : (value[i] as string), kind: DELIM });
    start = i + 1;
  }
  flush(n);
  return out;
}

/** Delimiters across which two variables are one value (Loghub-2.0 post-processing: `<*>:<*>`, `<*>.<*>`…). */
const JOINERS = new Set(['.', ':', '#', '/', '@', '-']);

/**
 * Joins pieces, merging adjacent variables, variables joined by `.`, `:`, `#`, `/` or `@`, and a leading
 * `/` into the variable after it (a path-like value), as the Loghub-2.0 template rules do.
 */
function join(parts: readonly Piece[]): string {
  const out: string[] = [];
  const vars: boolean[] = [];
  for (const p of parts) {
    const last = out.length - 1;
    if (p.kind !== VAR) {
      out.push(p.text);
      vars.push(false);
      continue;
    }
    const joined = last >= 0 && !vars[last] && JOINERS.has(out[last] as string);
    const at = vars[last] ? last : joined && vars[last - 1] ? last - 1 : -1;
    if (at >= 0) {
      out.length = at + 1;
      vars.length = at + 1;
      if (out[at] !== p.text) out[at] = '<*>';
      continue;
    }
    // A leading `/` belongs to the value after it (a path-like value).
    if (joined && last === 0 && out[0] === '/') {
      out.length = 0;
      vars.length = 0;
    }
    out.push(p.text);
    vars.push(true);
  }
  return out.join('');
}

const same = (a: Piece, b: Piece): boolean => a.kind === b.kind && a.text === b.text;

/**
 * The pattern all value piece lists share. Lists of one shape (the same delimiters in the same places)
 * merge piece by piece, except that the pieces after one that varies are variable too: a value that varies
 * in its middle is one value (`cp-<*>.<*>`, which the joining rules make `cp-<*>`). Lists of different shapes
 * keep the leading words they share (`core.`, `MININT-`, `CPU#`), then one variable, then the trailing
 * punctuation they share (`<*>.`).
 */
function generaliseWord(lists: Piece[][]): Piece[] {
  const first = lists[0] as Piece[];
  const n = first.length;
  const oneShape = lists.every(
    (l) => l.length === n && l.every((p, k) => (p.kind === DELIM) === ((first[k] as Piece).kind === DELIM)),
  );
  if (oneShape) {
    const out: Piece[] = [];
    let varied = false;
    for (let k = 0; k < n; k++) {
      const p = first[k] as Piece;
      const agree = lists.every((l) => same(l[k] as Piece, p));
      if (!agree && p.kind === DELIM) return [STAR];
      if (!agree || (varied && p.kind === WORD)) {
        out.push(lists.every((l) => isNumber((l[k] as Piece).text)) ? NUM : STAR);
        varied = true;
      } else out.push(p.kind === VAR ? (isNumber(p.text) ? NUM : STAR) : p);
    }
    return out;
  }
  const min = Math.min(...lists.map((l) => l.length));
  let prefix = 0;
  while (
    prefix < min &&
    (first[prefix] as Piece).kind !== VAR &&
    lists.every((l) => same(l[prefix] as Piece, first[prefix] as Piece))
  )
    prefix++;
  let suffix = 0;
  while (
    suffix < min - prefix &&
    (first[n - 1 - suffix] as Piece).kind === DELIM &&
    lists.every((l) => same(l[l.length - 1 - suffix] as Piece, first[n - 1 - suffix] as Piece))
  )
    suffix++;
  return [...first.slice(0, prefix), STAR, ...first.slice(n - suffix)];
}

/** Splits a piece list at spaces into words. */
function words(list: Piece[]): Piece[][] {
  const out: Piece[][] = [[]];
  for (const p of list) {
    if (p.kind === DELIM && p.text === ' ') out.push([]);
    else (out[out.length - 1] as Piece[]).push(p);
  }
  return out;
}

/** Values of as many words merge word by word (`<n> bytes`); otherwise the value is taken as a whole. */
function generalise(lists: Piece[][]): Piece[] {
  const split = lists.map(words);
  const count = (split[0] as Piece[][]).length;
  if (count === 1 || !split.every((w) => w.length === count)) return generaliseWord(lists);
  const out: Piece[] = [];
  for (let w = 0; w < count; w++) {
    if (w > 0) out.push(SPACE);
    out.push(...generaliseWord(split.map((list) => list[w] as Piece[])));
  }
  return out;
}

const SPACE: Piece = { text: ' ', kind: DELIM };
const STAR: Piece = { text: '<*>', kind: VAR };
const NUM: Piece = { text: '<NUM>', kind: VAR };

/** Digits, with an optional sign. */
function isNumber(text: string): boolean {
  let i = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? 1 : 0;
  if (i >= text.length) return false;
  for (; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Whether words stand between variables within one word of the value (`<*>-M1-Nf-C:<*>`): a compound
 * identifier, which reads as one value rather than a pattern.
 */
function wordsBetweenVariables(pattern: readonly Piece[]): boolean {
  let seenVar = false;
  let wordAfterVar = false;
  for (const p of pattern) {
    if (p.kind === DELIM && p.text === ' ') {
      seenVar = false;
      wordAfterVar = false;
    } else if (p.kind === VAR) {
      if (wordAfterVar) return true;
      seenVar = true;
    } else if (p.kind === WORD && seenVar) wordAfterVar = true;
  }
  return false;
}

/** The quote character every value is wrapped in, if any. */
function quotedWith(values: readonly string[]): string | undefined {
  const q = values[0]?.charAt(0);
  if (q !== '"' && q !== "'") return undefined;
  for (const v of values) {
    if (v.length < 2 || v.charAt(0) !== q) return undefined;
    if (v.charAt(v.length - 1) !== q && v.length < SLOT_VALUE_CHARS) return undefined;
  }
  return q;
}

/** `name:8030`: a value ending in a colon and a port number. */
function endsWithPort(v: string): boolean {
  let i = v.length;
  while (i > 0 && isDigit(v.charCodeAt(i - 1))) i--;
  return i < v.length && i > 1 && v.charCodeAt(i - 1) === 58 && v.length - i <= 5;
}

/** Longest value kept by the tallies; a value this long may have been cut and says nothing of its end. */
export const SLOT_VALUE_CHARS = 96;

/**
 * Text for one variable slot from the values seen there (`more`: there were more values than listed) and
 * its type (one type, `*` when mixed). Returns a typed placeholder when the slot is a single value.
 */
export function slotText(
  values: readonly string[],
  more: boolean,
  type: VariableType | '*' | undefined,
  placeholder: string,
): string {
  const quote = quotedWith(values);
  if (quote !== undefined) {
    // A quoted value keeps its quotes: `'<*>'`, `"<NUM>"`. A value cut short says nothing of its end.
    if (values.some((v) => v.length >= SLOT_VALUE_CHARS)) return `${quote}${placeholder}${quote}`;
    const inner = values.map((v) => v.slice(1, -1));
    return `${quote}${slotText(inner, more, type, placeholder)}${quote}`;
  }
  if (values.length === 0 || (type !== undefined && type !== '*' && OPAQUE.has(type))) return placeholder;
  if (values.some((v) => v.length >= SLOT_VALUE_CHARS)) return placeholder;
  // `host:port` is one address, like `ip:port`.
  if (values.every(endsWithPort)) return placeholder;
  const lists = values.map(pieces);
  // More values than listed: the slot varies even if the ones kept happen to agree.
  if (more && lists.length === 1) return placeholder;
  const pattern = generalise(lists);
  if (wordsBetweenVariables(pattern)) return placeholder;
  const text = join(pattern);
  return text === '<*>' || text === '<NUM>' ? placeholder : text;
}
