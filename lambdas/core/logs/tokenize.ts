/**
 * Content tokenisation and variable masking for the template miner.
 *
 * A message is split on whitespace into words, each word on structural punctuation (`=`, `:`, `,`, brackets,
 * quotes, …) into segments. Segments that look like values (anything with a digit, IPs, UUIDs, paths, URLs…)
 * become typed placeholders such as `<NUM>`. Each token keeps its leading space, so joining the tokens gives
 * back the masked message; that joined string doubles as the cache key of the miner.
 *
 * The scanner works on char codes rather than regular expressions because it runs on every line.
 */

/** Names of the variable types the masker recognises (DESIGN §6: named variable types). */
export type VariableType =
  | 'NUM'
  | 'HEX'
  | 'IP'
  | 'UUID'
  | 'PATH'
  | 'URL'
  | 'DURATION'
  | 'SIZE'
  | 'TIME'
  | 'EMAIL'
  | 'HOST'
  | 'ID'
  | 'REDACTED';

/** Placeholder written for a position that became variable by generalisation (mixed or unmasked values). */
export const WILDCARD = '<*>';

export interface Tokens {
  /**
   * Masked tokens: constants as written, every variable as `<*>` (types are kept aside so that values of
   * different shapes at one position still group). A token starts with one space when whitespace preceded it.
   */
  tokens: string[];
  /** The original text of each token (without the leading space), parallel to `tokens`. */
  values: string[];
  /** The variable type of each placeholder token; undefined for constant tokens. */
  types: (VariableType | undefined)[];
  /** `tokens.join('')`: the masked message, used as the miner's lookup key. */
  key: string;
}

const C_SPACE = 32;
const C_TAB = 9;
const C_0 = 48;
const C_9 = 57;
const C_A = 65;
const C_F = 70;
const C_Z = 90;
const C_a = 97;
const C_f = 102;
const C_z = 122;
const C_DOT = 46;
const C_COLON = 58;
const C_SLASH = 47;
const C_LT = 60;
const C_GT = 62;
const C_STAR = 42;
const C_UNDERSCORE = 95;
const C_MINUS = 45;
const C_PLUS = 43;
const C_BACKSLASH = 92;
const C_AT = 64;
const C_TILDE = 126;

/** Structural punctuation that splits a word into segments. `.`, `-`, `_`, `/`, `@` stay inside segments. */
const DELIM = new Uint8Array(128);
for (const ch of '=,;:()[]{}"\'<>|') DELIM[ch.charCodeAt(0)] = 1;

const isDigit = (c: number): boolean => c >= C_0 && c <= C_9;
const isHexLetter = (c: number): boolean => (c >= C_a && c <= C_f) || (c >= C_A && c <= C_F);
const isSpace = (c: number): boolean => c === C_SPACE || c === C_TAB || c === 13 || c === 10 || c === 12;

const DURATION_UNITS = new Set([
  'ns',
  'us',
  'µs',
  'ms',
  's',
  'sec',
  'secs',
  'second',
  'seconds',
  'm',
  'min',
  'mins',
  'minute',
  'minutes',
  'h',
  'hr',
  'hrs',
  'hour',
  'hours',
  'd',
  'day',
  'days',
]);
const SIZE_UNITS = new Set([
  'b',
  'byte',
  'bytes',
  'k',
  'kb',
  'kib',
  'm',
  'mb',
  'mib',
  'g',
  'gb',
  'gib',
  't',
  'tb',
  'tib',
]);

/** `<NAME>` or `<*>` as written by the masker itself or by the redactor: kept as one placeholder. */
function placeholderEnd(s: string, start: number, end: number): number {
  if (s.charCodeAt(start) !== C_LT) return -1;
  let i = start + 1;
  if (i < end && s.charCodeAt(i) === C_STAR) {
    return i + 1 < end && s.charCodeAt(i + 1) === C_GT ? i + 2 : -1;
  }
  const first = i;
  while (i < end) {
    const c = s.charCodeAt(i);
    if ((c >= C_A && c <= C_Z) || c === C_UNDERSCORE) i++;
    else break;
  }
  if (i - first < 2 || i >= end || s.charCodeAt(i) !== C_GT) return -1;
  return i + 1;
}

