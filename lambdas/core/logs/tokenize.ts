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
  | 'REDACTED'
  | 'BOOL';

/** Placeholder written for a position that became variable by generalisation (mixed or unmasked values). */
export const WILDCARD = '<*>';

export interface Tokens {
  /** The message that `starts`/`ends` refer to. */
  message: string;
  /**
   * Number of tokens. `tokenizeInto` reuses longer arrays: only the first `count` entries are meaningful.
   */
  count: number;
  /** The masked message (constants as written, every variable as `<*>`): the miner's lookup key. */
  key: string;
  /** The variable type of each placeholder token; undefined for constant tokens. */
  types: (VariableType | undefined)[];
  /** Where each token's text is in `message` (for a variable, the whole value, which may span words). */
  starts: Int32Array;
  ends: Int32Array;
  /** 1 when whitespace precedes the token. */
  spaces: Uint8Array;
  /** Masked text of a token that is not a slice of the message (a quoted phrase: `"GET <*> HTTP/<*>"`). */
  texts: (string | undefined)[];
  /**
   * Masked tokens: constants as written, every variable as `<*>` (types are kept aside so that values of
   * different shapes at one position still group), with one leading space when whitespace preceded it.
   * Filled by `tokenize` and by `maskedTokens`, not by `tokenizeInto`.
   */
  tokens: string[];
  /** The original text of each token; filled by `tokenize` (see `tokenValue` for the hot path). */
  values: string[];
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
const C_HASH = 35;

/** Structural punctuation that splits a word into segments. `.`, `-`, `_`, `/`, `@` stay inside segments. */
const DELIM = new Uint8Array(128);
for (const ch of '=,;:()[]{}"\'<>|') DELIM[ch.charCodeAt(0)] = 1;

/** 1 for digits, 2 for characters that can make a word a path, host, e-mail or hex value, 0 otherwise. */
const SHAPE = new Uint8Array(128);
for (let c = C_0; c <= C_9; c++) SHAPE[c] = 1;
for (const ch of './@~\\') SHAPE[ch.charCodeAt(0)] = 2;

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
  if (i - first < 2 || i >= end) return -1;
  // A pseudonym (`<IP#3>`, `<HOST#12>`): the redactor's numbered placeholder is still one value.
  if (s.charCodeAt(i) === C_HASH) {
    const digits = ++i;
    while (i < end && i - digits < 7 && isDigit(s.charCodeAt(i))) i++;
    if (i === digits || i >= end) return -1;
  }
  return s.charCodeAt(i) === C_GT ? i + 1 : -1;
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
 * Whether the text after an `@` ends in a domain's top-level label (letters, at least two: `example.com`), as an
 * address does and a package's version does not (`shop@1.0.0`, `lodash@4.17.21`, `@types/node@20.1.0`).
 */
function endsInTopLevelDomain(s: string, at: number, end: number): boolean {
  let last = end;
  // A sentence's full stop after the address (`mail to bob@example.com.`) is no part of it.
  while (last > at && s.charCodeAt(last - 1) === C_DOT) last--;
  const dot = s.lastIndexOf('.', last - 1);
  if (dot <= at || last - dot - 1 < 2) return false;
  for (let i = dot + 1; i < last; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= C_a && c <= C_z) || (c >= C_A && c <= C_Z))) return false;
  }
  return true;
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
  if (at > start && at < end - 3 && letters > 2 && endsInTopLevelDomain(s, at, end)) return 'EMAIL';
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
  if (letters > 0 && isHostName(s, start, end)) return 'HOST';
  return wordLike(s, start, end) ? undefined : 'ID';
}

/**
 * Words without digits that are values all the same: booleans, `null`, and the built-in account names
 * `root` and `admin` (user names are parameters). The Loghub-2.0 template guidelines (Khan et al., ICSE 2022)
 * treat exactly these as variables.
 */
const VALUE_WORDS = new Map<string, VariableType>([
  ['true', 'BOOL'],
  ['false', 'BOOL'],
  ['null', 'ID'],
  ['root', 'ID'],
  ['admin', 'ID'],
]);

