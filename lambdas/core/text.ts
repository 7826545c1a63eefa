/**
 * Rules for text people type into the product. Postgres cannot store NUL (0x00) in text, so it is refused
 * everywhere. A single-line field (a title, a project) is shown in lists, e-mails and terminals: control
 * characters (BEL, ESC, …) could ring, recolour or rewrite a terminal, bidirectional overrides make text read
 * differently from what it is (the "Trojan Source" trick), and zero-width characters make two different
 * values look the same. They are refused with a ValidationError naming the field rather than silently removed,
 * so what is stored is what the person sent. Multi-line fields (a body, a log) keep tabs, line breaks and any
 * other control except NUL: they are shown as text blocks, and logs legitimately carry escapes.
 */

/**
 * C0 controls but the tab, DEL and C1 controls (U+0080–U+009F). A tab is whitespace that cannot ring, recolour
 * or rewrite a terminal, and real titles carry them (pasted from spreadsheets and issue trackers): refusing
 * it would turn a harmless paste into an error, so it is accepted as typed.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this rule's purpose
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/u;
/** Bidirectional embeddings, overrides and isolates; the invisible marks that change reading order. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** Zero-width and invisible format characters. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/u;

/** What is wrong with a text field, or null. */
export function textProblem(value: string, kind: 'single-line' | 'multi-line'): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (kind === 'multi-line') return null;
  const control = CONTROL.exec(value);
  if (control) {
    return `must not contain control characters (found U+${codePoint(control[0])}; line breaks belong in a body)`;
  }
  const bidi = BIDI.exec(value);
  if (bidi) return `must not contain bidirectional control characters (found U+${codePoint(bidi[0])})`;
  const invisible = INVISIBLE.exec(value);
  if (invisible) return `must not contain invisible characters (found U+${codePoint(invisible[0])})`;
  return null;
}

const codePoint = (character: string): string =>
  (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether an ISO 8601 instant names a real calendar moment, as Postgres reads it. JavaScript's Date rolls
 * 2020-02-31 over to March 2 where Postgres refuses it; years beyond 9999 and offsets beyond ±15:59 are refused
 * too. Accepts `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)`.
 */
export function isRealInstant(text: string): boolean {
  const match = ISO_INSTANT.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isRealDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return false;
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinutes = match[10] === undefined ? 0 : Number(match[10]);
  return offsetHours <= 15 && offsetMinutes <= 59;
}

function isRealDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12) return false;
  return day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether `YYYY-MM-DD` names a day of the calendar: 2024-02-29 does, 2024-02-30 and 2023-02-29 do not. */
export function isRealDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return match !== null && isRealDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * UTF-8 length of a string without allocating an encoded copy: Node's own count. A loop over 5 MB of
 * characters took 15–40 ms of the API's one event loop on every paste, this takes 3 ms; a lone surrogate counts
 * 3 bytes (what U+FFFD, its encoding, takes), as TextEncoder does. Used for every byte limit (logs, passwords).
 */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