function isIPv4At(s: string, start: number, end: number): boolean {
  let groups = 0;
  let digits = 0;
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      if (digits > 3) return false;
    } else if (c === C_DOT) {
      if (digits === 0) return false;
      groups++;
      digits = 0;
      if (groups > 3) return false;
    } else break;
  }
  if (digits === 0 || groups !== 3) return false;
  if (i === end) return true;
  // ip:port or ip/cidr
  const c = s.charCodeAt(i);
  if (c !== C_COLON && c !== C_SLASH) return false;
  for (let j = i + 1; j < end; j++) if (!isDigit(s.charCodeAt(j))) return false;
  return i + 1 < end;
}

function isIPv6(s: string, start: number, end: number): boolean {
  let colons = 0;
  let hexRun = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === C_COLON) {
      colons++;
      hexRun = 0;
    } else if (isDigit(c) || isHexLetter(c)) {
      hexRun++;
      if (hexRun > 4) return false;
    } else if (c === C_DOT) {
      // IPv4-mapped tail
      return colons >= 2 && isIPv4At(s, i - hexRun, end);
    } else return false;
  }
  return colons >= 2;
}

function isUuid(s: string, start: number, end: number): boolean {
  if (end - start !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== C_MINUS) return false;
    } else if (!isDigit(c) && !isHexLetter(c)) return false;
  }
  return true;
}

/** Time of day or date-like: digits joined by `:`, `.`, `-`, `/`, `,` with at least one `:` or two `-`/`/`. */
function isTimeLike(s: string, start: number, end: number): boolean {
  let colons = 0;
  let dashes = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) continue;
    if (c === C_COLON) colons++;
    else if (c === C_MINUS || c === C_SLASH) dashes++;
    else if (c === C_DOT || c === 44 /* , */ || c === 84 /* T */ || c === C_PLUS || c === 90 /* Z */)
      continue;
    else return false;
  }
  return colons >= 1 || dashes >= 2;
}

/**
 * The variable type of a segment, or undefined for a constant word. Words without a digit are constants
 * unless their shape says otherwise (path, URL, e-mail); anything with a digit is a variable candidate.
 */
export function classifySegment(s: string, start: number, end: number): VariableType | undefined {
  const len = end - start;
  if (len <= 0) return undefined;
  const c0 = s.charCodeAt(start);
  let digits = 0;
  let hexLetters = 0;
  let letters = 0;
  let at = -1;
  let slashes = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if ((c >= C_a && c <= C_z) || (c >= C_A && c <= C_Z)) {
      letters++;
      if (isHexLetter(c)) hexLetters++;
    } else if (c === C_AT) at = i;
    else if (c === C_SLASH || c === C_BACKSLASH) slashes++;
  }
  if (len > 2 && (c0 === C_SLASH || c0 === C_TILDE) && (slashes >= 2 || (letters + digits > 0 && len > 3))) {
    if (c0 === C_SLASH && digits > 0 && isIPv4At(s, start + 1, end)) return 'IP';
    return 'PATH';
  }
  if (len > 3 && s.charCodeAt(start + 1) === C_COLON && s.charCodeAt(start + 2) === C_BACKSLASH)
    return 'PATH';
  if (at > start && at < end - 3 && s.indexOf('.', at) > at && letters > 2) return 'EMAIL';
  if (digits === 0) return letters > 0 && isHostName(s, start, end) ? 'HOST' : undefined;
  if (digits === len) return 'NUM';
  if (isIPv4At(s, start, end)) return 'IP';
  if (len === 36 && isUuid(s, start, end)) return 'UUID';
  // 0x-prefixed or long runs of hex digits (hashes, addresses, request ids)
  if (len > 2 && c0 === C_0 && (s.charCodeAt(start + 1) === 120 || s.charCodeAt(start + 1) === 88)) {
    let ok = true;
    for (let i = start + 2; i < end; i++) {
      const c = s.charCodeAt(i);
      if (!isDigit(c) && !isHexLetter(c)) {
        ok = false;
        break;
      }
    }
    if (ok) return 'HEX';
  }
  if (letters === hexLetters && digits + hexLetters === len && len >= 8) return 'HEX';
  if (isTimeLike(s, start, end)) return 'TIME';
  if (isIPv6(s, start, end)) return 'IP';
  const numeric = numericPrefix(s, start, end);
  if (numeric > start && numeric < end) {
    const unit = s.slice(numeric, end).toLowerCase();
    if (DURATION_UNITS.has(unit)) return unit === 'm' ? 'SIZE' : 'DURATION';
    if (SIZE_UNITS.has(unit)) return 'SIZE';
  } else if (numeric === end) return 'NUM';
  if (slashes > 0 && (c0 === C_SLASH || c0 === C_DOT)) return 'PATH';
  return 'ID';
}