/** The type of a value word (`true`, `null`, …), or undefined for an ordinary word. */
function valueWord(s: string, start: number, end: number): VariableType | undefined {
  const len = end - start;
  if (len < 4 || len > 5) return undefined;
  // Their first letters (either case), checked before a lower-case copy is made.
  const c0 = s.charCodeAt(start) | 32;
  if (c0 !== 116 && c0 !== 102 && c0 !== 110 && c0 !== 114 && c0 !== 97) return undefined;
  return VALUE_WORDS.get(s.slice(start, end).toLowerCase());
}

/** A letter, then letters and one run of at most two digits (`eth0`, `ssh2`, `L3`, `fpr29`): a word. */
function wordLike(s: string, start: number, end: number): boolean {
  const c0 = s.charCodeAt(start);
  if (!((c0 >= C_A && c0 <= C_Z) || (c0 >= C_a && c0 <= C_z))) return false;
  let runs = 0;
  let run = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (run === 0) runs++;
      if (++run > 2 || runs > 1) return false;
    } else {
      run = 0;
      if (!((c >= C_A && c <= C_Z) || (c >= C_a && c <= C_z) || c === C_UNDERSCORE)) return false;
    }
  }
  return true;
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
  BOOL: '<BOOL>',
};

export const placeholderFor = (type: VariableType): string => PLACEHOLDER_TEXT[type];

/**
 * Segments of the current word, as parallel arrays reused across calls (the tokenizer runs on every line,
 * so it allocates nothing per segment). A segment is a [start, end) range, a delimiter (one character or
 * a run of dots), or a value with its type.
 */
let segCount = 0;
let segStart = new Int32Array(64);
let segEnd = new Int32Array(64);
let segDelim = new Uint8Array(64);
const segType: (VariableType | undefined)[] = [];

/** A copy of a typed array at twice its length (the scratch arrays grow with the longest message). */
function doubled<T extends Int32Array | Uint8Array>(a: T): T {
  const b = (a instanceof Int32Array ? new Int32Array(a.length * 2) : new Uint8Array(a.length * 2)) as T;
  b.set(a);
  return b;
}