/** Generic top-level domains; two-letter country codes are accepted except common source-file extensions. */
const TLDS = new Set(
  'com net org edu gov mil int info biz io co me ai app dev cloud online site xyz local lan internal localdomain arpa'.split(
    ' ',
  ),
);
const NOT_TLDS = new Set('cc py js go rb sh so md ts cs hs rs el mm gz db ui'.split(' '));

/** `host.example.com`, `node-3.cluster.local`: dot-separated labels ending in a top-level domain. */
function isHostName(s: string, start: number, end: number): boolean {
  let dots = 0;
  let lastDot = -1;
  let labelLen = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === C_DOT) {
      if (labelLen === 0) return false;
      dots++;
      lastDot = i;
      labelLen = 0;
    } else if ((c >= C_a && c <= C_z) || (c >= C_A && c <= C_Z) || isDigit(c) || c === C_MINUS) labelLen++;
    else return false;
  }
  if (dots === 0 || labelLen < 2) return false;
  const tld = s.slice(lastDot + 1, end);
  for (let i = 0; i < tld.length; i++) {
    const c = tld.charCodeAt(i);
    if (c < C_a || c > C_z) return false;
  }
  return TLDS.has(tld) || (tld.length === 2 && !NOT_TLDS.has(tld));
}

/** End of a leading signed decimal number (`-12`, `3.5`, `1,024`), or `start` when there is none. */
function numericPrefix(s: string, start: number, end: number): number {
  let i = start;
  const c0 = s.charCodeAt(i);
  if (c0 === C_MINUS || c0 === C_PLUS) i++;
  const digitsStart = i;
  let sawDot = false;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) i++;
    else if (c === C_DOT && !sawDot && i + 1 < end && isDigit(s.charCodeAt(i + 1))) {
      sawDot = true;
      i++;
    } else break;
  }
  return i === digitsStart ? start : i;
}

/** Hex-ish run (digits, hex letters, dots) that may be glued with `:` into times, IPv6, MACs, ip:port. */
function isHexish(s: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c) && !isHexLetter(c) && c !== C_DOT) return false;
  }
  return true;
}

function hasDigit(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isDigit(s.charCodeAt(i))) return true;
  return false;
}

const PLACEHOLDER_TEXT: Record<VariableType, string> = {
  NUM: '<NUM>',
  HEX: '<HEX>',
  IP: '<IP>',
  UUID: '<UUID>',
  PATH: '<PATH>',
  URL: '<URL>',
  DURATION: '<DURATION>',
  SIZE: '<SIZE>',
  TIME: '<TIME>',
  EMAIL: '<EMAIL>',
  HOST: '<HOST>',
  ID: '<ID>',
  REDACTED: '<REDACTED>',
};

export const placeholderFor = (type: VariableType): string => PLACEHOLDER_TEXT[type];

/** The variable type named by a placeholder token (leading space allowed), or undefined. */
export function placeholderType(token: string): VariableType | '*' | undefined {
  const t = token.charCodeAt(0) === C_SPACE ? token.slice(1) : token;
  if (t === WILDCARD) return '*';
  if (t.length < 3 || t.charCodeAt(0) !== C_LT) return undefined;
  const name = t.slice(1, -1);
  return name in PLACEHOLDER_TEXT ? (name as VariableType) : undefined;
}

/** One segment of a word: a [start, end) range, a single delimiter character or a run of dots. */
interface Segment {
  start: number;
  end: number;
  delim: boolean;
  type: VariableType | undefined;
}

const DATE_WORDS = new Set<string>();
for (const w of [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'utc',
  'gmt',
  'pst',
  'pdt',
  'est',
  'edt',
  'cst',
  'cdt',
  'mst',
  'mdt',
  'cet',
  'cest',
  'bst',
  'ist',
  'jst',
  'am',
  'pm',
]) {
  DATE_WORDS.add(w);
  DATE_WORDS.add(w.toUpperCase());
  DATE_WORDS.add(w[0]?.toUpperCase() + w.slice(1));
  DATE_WORDS.add(`${w},`);
  DATE_WORDS.add(`${w[0]?.toUpperCase()}${w.slice(1)},`);
}

const CLOSERS: Record<number, number> = { 40: 41, 91: 93, 123: 125, 34: 34, 39: 39 };

/**
 * Tokenise and mask one message. `maxTokens` bounds the work on pathological lines: the rest of the message
 * becomes one trailing variable token so a 1 MB line costs no more than a normal one after the cap.
 */
export function tokenize(message: string, maxTokens = 256): Tokens {
  const texts: string[] = [];
  const values: string[] = [];
  const types: (VariableType | undefined)[] = [];
  /** 1 = the token is a whole word, 2 = and whitespace precedes it. */
  const whole: number[] = [];
  const n = message.length;
  let i = 0;
  let spaceBefore = false;
  let dateWords = false;
  const segs: Segment[] = [];
  while (i < n) {
    const c = message.charCodeAt(i);
    if (isSpace(c)) {
      spaceBefore = texts.length > 0;
      i++;
      continue;
    }
    let wEnd = i + 1;
    while (wEnd < n && !isSpace(message.charCodeAt(wEnd))) wEnd++;
    if (texts.length >= maxTokens) {
      // Everything past the cap is one opaque variable: bounded work and memory per line.
      const rest = message.slice(i).trimEnd();
      texts.push(rest);
      values.push(rest.length > 256 ? rest.slice(0, 256) : rest);
      types.push('ID');
      whole.push(spaceBefore ? 2 : 1);
      break;
    }
    splitWord(message, i, wEnd, segs);
    if (segs.length === 1) {
      const seg = segs[0] as Segment;
      const text = message.slice(i, wEnd);
      if (seg.type === undefined && wEnd - i <= 10 && DATE_WORDS.has(text)) dateWords = true;
      texts.push(text);
      values.push(text);
      types.push(seg.type);
      whole.push(spaceBefore ? 2 : 1);
    } else emitWord(message, segs, spaceBefore, texts, values, types, whole);
    spaceBefore = false;
    i = wEnd;
  }
  if (dateWords) markDateWords(texts, types, whole);
  return assemble(texts, values, types, whole);
}

/** Month, weekday and zone names next to a variable are part of a date: `at Sun Jul 31 12:01:02 2005`. */
function markDateWords(texts: string[], types: (VariableType | undefined)[], whole: number[]): void {
  const isDate = (k: number): boolean =>
    whole[k] !== 0 && types[k] === undefined && DATE_WORDS.has(texts[k] as string);
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < texts.length; k++) {
      if (!isDate(k)) continue;
      const prev = k > 0 && (types[k - 1] !== undefined || isDate(k - 1)) && whole[k - 1] !== 0;
      const next =
        k + 1 < texts.length && whole[k + 1] === 2 && (types[k + 1] !== undefined || isDate(k + 1));
      if ((prev && whole[k] === 2) || next) types[k] = 'TIME';
    }
  }
}