function pushSeg(start: number, end: number, delim: boolean, type: VariableType | undefined): void {
  if (segCount === segStart.length) {
    segStart = doubled(segStart);
    segEnd = doubled(segEnd);
    segDelim = doubled(segDelim);
  }
  segStart[segCount] = start;
  segEnd[segCount] = end;
  segDelim[segCount] = delim ? 1 : 0;
  segType[segCount] = type;
  segCount++;
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
 * Per-token scratch of the current message (reused across calls): where the token's text is, its type,
 * whether whitespace precedes it and whether it is a whole word (1) or a part of one (0).
 */
let sStart = new Int32Array(64);
let sEnd = new Int32Array(64);
let sSpace = new Uint8Array(64);
let sWhole = new Uint8Array(64);
const sTypes: (VariableType | undefined)[] = [];
/** Masked text of a token that stands for a quoted phrase (undefined for the others). */
const sTexts: (string | undefined)[] = [];
let sCount = 0;
/** Quoted phrases of the current message: where each opens and closes (offsets of the quote characters). */
const quoteOpen: number[] = [];
const quoteClose: number[] = [];
let sMessage = '';

function growScratch(): void {
  sStart = doubled(sStart);
  sEnd = doubled(sEnd);
  sSpace = doubled(sSpace);
  sWhole = doubled(sWhole);
}

function pushToken(
  start: number,
  end: number,
  type: VariableType | undefined,
  space: boolean,
  whole: boolean,
): void {
  if (sCount === sStart.length) growScratch();
  sStart[sCount] = start;
  sEnd[sCount] = end;
  sTypes[sCount] = type;
  sTexts[sCount] = undefined;
  sSpace[sCount] = space ? 1 : 0;
  sWhole[sCount] = whole ? 1 : 0;
  sCount++;
}

/** Extends the value of the last token to `end` (a unit, a restatement, the next value of a run). */
function extendLast(end: number, type: VariableType): void {
  sEnd[sCount - 1] = end;
  sTypes[sCount - 1] = type;
}

/** An empty result to fill with `tokenizeInto`. */
export const emptyTokens = (): Tokens => ({
  message: '',
  count: 0,
  key: '',
  types: [],
  starts: new Int32Array(64),
  ends: new Int32Array(64),
  spaces: new Uint8Array(64),
  texts: [],
  tokens: [],
  values: [],
});

/** Text of one value (or constant) of a tokenised message, cut at 256 characters. */
export function tokenValue(t: Tokens, k: number): string {
  const start = t.starts[k] as number;
  const end = t.ends[k] as number;
  return t.message.slice(start, Math.min(end, start + 256));
}

/** Fills `t.tokens` with the masked tokens (only needed when the key is new to the miner). */
export function maskedTokens(t: Tokens): string[] {
  const out = t.tokens;
  out.length = t.count;
  for (let k = 0; k < t.count; k++) {
    const space = t.spaces[k] === 1;
    if (t.types[k] !== undefined) out[k] = space ? ' <*>' : WILDCARD;
    else {
      const text = t.texts[k] ?? t.message.slice(t.starts[k] as number, t.ends[k] as number);
      out[k] = space ? ` ${text}` : text;
    }
  }
  return out;
}

/**
 * Tokenise and mask one message. `maxTokens` bounds the work on pathological lines: the rest of the message
 * becomes one trailing variable token so a 1 MB line costs no more than a normal one after the cap.
 */
export function tokenize(message: string, maxTokens = 256): Tokens {
  const out = tokenizeInto(message, maxTokens, emptyTokens());
  maskedTokens(out);
  out.values = Array.from({ length: out.count }, (_, k) => tokenValue(out, k));
  out.types.length = out.count;
  return out;
}

/** Character classes for the word scan: 1 digit, 2 path/e-mail punctuation, 4 delimiter, 8 dot. */
const WORD_CLASS = new Uint8Array(128);
for (let c = C_0; c <= C_9; c++) WORD_CLASS[c] = 1;
for (const ch of '/@~\\') WORD_CLASS[ch.charCodeAt(0)] = 2;
for (const ch of '=,;:()[]{}"\'<>|') WORD_CLASS[ch.charCodeAt(0)] = 4;
WORD_CLASS[C_DOT] = 8;

/**
 * As `tokenize`, writing into `out` (its arrays are reused), for callers on the hot path; `withKey` false
 * skips building `out.key` (left empty).
 */
export function tokenizeInto(message: string, maxTokens: number, out: Tokens, withKey = true): Tokens {
  sCount = 0;
  // Setting an array's length is a runtime call: only done when there is something to clear.
  if (quoteOpen.length > 0) {
    quoteOpen.length = 0;
    quoteClose.length = 0;
  }
  sMessage = message;
  const n = message.length;
  let i = 0;
  let spaceBefore = false;
  let dateWords = false;
  while (i < n) {
    const c = message.charCodeAt(i);
    if (isSpace(c)) {
      spaceBefore = sCount > 0;
      i++;
      continue;
    }
    let wEnd = i;
    let shape = 0;
    for (; wEnd < n; wEnd++) {
      const d = message.charCodeAt(wEnd);
      if (d === C_SPACE || d === C_TAB || d === 13 || d === 10 || d === 12) break;
      if (d < 128) shape |= WORD_CLASS[d] as number;
    }
    if ((shape & 4) !== 0 && (quoteOpen.length === 0 || i > (quoteClose[quoteClose.length - 1] as number)))
      noteQuotes(message, i, wEnd, n);
    if (c === 40 /* ( */ && spaceBefore) {
      const close = annotationEnd(message, i, n);
      if (close > 0) {
        // `1190 bytes (1.16 KB)`: a value restated in other units is one value.
        extendLast(close, sTypes[sCount - 1] as VariableType);
        i = close;
        spaceBefore = false;
        continue;
      }
    }
    if (sCount >= maxTokens) {
      // Everything past the cap is one opaque variable: bounded work and memory per line.
      let end = n;
      while (end > i && isSpace(message.charCodeAt(end - 1))) end--;
      pushToken(i, end, 'ID', spaceBefore, true);
      break;
    }
    if ((shape & 6) === 0 && wEnd - i <= MAX_WORD && ((shape & 8) === 0 || !hasDotRun(message, i, wEnd))) {
      // Fast path: one segment (no delimiters, no path or e-mail punctuation), as `splitWord` would find.
      if (word(message, i, wEnd, shape, spaceBefore)) dateWords = true;
    } else if (wEnd - i > MAX_WORD) {
      // A very long word is data (a blob, a dump), never part of a message's wording.
      pushToken(i, wEnd, 'ID', spaceBefore, true);
    } else {
      splitWord(message, i, wEnd);
      if (segCount === 1) {
        const type = segType[0];
        if (type === undefined && isDateWord(message, i, wEnd)) dateWords = true;
        pushToken(i, wEnd, type, spaceBefore, true);
      } else emitWord(message, spaceBefore);
    }
    spaceBefore = false;
    i = wEnd;
  }
  if (dateWords) markDateWords();
  if (quoteOpen.length > 0) collapseQuotes();
  return assemble(out, withKey);
}

/** Characters after which a quote opens a phrase: `="…"`, `("…")`, `["…"]`, `:"…"`. */
const OPENS_QUOTE = new Uint8Array(128);
for (const ch of '=([:,{') OPENS_QUOTE[ch.charCodeAt(0)] = 1;
/** Characters that may follow the closing quote of a phrase. */
const CLOSES_QUOTE = new Uint8Array(128);
for (const ch of ',;:)]}.') CLOSES_QUOTE[ch.charCodeAt(0)] = 1;
const MAX_QUOTED = 512;

/** Records the quoted phrases that open in the word [i, end): at its start or after `=`, `(`, `:`…. */
function noteQuotes(s: string, i: number, end: number, n: number): void {
  for (let j = i; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c !== 34 && c !== 39) continue;
    if (j > i && OPENS_QUOTE[s.charCodeAt(j - 1)] !== 1) continue;
    const close = quoteEnd(s, j, n);
    if (close > 0) {
      quoteOpen.push(j);
      quoteClose.push(close);
      return;
    }
  }
}