/** Builds the result; runs of whitespace-separated whole-word variables collapse into one variable. */
function assemble(
  texts: string[],
  values: string[],
  types: (VariableType | undefined)[],
  whole: number[],
): Tokens {
  const tokens: string[] = [];
  const outValues: string[] = [];
  const outTypes: (VariableType | undefined)[] = [];
  let key = '';
  let prevWholeVar = false;
  for (let k = 0; k < texts.length; k++) {
    const type = types[k];
    const w = whole[k] as number;
    if (type !== undefined) {
      if (prevWholeVar && w === 2) {
        const last = outValues.length - 1;
        outValues[last] = `${outValues[last]} ${values[k]}`;
        if (outTypes[last] !== type) outTypes[last] = 'ID';
        continue;
      }
      const t = w === 2 || texts[k] === ' ' ? ' <*>' : '<*>';
      tokens.push(t);
      outValues.push(values[k] as string);
      outTypes.push(type);
      key += t;
      prevWholeVar = w !== 0;
    } else {
      const t = w === 2 ? ` ${texts[k]}` : (texts[k] as string);
      tokens.push(t);
      outValues.push(values[k] as string);
      outTypes.push(undefined);
      key += t;
      prevWholeVar = false;
    }
  }
  return { tokens, values: outValues, types: outTypes, key };
}

function splitWord(s: string, start: number, end: number, out: Segment[]): void {
  out.length = 0;
  // URLs keep their punctuation; only wrapping quotes/brackets and trailing sentence punctuation come off.
  const scheme = s.indexOf('://', start);
  if (scheme > start && scheme < end) {
    let a = start;
    while (a < scheme && DELIM[s.charCodeAt(a)] === 1) a++;
    absorb(s, start, a, end, 'URL', out);
    return;
  }
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === C_LT) {
      const pe = placeholderEnd(s, i, end);
      if (pe > 0) {
        const name = s.slice(i + 1, pe - 1);
        const type: VariableType = name in PLACEHOLDER_TEXT ? (name as VariableType) : 'REDACTED';
        out.push({ start: i, end: pe, delim: false, type: name === '*' ? 'ID' : type });
        i = pe;
        continue;
      }
    }
    if (c < 128 && DELIM[c] === 1) {
      out.push({ start: i, end: i + 1, delim: true, type: undefined });
      // An empty pair `()`, `[]`, `""` holds an empty value: keep a variable slot so it groups with `(x)`.
      const closer = CLOSERS[c];
      if (closer !== undefined && i + 1 < end && s.charCodeAt(i + 1) === closer) {
        out.push({ start: i + 1, end: i + 1, delim: false, type: 'ID' });
      }
      i++;
      continue;
    }
    // A path runs to the end of the word, query string and all.
    if ((c === C_SLASH || c === C_TILDE || c === C_DOT) && isPathStart(s, i, end)) {
      absorb(s, i, i, end, 'PATH', out);
      return;
    }
    if (c === C_DOT && i + 1 < end && s.charCodeAt(i + 1) === C_DOT) {
      let j = i + 2;
      while (j < end && s.charCodeAt(j) === C_DOT) j++;
      out.push({ start: i, end: j, delim: true, type: undefined });
      i = j;
      continue;
    }
    let j = i + 1;
    while (j < end) {
      const d = s.charCodeAt(j);
      if ((d < 128 && DELIM[d] === 1) || (d === C_DOT && j + 1 < end && s.charCodeAt(j + 1) === C_DOT)) break;
      j++;
    }
    // Glue `a:b:c` runs of hex-ish parts (times, IPv6, MACs, ip:port) back into one segment.
    if (s.charCodeAt(j) === C_COLON && j + 1 < end) {
      const firstOk = isHexish(s, s.charCodeAt(i) === C_SLASH ? i + 1 : i, j) && hasDigit(s, i, j);
      if (firstOk) {
        let k = j;
        while (k < end && s.charCodeAt(k) === C_COLON) {
          let m = k + 1;
          while (m < end && s.charCodeAt(m) === C_COLON) m++;
          let e = m;
          while (e < end) {
            const d = s.charCodeAt(e);
            if (d < 128 && DELIM[d] === 1) break;
            e++;
          }
          if (e === m || !isHexish(s, m, e)) break;
          j = e;
          k = e;
        }
      }
    }
    out.push({ start: i, end: j, delim: false, type: classifySegment(s, i, j) });
    i = j;
  }
}