/** Offset of the quote that closes a phrase opened at `i` (at the end of a word), or 0. */
function quoteEnd(s: string, i: number, n: number): number {
  const q = s.charCodeAt(i);
  const limit = Math.min(n, i + MAX_QUOTED);
  for (let j = i + 1; j < limit; j++) {
    if (s.charCodeAt(j) !== q) continue;
    const next = j + 1 < n ? s.charCodeAt(j + 1) : C_SPACE;
    return next === C_SPACE || next === C_TAB || (next < 128 && CLOSES_QUOTE[next] === 1) ? j : 0;
  }
  return 0;
}

/**
 * A quoted phrase (`"GET /a HTTP/1.1"`, `"Mozilla/5.0 (X11; Linux)"`, `'safety'`) becomes one token whose
 * text is the masked phrase: messages keep one length whatever the phrase holds, phrases of one pattern
 * share a key, and a position holding phrases of different lengths becomes a variable (consolidate.ts).
 * A quoted single value (`"42"`, `""`) is a value token, quotes included.
 */
function collapseQuotes(): void {
  let from = 0;
  for (let q = 0; q < quoteOpen.length; q++) {
    const open = quoteOpen[q] as number;
    const close = quoteClose[q] as number;
    let k1 = from;
    while (k1 < sCount && (sStart[k1] as number) < open) k1++;
    if (k1 >= sCount || sStart[k1] !== open) continue;
    // The closing quote is the one-character token at `close` (an empty pair also has an empty value there).
    let k2 = k1 + 1;
    while (
      k2 < sCount &&
      (sStart[k2] as number) <= close &&
      !(sStart[k2] === close && sEnd[k2] === close + 1)
    )
      k2++;
    if (k2 >= sCount || sStart[k2] !== close) continue;
    collapseRange(k1, k2, close + 1);
    from = k1 + 1;
  }
}

/** Makes tokens k1..k2 (a quoted phrase ending at `end`) one token. */
function collapseRange(k1: number, k2: number, end: number): void {
  sWhole[k1] = 1;
  if (k2 === k1 + 2 && sTypes[k1 + 1] !== undefined) {
    // One value in quotes (`"42"`, `""`): a value, quotes and all.
    sTypes[k1] = sTypes[k1 + 1];
    sTexts[k1] = undefined;
  } else {
    let text = '';
    for (let k = k1; k <= k2; k++) {
      if (k > k1 && sSpace[k] === 1) text += ' ';
      text += sTypes[k] !== undefined ? WILDCARD : sMessage.slice(sStart[k], sEnd[k]);
    }
    sTypes[k1] = undefined;
    sTexts[k1] = text;
  }
  sEnd[k1] = end;
  const removed = k2 - k1;
  for (let k = k2 + 1; k < sCount; k++) {
    sStart[k - removed] = sStart[k] as number;
    sEnd[k - removed] = sEnd[k] as number;
    sTypes[k - removed] = sTypes[k];
    sTexts[k - removed] = sTexts[k];
    sSpace[k - removed] = sSpace[k] as number;
    sWhole[k - removed] = sWhole[k] as number;
  }
  sCount -= removed;
}

/** A word of one segment; returns whether it may be part of a written-out date. */
function word(message: string, i: number, end: number, shape: number, spaceBefore: boolean): boolean {
  const type = shape === 0 ? valueWord(message, i, end) : classifySegment(message, i, end);
  // `1200 ms`, `3.5 GB`: a unit written after a number belongs to the value.
  if (type === undefined && spaceBefore && end - i <= 8) {
    const unit = unitAfterNumber(message, i, end);
    if (unit !== undefined) {
      extendLast(end, unit);
      return false;
    }
  }
  pushToken(i, end, type, spaceBefore, true);
  return type === undefined && isDateWord(message, i, end);
}

/** Dates in messages are written capitalised (`Sun Jul 31`, `UTC`): only such words are looked up. */
function isDateWord(s: string, start: number, end: number): boolean {
  const c0 = s.charCodeAt(start);
  return c0 >= C_A && c0 <= C_Z && end - start <= 10 && DATE_WORDS.has(s.slice(start, end));
}

/**
 * End (after the `)`) of a bracketed restatement in other units of the value before `(` at `i` (`(1.16 KB)`
 * after `1190 bytes`), within 40 characters; 0 when there is none or the token before is not a whole value.
 */
function annotationEnd(s: string, i: number, n: number): number {
  const k = sCount - 1;
  if (k < 0 || sTypes[k] === undefined || sWhole[k] === 0) return 0;
  const limit = Math.min(n, i + 40);
  let close = -1;
  let space = -1;
  for (let j = i + 1; j < limit; j++) {
    const c = s.charCodeAt(j);
    if (c === 41) {
      close = j;
      break;
    }
    if (c === 40 || c === 9) return 0;
    if (c === C_SPACE) {
      if (space >= 0) return 0;
      space = j;
    }
  }
  if (close <= i + 1 || space < 0) return 0;
  const number = classifySegment(s, i + 1, space);
  return (number === 'NUM' || number === 'ID') && UNITS.has(s.slice(space + 1, close)) ? close + 1 : 0;
}

const UNITS = new Map<string, VariableType>();
for (const u of 'ns us µs ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days'.split(
  ' ',
)) {
  UNITS.set(u, 'DURATION');
}
for (const u of 'B KB kB MB GB TB PB KiB MiB GiB TiB bytes byte'.split(' ')) UNITS.set(u, 'SIZE');

/** The unit type when [start, end) is a unit and the token before it is a whole-word number. */
function unitAfterNumber(s: string, start: number, end: number): VariableType | undefined {
  const k = sCount - 1;
  if (k < 0 || sTypes[k] !== 'NUM' || sWhole[k] === 0) return undefined;
  const stop = s.charCodeAt(end - 1) === C_DOT ? end - 1 : end;
  return stop > start ? UNITS.get(s.slice(start, stop)) : undefined;
}

function hasDotRun(s: string, start: number, end: number): boolean {
  const at = s.indexOf('..', start);
  return at >= 0 && at < end - 1;
}