/** `/a/b`, `~/x`, `./x`, `../x` (a lone `/word` is left to the segment classifier). */
function isPathStart(s: string, i: number, end: number): boolean {
  const c = s.charCodeAt(i);
  if (c === C_SLASH) return slashesFrom(s, i, end) >= 2;
  if (c === C_TILDE) return s.charCodeAt(i + 1) === C_SLASH;
  // `./x` and `../x`
  let j = i;
  while (j < end && j < i + 2 && s.charCodeAt(j) === C_DOT) j++;
  return j < end && s.charCodeAt(j) === C_SLASH && j + 1 < end;
}

function slashesFrom(s: string, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++)
    if (s.charCodeAt(i) === C_SLASH || s.charCodeAt(i) === C_BACKSLASH) count++;
  return count;
}

/** Emits delimiters in [from, at), one variable from `at` to the end minus trailing punctuation, then the rest. */
function absorb(s: string, from: number, at: number, end: number, type: VariableType, out: Segment[]): void {
  let b = end;
  while (b > at + 1 && isTrailingPunct(s.charCodeAt(b - 1))) b--;
  for (let k = from; k < at; k++) out.push({ start: k, end: k + 1, delim: true, type: undefined });
  out.push({ start: at, end: b, delim: false, type });
  for (let k = b; k < end; k++) out.push({ start: k, end: k + 1, delim: true, type: undefined });
}

const isTrailingPunct = (c: number): boolean =>
  c === C_COLON ||
  c === 44 ||
  c === 59 ||
  c === C_DOT ||
  c === 41 ||
  c === 93 ||
  c === 34 ||
  c === 39 ||
  c === C_GT ||
  c === 125;

/** Runs of variables joined by single list punctuation (`a:b`, `1,2,3`) collapse into one variable. */
const isJoiner = (c: number): boolean => c === C_COLON || c === 44 || c === 59 || c === 124;

function emitWord(
  s: string,
  segs: Segment[],
  spaceBefore: boolean,
  texts: string[],
  values: string[],
  types: (VariableType | undefined)[],
  whole: number[],
): void {
  let first = true;
  let k = 0;
  while (k < segs.length) {
    const seg = segs[k] as Segment;
    const lead = first && spaceBefore ? ' ' : '';
    first = false;
    if (seg.delim || seg.type === undefined) {
      const text = s.slice(seg.start, seg.end);
      texts.push(lead + text);
      values.push(text);
      types.push(undefined);
      whole.push(0);
      k++;
      continue;
    }
    let type: VariableType = seg.type;
    let endSeg = k;
    while (endSeg + 2 < segs.length) {
      const joiner = segs[endSeg + 1] as Segment;
      const next = segs[endSeg + 2] as Segment;
      if (!joiner.delim || !isJoiner(s.charCodeAt(joiner.start)) || next.delim || next.type === undefined)
        break;
      if (next.type !== type) type = 'ID';
      endSeg += 2;
    }
    const last = segs[endSeg] as Segment;
    const isWhole = k === 0 && endSeg === segs.length - 1;
    texts.push(lead);
    values.push(s.slice(seg.start, last.end));
    types.push(type);
    whole.push(isWhole ? (spaceBefore ? 2 : 1) : 0);
    k = endSeg + 1;
  }
}