/** Words longer than this are treated as one opaque value. */
const MAX_WORD = 1024;

/** Month, weekday and zone names next to a variable are part of a date: `at Sun Jul 31 12:01:02 2005`. */
function isDateToken(k: number): boolean {
  return sWhole[k] === 1 && sTypes[k] === undefined && DATE_WORDS.has(sMessage.slice(sStart[k], sEnd[k]));
}

function markDateWords(): void {
  const isDate = isDateToken;
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < sCount; k++) {
      if (!isDate(k)) continue;
      const prev = k > 0 && (sTypes[k - 1] !== undefined || isDate(k - 1)) && sWhole[k - 1] === 1;
      const next =
        k + 1 < sCount &&
        sWhole[k + 1] === 1 &&
        sSpace[k + 1] === 1 &&
        (sTypes[k + 1] !== undefined || isDate(k + 1));
      if ((prev && sSpace[k] === 1) || next) sTypes[k] = 'TIME';
    }
  }
}

const isQuote = (c: number): boolean => c === 34 || c === 39;

/** Key pieces of the current message (reused). */
const keyParts: string[] = [];

/**
 * Builds the result; runs of whitespace-separated whole-word variables collapse into one variable. The key
 * is built from slices of the message: constants next to each other are one slice. `withKey` false leaves
 * `out.key` empty: a caller that knows the key already (the miner, from the message's shape) saves building
 * a string per line and hashing it again for the lookup.
 */
function assemble(out: Tokens, withKey: boolean): Tokens {
  if (out.starts.length < sCount) {
    out.starts = new Int32Array(sStart.length);
    out.ends = new Int32Array(sStart.length);
    out.spaces = new Uint8Array(sStart.length);
  }
  const message = sMessage;
  const { starts, ends, spaces, types } = out;
  keyParts.length = 0;
  let spanStart = -1;
  let spanEnd = -1;
  let m = 0;
  let prevWholeVar = false;
  for (let k = 0; k < sCount; k++) {
    const type = sTypes[k];
    const start = sStart[k] as number;
    const space = sSpace[k] as number;
    // A quoted value is delimited by its quotes: it neither joins nor extends a run of values.
    const quoted = isQuote(message.charCodeAt(start));
    if (type !== undefined && prevWholeVar && sWhole[k] === 1 && space === 1 && !quoted) {
      ends[m - 1] = sEnd[k] as number;
      const prev = types[m - 1];
      // Dates are written as numbers and words around a time: the whole run stays a TIME.
      if (prev !== type)
        types[m - 1] =
          (prev === 'TIME' && type === 'NUM') || (prev === 'NUM' && type === 'TIME') ? 'TIME' : 'ID';
      continue;
    }
    starts[m] = start;
    ends[m] = sEnd[k] as number;
    spaces[m] = space;
    types[m] = type;
    out.texts[m] = sTexts[k];
    m++;
    if (!withKey) {
      prevWholeVar = type !== undefined && sWhole[k] === 1 && !quoted;
      continue;
    }
    if (type !== undefined) {
      if (spanStart >= 0) keyParts.push(message.slice(spanStart, spanEnd));
      spanStart = -1;
      keyParts.push(space === 1 ? ' <*>' : WILDCARD);
      prevWholeVar = sWhole[k] === 1 && !quoted;
      continue;
    }
    prevWholeVar = false;
    const phrase = sTexts[k];
    if (phrase !== undefined) {
      if (spanStart >= 0) keyParts.push(message.slice(spanStart, spanEnd));
      spanStart = -1;
      keyParts.push(space === 1 ? ` ${phrase}` : phrase);
      continue;
    }
    const end = sEnd[k] as number;
    // A constant right after the last one (glued, or after exactly one space) extends the current slice.
    if (
      spanStart >= 0 &&
      (space === 0 ? start === spanEnd : start === spanEnd + 1 && message.charCodeAt(spanEnd) === C_SPACE)
    ) {
      spanEnd = end;
      continue;
    }
    if (spanStart >= 0) keyParts.push(message.slice(spanStart, spanEnd));
    if (space === 1 && message.charCodeAt(start - 1) === C_SPACE) spanStart = start - 1;
    else {
      if (space === 1) keyParts.push(' ');
      spanStart = start;
    }
    spanEnd = end;
  }
  if (spanStart >= 0) keyParts.push(message.slice(spanStart, spanEnd));
  out.message = message;
  out.count = m;
  out.key = !withKey ? '' : keyParts.length === 1 ? (keyParts[0] as string) : keyParts.join('');
  return out;
}

function splitWord(s: string, start: number, end: number): void {
  segCount = 0;
  // URLs keep their punctuation; only wrapping quotes/brackets and trailing sentence punctuation come off.
  const scheme = s.indexOf('://', start);
  if (scheme > start && scheme < end) {
    let a = start;
    while (a < scheme && DELIM[s.charCodeAt(a)] === 1) a++;
    absorb(s, start, a, end, 'URL');
    return;
  }
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === C_LT) {
      const pe = placeholderEnd(s, i, end);
      if (pe > 0) {
        const hash = s.indexOf('#', i);
        const name = s.slice(i + 1, hash > i && hash < pe ? hash : pe - 1);
        let type: VariableType =
          name === '*' ? 'ID' : name in PLACEHOLDER_TEXT ? (name as VariableType) : 'REDACTED';
        let start = i;
        // Text glued to a placeholder (`<IP>.isp.net`, `db-<IP>`) is part of the same value.
        if (segCount > 0 && segDelim[segCount - 1] === 0 && segEnd[segCount - 1] === i) {
          segCount--;
          start = segStart[segCount] as number;
          type = 'ID';
        }
        let j = pe;
        while (j < end) {
          const d = s.charCodeAt(j);
          if (d < 128 && DELIM[d] === 1) break;
          j++;
        }
        if (j > pe) type = type === 'IP' && s.charCodeAt(pe) === C_DOT ? 'HOST' : 'ID';
        pushSeg(start, j, false, type);
        i = j;
        continue;
      }
    }
    // `<1 sec`, `>100`: a comparison sign in front of a number is part of the value.
    if ((c === C_LT || c === C_GT) && i === start && i + 1 < end && isDigit(s.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < end && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === C_DOT)) j++;
      pushSeg(i, j, false, 'NUM');
      i = j;
      continue;
    }
    if (c < 128 && DELIM[c] === 1) {
      pushSeg(i, i + 1, true, undefined);
      // An empty pair `()`, `[]`, `""` holds an empty value: keep a variable slot so it groups with `(x)`.
      const closer = CLOSERS[c];
      if (closer !== undefined && i + 1 < end && s.charCodeAt(i + 1) === closer) {
        pushSeg(i + 1, i + 1, false, 'ID');
      }
      i++;
      continue;
    }
    // A path runs to the end of the word, query string and all; `C:\…` and `C:/…` are paths too.
    if (
      ((c === C_SLASH || c === C_TILDE || c === C_DOT) && isPathStart(s, i, end)) ||
      isDrivePath(s, i, end)
    ) {
      absorb(s, i, i, end, 'PATH');
      return;
    }
    if (c === C_DOT && i + 1 < end && s.charCodeAt(i + 1) === C_DOT) {
      let j = i + 2;
      while (j < end && s.charCodeAt(j) === C_DOT) j++;
      pushSeg(i, j, true, undefined);
      i = j;
      continue;
    }
    let j = i + 1;
    // Which kinds of characters the segment holds: a plain word (letters, `-`, `_`) needs no classifying.
    let flags = SHAPE[c] ?? 2;
    while (j < end) {
      const d = s.charCodeAt(j);
      if ((d < 128 && DELIM[d] === 1) || (d === C_DOT && j + 1 < end && s.charCodeAt(j + 1) === C_DOT)) break;
      flags |= d < 128 ? (SHAPE[d] as number) : 2;
      j++;
    }
    // Glue `a:b:c` runs of hex-ish parts (times, IPv6, MACs) back into one segment.
    if (s.charCodeAt(j) === C_COLON && j + 1 < end) {
      const glued = colonRunEnd(s, i, j, end);
      if (glued > j) flags |= 1;
      j = glued;
    }
    pushSeg(i, j, false, flags === 0 ? valueWord(s, i, j) : classifySegment(s, i, j));
    i = j;
  }
}

/**
 * End of a run of hex-ish parts joined by `:` that starts with [i, j): a time (`12:01:02`), an IPv6 address
 * or a MAC (`FF:F2:9C`). `host:port` is not glued: the address and the port are two values.
 */
function colonRunEnd(s: string, i: number, j: number, end: number): number {
  const first = s.charCodeAt(i) === C_SLASH ? i + 1 : i;
  if (!isHexish(s, first, j)) return j;
  const pair = j - first === 2;
  if (!hasDigit(s, first, j) && !pair) return j;
  let parts = 1;
  let runEnd = j;
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
    parts++;
    runEnd = e;
    k = e;
  }
  // Hex pairs without a digit are only a MAC when there are several of them.
  if (!hasDigit(s, first, j) && parts < 3) return j;
  if (parts === 2 && isIPv4At(s, first, j)) return j;
  return runEnd;
}

/** `C:\Windows\…`, `D:/data/…`: a drive letter at the start of a segment, then a path. */
function isDrivePath(s: string, i: number, end: number): boolean {
  if (i + 3 >= end || s.charCodeAt(i + 1) !== C_COLON) return false;
  const c = s.charCodeAt(i);
  const sep = s.charCodeAt(i + 2);
  if (!((c >= C_A && c <= C_Z) || (c >= C_a && c <= C_z)) || (sep !== C_BACKSLASH && sep !== C_SLASH))
    return false;
  return i === 0 || segCount === 0 || segDelim[segCount - 1] === 1;
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
function absorb(s: string, from: number, at: number, end: number, type: VariableType): void {
  let b = end;
  while (b > at + 1 && isTrailingPunct(s.charCodeAt(b - 1)) && !endsWithPlaceholder(s, at, b)) b--;
  for (let k = from; k < at; k++) pushSeg(k, k + 1, true, undefined);
  pushSeg(at, b, false, type);
  for (let k = b; k < end; k++) pushSeg(k, k + 1, true, undefined);
}

/** A value ending in a redactor's placeholder (`…&host=<HOST#1>`) keeps its closing `>`. */
function endsWithPlaceholder(s: string, start: number, end: number): boolean {
  if (s.charCodeAt(end - 1) !== C_GT) return false;
  const lt = s.lastIndexOf('<', end - 1);
  return lt >= start && placeholderEnd(s, lt, end) === end;
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

function emitWord(s: string, spaceBefore: boolean): void {
  let first = true;
  let k = 0;
  while (k < segCount) {
    const space = first && spaceBefore;
    first = false;
    const type0 = segType[k];
    const start = segStart[k] as number;
    if (segDelim[k] === 1 || type0 === undefined) {
      const end = segEnd[k] as number;
      // `2.4 KB,`: a unit after a number joins the value even with punctuation after it.
      const unit = k === 0 && spaceBefore && segDelim[k] === 0 ? unitAfterNumber(s, start, end) : undefined;
      if (unit !== undefined) extendLast(end, unit);
      else pushToken(start, end, undefined, space, false);
      k++;
      continue;
    }
    let type: VariableType = type0;
    let endSeg = k;
    while (endSeg + 2 < segCount) {
      const joiner = endSeg + 1;
      const next = endSeg + 2;
      const nextType = segType[next];
      if (segDelim[joiner] === 0 || !isJoiner(s.charCodeAt(segStart[joiner] as number))) break;
      if (segDelim[next] === 1 || nextType === undefined) break;
      // ip:port stays an IP; any other mix is an identifier
      const port =
        type === 'IP' && nextType === 'NUM' && s.charCodeAt(segStart[joiner] as number) === C_COLON;
      if (nextType !== type && !port) type = 'ID';
      endSeg += 2;
    }
    pushToken(start, segEnd[endSeg] as number, type, space, k === 0 && endSeg === segCount - 1);
    k = endSeg + 1;
  }
}
