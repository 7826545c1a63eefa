/**
 * PII and secret redaction (DESIGN §6): applied to log text before anything is stored or sent to a model.
 *
 * Each finding is replaced by a typed placeholder (`<EMAIL>`, `<SECRET>`, …) that the template miner treats
 * as a variable, so redacted logs still group as the originals do. Counts are kept per kind.
 *
 * Network identities (IP addresses and host names) are the signal of many incidents ("which host fails?"),
 * so by default a `Redactor` pseudonymises them: the same address gets the same `<IP#n>` / `<HOST#n>` in
 * the whole entry, different ones different numbers. A deployment may keep them or remove them instead
 * (`network`); e-mails, tokens, keys, card numbers and passwords are removed whatever the setting.
 *
 * Every pattern runs in linear time (bounded quantifiers, no nested repetition; e-mail and IPv6 are found
 * by scanning around `@` and `:` rather than by regular expressions), because this runs on every line and
 * on untrusted input such as a single 1 MB line.
 */
import { MAY_HAVE_RARE_WORD, redactPersonalDetails } from './personal-details.ts';

export type RedactionKind =
  | 'email'
  | 'ipv4'
  | 'ipv6'
  | 'hostname'
  | 'jwt'
  | 'bearerToken'
  | 'awsAccessKey'
  | 'apiKey'
  | 'secret'
  | 'cardNumber'
  | 'urlPassword'
  | 'privateKey'
  | 'nationalId'
  | 'phone'
  | 'iban'
  | 'mac'
  | 'homeDirectory'
  | 'birthDate'
  | 'postalAddress'
  | 'postcode';

export type RedactionCounts = Record<RedactionKind, number>;

export const REDACTION_KINDS: readonly RedactionKind[] = [
  'email',
  'ipv4',
  'ipv6',
  'hostname',
  'jwt',
  'bearerToken',
  'awsAccessKey',
  'apiKey',
  'secret',
  'cardNumber',
  'urlPassword',
  'privateKey',
  'nationalId',
  'phone',
  'iban',
  'mac',
  'homeDirectory',
  'birthDate',
  'postalAddress',
  'postcode',
];

/** Placeholder written for each kind (network kinds when removed; pseudonyms add `#n`). */
export const REDACTION_PLACEHOLDERS: Readonly<Record<RedactionKind, string>> = {
  email: '<EMAIL>',
  ipv4: '<IP>',
  ipv6: '<IP>',
  hostname: '<HOST>',
  jwt: '<TOKEN>',
  bearerToken: '<TOKEN>',
  awsAccessKey: '<AWS_KEY>',
  apiKey: '<API_KEY>',
  secret: '<SECRET>',
  cardNumber: '<CARD>',
  urlPassword: '<PASSWORD>',
  privateKey: '<PRIVATE_KEY>',
  nationalId: '<NATIONAL_ID>',
  phone: '<PHONE>',
  iban: '<IBAN>',
  mac: '<MAC>',
  homeDirectory: '<USER>',
  birthDate: '<DOB>',
  postalAddress: '<ADDRESS>',
  postcode: '<POSTCODE>',
};

export const emptyRedactionCounts = (): RedactionCounts => ({
  email: 0,
  ipv4: 0,
  ipv6: 0,
  hostname: 0,
  jwt: 0,
  bearerToken: 0,
  awsAccessKey: 0,
  apiKey: 0,
  secret: 0,
  cardNumber: 0,
  urlPassword: 0,
  privateKey: 0,
  nationalId: 0,
  phone: 0,
  iban: 0,
  mac: 0,
  homeDirectory: 0,
  birthDate: 0,
  postalAddress: 0,
  postcode: 0,
});

export function totalRedactions(counts: RedactionCounts): number {
  let total = 0;
  for (const kind of REDACTION_KINDS) total += counts[kind];
  return total;
}

/**
 * Case-insensitive credentials: `scheme://user:password@`, `Bearer …`/`Basic …`, and `key=value` pairs whose
 * key names a secret (password, token, api key, …), also at the end of a longer name (`aws_secret_access_key`,
 * `DB_PASSWORD`, `mysql.password`: the key word need only not follow a letter or digit, which a lookbehind
 * checks at no cost, where a prefix pattern tried at every word quadrupled this expression's time). The key
 * and separators are kept, only the value goes. The value ends at
 * white space, a quote or `;,<>`, and at `&` only where a query parameter follows (`?password=x&user=bob`),
 * so that a password containing `&` goes whole.
 */
const CREDENTIALS = new RegExp(
  [
    String.raw`(\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@]{1,256}:)([^\s@/]{1,256})(?=@)`,
    String.raw`(\b(?:bearer|basic)\s+)([a-z0-9._~+/-]{8,2048}=*)`,
    String.raw`((?<![a-z0-9])(?:password|passwd|pwd|pass|secret|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|(?:access|auth|refresh|session|id)[_-]?token|token|(?:csrf|xsrf)[_-]?token|jsessionid|phpsessid|client[_-]?secret|private[_-]?key|credentials?)["']?\s{0,3}[=:]\s{0,3}["']?)((?:[^\s"',;&<>]|&(?![\w.-]{1,64}=)){1,512})`,
  ].join('|'),
  'gi',
);

/**
 * A US social security number written as one (3-2-4 digits, an area other than 000, 666 and 900–999, a group
 * other than 00, a serial other than 0000: the SSA's own rules, as the Luhn sum checks a card number).
 */
const SSN = /(?<![\w.-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** A `ddd-dd-d` piece, found from dash to dash (cheaper than `SSN` tried at every position). */
function mayHaveSsn(text: string): boolean {
  for (let i = text.indexOf('-'); i >= 0 && i + 4 < text.length; i = text.indexOf('-', i + 1)) {
    if (
      i >= 3 &&
      text.charCodeAt(i + 3) === 45 &&
      isDigit(text.charCodeAt(i - 1)) &&
      isDigit(text.charCodeAt(i + 1)) &&
      isDigit(text.charCodeAt(i + 2)) &&
      isDigit(text.charCodeAt(i + 4))
    )
      return true;
  }
  return false;
}

/**
 * A piece every match of `PHONE` holds: its cue word, a `+` before a digit, or the `ddd-dddd` that ends a
 * North American number. The two shapes are found from `+` to `+` and dash to dash, which costs less than the
 * expression tried at every position of a line (0.24 against 0.40 µs a Loghub line).
 */
const PHONE_CUE = /phone|tel|mobile|cell|fax|sms|call|whatsapp/i;

function mayHavePhone(text: string): boolean {
  for (let i = text.indexOf('+'); i >= 0; i = text.indexOf('+', i + 1)) {
    if (isDigit(text.charCodeAt(i + 1))) return true;
  }
  for (let i = text.indexOf('-'); i >= 0 && i + 4 < text.length; i = text.indexOf('-', i + 1)) {
    if (i >= 3 && digitsAt(text, i - 3, 3) && digitsAt(text, i + 1, 4)) return true;
  }
  return PHONE_CUE.test(text);
}

function digitsAt(text: string, from: number, count: number): boolean {
  for (let k = from; k < from + count; k++) if (!isDigit(text.charCodeAt(k))) return false;
  return true;
}

/**
 * Telephone numbers: after a word that says so (`phone`, `tel`, `mobile`, `fax`…), or in international form
 * (`+` and 10–15 digits in groups). Bare digit runs are left alone: logs are full of them. A full stop after
 * the number ends it (the end of a sentence, where people write one); only `.digit` continues it.
 */
const PHONE = new RegExp(
  [
    String.raw`(\b(?:phone|telephone|tel|mobile|cell|fax|sms|call|whatsapp)(?: ?(?:no|number|nr|me on|me at))?\.?[\s:=#]{0,3})(\+?\(?\d[\d ().-]{5,20}\d)`,
    String.raw`((?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?!\w|\.\d))`,
    // North American numbers as people write them, (415) 555-0132 and 415-555-0132: the shape is the cue.
    String.raw`((?<![\w.-])(?:\(\d{3}\) ?|\d{3}-)\d{3}-\d{4}(?![\w-]|\.\d))`,
  ].join('|'),
  'gi',
);
/**
 * An address or number percent-encoded in a URL's query string (`?email=bob%40example.com`,
 * `&phone=%2B15551234567`): the `@` and `+` the other rules look for are `%40` and `%2B` there.
 */
const ENCODED_EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9._+-]{1,64}(?:%2[Bb][A-Za-z0-9._-]{1,64})?%40[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![\w-])/g;
const ENCODED_PHONE = /(?<![\w%])%2[Bb]\d{7,15}(?![\d])/g;
/**
 * Numbers of identity documents after their name: passport, driving licence, national id, tax id
 * (`passport number X12345678`). Only a value with a digit, 5 to 20 letters, digits or dashes.
 */
const MAY_HAVE_DOCUMENT = /passport|licen[cs]e|national id|id card|tax id|social security/i;
const DOCUMENT_NUMBER =
  /(\b(?:passport|(?:driver'?s?|driving) licen[cs]e|licen[cs]e (?:number|no)|national id|id card|tax id|social security)(?: ?(?:number|no|nr|#))?\.?[\s:=#]{1,3})([A-Z0-9][A-Z0-9-]{3,18}[A-Z0-9])(?![\w-])/gi;

/**
 * International bank account numbers (ISO 13616): a country code, two check digits and the account, written
 * whole or in groups of four. Only the upper-case form, with the country's length and a valid mod-97 check,
 * counts, so hexadecimal ids and upper-case tokens in logs stay (none of the 16,000 Loghub development lines
 * matches). A full stop after it ends it, as for a card number.
 */
const IBAN =
  /(?<![\w.+-])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?!\w|\.\d)/g;
const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.fromEntries(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 ' +
    'FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 ' +
    'LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 ' +
    'SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20'
  )
    .split(' ')
    .map((e) => [e.slice(0, 2), Number(e.slice(2))]),
);

function ibanValid(compact: string): boolean {
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    // Letters count as two digits (A = 10 … Z = 35).
    rest = c >= 65 ? (rest * 100 + c - 55) % 97 : (rest * 10 + c - 48) % 97;
  }
  return rest === 1;
}

function redactIbans(text: string, counts: RedactionCounts): string {
  if (!MAY_HAVE_IBAN.test(text)) return text;
  return text.replace(IBAN, (match: string) => {
    if (ibanValid(match.replace(/ /g, ''))) {
      counts.iban++;
      return '<IBAN>';
    }
    // A short word after a grouped number (`… 0130 00 to pay`) may have been taken as its last group.
    const cut = match.lastIndexOf(' ');
    if (cut > 0 && ibanValid(match.slice(0, cut).replace(/ /g, ''))) {
      counts.iban++;
      return `<IBAN>${match.slice(cut)}`;
    }
    return match;
  });
}

function redactPersonalNumbers(text: string, counts: RedactionCounts): string {
  let s = redactIbans(text, counts);
  if (s.includes('%2')) {
    s = s.replace(ENCODED_PHONE, () => {
      counts.phone++;
      return '<PHONE>';
    });
  }
  // Testing first is half the cost of a replace that finds nothing, which is almost every line of a log.
  if (MAY_HAVE_DOCUMENT.test(s)) {
    s = s.replace(DOCUMENT_NUMBER, (match: string, said: string, value: string) => {
      if (!/\d/.test(value)) return match;
      counts.nationalId++;
      return `${said}<NATIONAL_ID>`;
    });
  }
  if (mayHaveSsn(s)) {
    s = s.replace(SSN, () => {
      counts.nationalId++;
      return '<NATIONAL_ID>';
    });
  }
  if (!mayHavePhone(s)) return s;
  return s.replace(PHONE, (match: string, ...groups: unknown[]) => {
    const [keyed, keyedNumber, international, northAmerican] = groups as (string | undefined)[];
    const number = keyedNumber ?? international ?? northAmerican ?? '';
    const digits = number.replace(/\D/g, '').length;
    if (digits < 7 || digits > 15 || (keyed === undefined && digits < 10)) return match;
    counts.phone++;
    return `${keyed ?? ''}<PHONE>`;
  });
}

/** PEM armour of a private key (`-----BEGIN RSA PRIVATE KEY-----`, OPENSSH, EC, ENCRYPTED, PKCS#8). */
const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
const PRIVATE_KEY_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;

/**
 * Removes private key blocks: from a BEGIN line to its END line, or, when the END is not in this text, to the
 * end of it. Returns whether a block is still open at the end (a log read line by line goes on removing
 * lines until the END arrives: see `Redactor`). `open`: this text starts inside a block.
 */
function redactPrivateKeys(
  text: string,
  counts: RedactionCounts,
  open: boolean,
): { text: string; open: boolean } {
  if (!open && !text.includes('PRIVATE KEY-----')) return { text, open };
  let out = open ? '<PRIVATE_KEY>' : '';
  let from = 0;
  let inside = open;
  for (;;) {
    if (inside) {
      PRIVATE_KEY_END.lastIndex = from;
      const end = PRIVATE_KEY_END.exec(text);
      if (end === null) return { text: out, open: true };
      from = end.index + end[0].length;
      inside = false;
      continue;
    }
    PRIVATE_KEY_BEGIN.lastIndex = from;
    const begin = PRIVATE_KEY_BEGIN.exec(text);
    if (begin === null) return { text: out + text.slice(from), open: false };
    counts.privateKey++;
    out += `${text.slice(from, begin.index)}<PRIVATE_KEY>`;
    from = begin.index + begin[0].length;
    inside = true;
  }
}

/** Case-sensitive token shapes: JWTs, AWS access key ids, well-known API key prefixes. */
const TOKENS = new RegExp(
  [
    String.raw`(\beyJ[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{4,4096})`,
    String.raw`(\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b)`,
    String.raw`(\b(?:sk-(?:proj-)?[A-Za-z0-9_-]{20,256}|gh[pousr]_[A-Za-z0-9]{30,256}|github_pat_[A-Za-z0-9_]{40,256}|xox[abprs]-[A-Za-z0-9-]{10,256}|AIza[0-9A-Za-z_-]{35}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,256}|glpat-[A-Za-z0-9_-]{20,256})\b)`,
  ].join('|'),
  'g',
);

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** IPv4 not glued to a longer dotted name (versions such as 6.1.7601.23505, hosts such as 1.2.3.4.isp.net). */
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?!\\w|\\.\\w)`, 'g');

/**
 * 13–19 digits, optionally in groups of four; checked against card prefixes and the Luhn sum. A full stop
 * after it is the end of a sentence (`card 4111 1111 1111 1111.`), which must not save the number; only a
 * `.digit` continuation (a decimal, a version, an address) makes it something else.
 */
const CARD = /(?<![\w.+-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7})(?!\w|\.\d)/g;

/**
 * Cheap tests a line must pass for the expression beside it to match anywhere in it (each is a piece that
 * every match of that expression contains), so that most lines skip the expression. The full expressions,
 * tried at every position, cost most of a JSON log's time: its whole line is redacted besides its message.
 */
const MAY_HAVE_CREDENTIAL = /@|bearer|basic|pass|pwd|secret|key|token|credential|cookie|sessid/i;
const MAY_HAVE_IBAN = /[A-Z]{2}\d{2}/;
const MAY_HAVE_HOST_NAME = /[A-Za-z0-9]\.[A-Za-z]{2}/;

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes of the major card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay). */
function cardPrefix(d: string): boolean {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  if (d[0] === '4') return d.length === 13 || d.length === 16 || d.length === 19;
  if (two >= 51 && two <= 55) return d.length === 16;
  if (four >= 2221 && four <= 2720) return d.length === 16;
  if (two === 34 || two === 37) return d.length === 15;
  if (d.startsWith('6011') || two === 65 || (four >= 6440 && four <= 6499)) return d.length >= 16;
  if (four >= 3528 && four <= 3589) return d.length >= 16;
  if (two === 36 || two === 38 || (four >= 3000 && four <= 3059)) return d.length >= 14;
  if (two === 62) return d.length >= 16;
  return false;
}

const isLocalChar = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 46 ||
  c === 95 ||
  c === 37 ||
  c === 43 ||
  c === 45;
const isDomainChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/** E-mail addresses found by expanding around each `@` (bounded: 64 chars left, 253 right). */
function redactEmails(raw: string, counts: RedactionCounts): string {
  const text = raw.includes('%40')
    ? raw.replace(ENCODED_EMAIL, () => {
        counts.email++;
        return '<EMAIL>';
      })
    : raw;
  let at = text.indexOf('@');
  if (at < 0) return text;
  let out = '';
  let last = 0;
  while (at >= 0) {
    let a = at;
    while (a > last && at - a < 64 && isLocalChar(text.charCodeAt(a - 1))) a--;
    while (a < at && text.charCodeAt(a) === 46) a++;
    let b = at + 1;
    while (b < text.length && b - at <= 253 && isDomainChar(text.charCodeAt(b))) b++;
    while (b > at + 1 && (text.charCodeAt(b - 1) === 46 || text.charCodeAt(b - 1) === 45)) b--;
    const domain = text.slice(at + 1, b);
    const dot = domain.lastIndexOf('.');
    const tld = dot > 0 ? domain.slice(dot + 1) : '';
    if (a < at && dot > 0 && /^[A-Za-z]{2,24}$/.test(tld) && !domain.includes('..')) {
      out += `${text.slice(last, a)}<EMAIL>`;
      counts.email++;
      last = b;
    }
    at = text.indexOf('@', Math.max(at + 1, last));
  }
  return last === 0 ? text : out + text.slice(last);
}

function isIPv6(s: string): boolean {
  const double = s.indexOf('::');
  if (double !== s.lastIndexOf('::')) return false;
  let body = s;
  let groupsNeeded = 8;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!/^(?:\d{1,3}\.){3}\d{1,3}$/.test(tail)) return false;
    body = s.slice(0, lastColon + 1) + (s.endsWith('::') ? '' : '0');
    groupsNeeded = 7;
  }
  const parts = body.split(':');
  let groups = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (p.length === 0) {
      // empty parts only around `::`
      continue;
    }
    if (p.length > 4) return false;
    for (let k = 0; k < p.length; k++) if (!isHex(p.charCodeAt(k))) return false;
    groups++;
  }
  if (double >= 0) return groups < groupsNeeded;
  return groups === groupsNeeded && parts.length === groupsNeeded;
}

/**
 * Eight groups: a hex digit and seven `:group`s of one to four hex digits after it (what
 * `/[0-9A-Fa-f](?::[0-9A-Fa-f]{1,4}){7}/` tests), found from colon to colon: most lines have a few colons
 * (a time) and the expression tried every position of the line, a tenth of a microsecond a line.
 */
function hasEightGroups(text: string): boolean {
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    if (i === 0 || !isHex(text.charCodeAt(i - 1))) continue;
    let at = i;
    let groups = 0;
    while (groups < 7 && text.charCodeAt(at) === 58) {
      let end = at + 1;
      while (end - at <= 4 && end < text.length && isHex(text.charCodeAt(end))) end++;
      if (end === at + 1) break;
      groups++;
      at = end;
    }
    if (groups === 7) return true;
  }
  return false;
}

/** IPv6 addresses: maximal runs of hex digits, `:` and `.` with `::` or eight groups. */
function redactIPv6(text: string, counts: RedactionCounts, mask: NetworkMask): string {
  // Only a text with `::` or eight groups (`hasEightGroups`) can hold one.
  if (!text.includes('::') && !hasEightGroups(text)) return text;
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!(isHex(c) || c === 58)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && (isHex(text.charCodeAt(j)) || text.charCodeAt(j) === 58 || text.charCodeAt(j) === 46))
      j++;
    let end = j;
    while (end > i && text.charCodeAt(end - 1) === 46) end--;
    const before = i > 0 ? text.charCodeAt(i - 1) : 32;
    const after = end < n ? text.charCodeAt(end) : 32;
    const candidate = text.slice(i, end);
    if (
      end - i >= 3 &&
      end - i <= 45 &&
      !isWordChar(before) &&
      !isWordChar(after) &&
      candidate.includes(':') &&
      isIPv6(candidate)
    ) {
      out += `${text.slice(last, i)}${mask('IP', candidate)}`;
      counts.ipv6++;
      last = end;
    }
    i = j + 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Host names in running text: dot-separated labels ending in a top-level domain. Two-label names need a
 * TLD that is rarely a file extension or a method (`db.internal`, `example.com`, but not `Safari.app`,
 * `logger.info`); a two-letter country code needs three labels (`www.example.de`, but not `user.id`).
 * Java packages and dotted keys end in a word that is no TLD, so they stay; so do reverse-domain names
 * (`org.apache.hadoop.mapreduce.v2.app`, `com.example.Service`), whose first label is a generic TLD, as no
 * host name's is.
 */
const HOST_NAME =
  /(?<![\w.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z]{2,24}(?![\w-]|\.[A-Za-z0-9])/g;
/**
 * `host=web-01`: a host given by name in a key=value pair, even without dots. A trailing full stop ends the
 * sentence, not the name; a dotted name that is no host name (`host=node1.cluster`) is left alone.
 */
const HOST_PAIR = /(\b(?:host|hostname|rhost)=["']?)([A-Za-z][\w-]{0,62})(?![\w<-]|\.[\w-])/gi;
const TLDS = new Set(
  'com net org edu gov mil int info biz io co me ai app dev cloud online site xyz local lan internal localdomain arpa'.split(
    ' ',
  ),
);
const TWO_LABEL_TLDS = new Set('com net org edu gov mil internal local localdomain lan arpa'.split(' '));
const NOT_TLDS = new Set(
  'cc py js go rb sh so md ts cs hs rs el mm gz db ui id in is it at to no do by or as'.split(' '),
);
const NOT_HOSTS = new Set(['localhost', 'localhost.localdomain']);
const REVERSE_DOMAIN_FIRST = new Set('com net org edu gov mil'.split(' '));

function isHostName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  const tld = name.slice(dot + 1);
  if (tld !== tld.toLowerCase() && tld !== tld.toUpperCase()) return false;
  const lower = tld.toLowerCase();
  const labels = name.split('.').length;
  if (labels === 2) return TWO_LABEL_TLDS.has(lower);
  if (REVERSE_DOMAIN_FIRST.has(name.slice(0, name.indexOf('.')).toLowerCase())) return false;
  return TLDS.has(lower) || (lower.length === 2 && !NOT_TLDS.has(lower));
}

function redactHosts(text: string, counts: RedactionCounts, mask: NetworkMask): string {
  let s = text;
  if (MAY_HAVE_HOST_NAME.test(s)) {
    s = s.replace(HOST_NAME, (name: string) => {
      if (!isHostName(name) || NOT_HOSTS.has(name.toLowerCase())) return name;
      counts.hostname++;
      return mask('HOST', name);
    });
  }
  if (s.includes('=')) {
    s = s.replace(HOST_PAIR, (match: string, key: string, name: string) => {
      if (NOT_HOSTS.has(name.toLowerCase())) return match;
      counts.hostname++;
      return key + mask('HOST', name);
    });
  }
  return s;
}

/** Replaces one IP address or host name; `kind` is the placeholder's name. */
type NetworkMask = (kind: 'IP' | 'HOST', value: string) => string;

/** What happens to IP addresses and host names (a deployment setting; see the module comment). */
export type NetworkRedaction = 'pseudonymise' | 'keep' | 'remove';
export const NETWORK_REDACTIONS: readonly NetworkRedaction[] = ['pseudonymise', 'keep', 'remove'];

const removeNetwork: NetworkMask = (kind) => `<${kind}>`;

/** Credentials and personal data, always removed, whatever the network setting. */
function redactSecrets(text: string, counts: RedactionCounts): string {
  let s = text;
  // One test for every rule keyed on a word that almost no log line holds (see MAY_HAVE_RARE_WORD). The
  // sign-in secrets go first, so that the named-secret rule does not take `token code_verifier=…` whole.
  const rare = MAY_HAVE_RARE_WORD.test(s);
  if (rare) s = redactSignInSecrets(s, counts);
  if (MAY_HAVE_CREDENTIAL.test(s)) s = redactCredentials(s, counts);
  s = redactTokens(s, counts);
  s = redactEmails(s, counts);
  s = redactPersonalDetails(s, counts, rare);
  s = redactPersonalNumbers(s, counts);
  return s.replace(CARD, (match: string) => {
    const digits = match.replace(/[ -]/g, '');
    if (!cardPrefix(digits) || !luhn(digits)) return match;
    counts.cardNumber++;
    return '<CARD>';
  });
}

/**
 * A password said in words, as people write it in a ticket or a chat line: "my password is Hunter2!Summer",
 * "the new pwd was s3cr3t#1". Only a value that looks like a secret goes (a letter and a digit or a symbol, or
 * six digits or more):
 * "password is incorrect", "password was reset" and "password is too short" stay, as logs write them.
 */
const SAID_PASSWORD =
  /((?<![a-z0-9])(?:password|passwd|pwd|passphrase|passcode)\s+(?:is|was|will be|=|:)\s+["'`]?)([^\s"'`]{4,128})/gi;
const LOOKS_SECRET = /^(?:(?=.*[a-z])(?=.*[\d\W_])|\d{6,}$)/i;

/**
 * A secret named in words and written after its name, as people paste one into a ticket or copy it from a
 * console (the `key=value` rule above wants the name right before `=`, with no space inside it):
 * "I pushed <AWS_KEY> with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "the client secret is
 * 3f9a…", "session token 9b2c…", "Secret access key: wJalr…". Only a value with the shape of a generated one goes: at least 16 characters
 * of a key's alphabet, with both letters and digits; so "secret santa", "token expired", "api key rotation"
 * and "access token was refreshed" stay. "key" alone is no name: logs say "key 17" and "key k3" of anything.
 */
const NAMED_SECRET =
  /((?<![a-z0-9])(?:secret(?:[ _-]access)?(?:[ _-]key)?|client[ _-]secret|api[ _-]?key|access[ _-]key|private[ _-]key|(?:access|auth|refresh|session|bearer|api)[ _-]token|token)(?:\s{0,3}[=:]\s{0,3}|\s{1,3}(?:(?:is|was|will be)\s{1,3})?)["'`]?)([A-Za-z0-9/+_.=-]{16,512})(?![A-Za-z0-9/+_=-])/gi;
const GENERATED = /^(?=.*[a-z])(?=.*\d)/i;

function redactCredentials(text: string, counts: RedactionCounts): string {
  const cookies = redactCookies(text, counts);
  return redactNamedSecrets(redactSaidPasswords(keyedCredentials(cookies, counts), counts), counts);
}

/**
 * A `Cookie:` or `Set-Cookie:` header: every cookie's value is a credential whatever its name (`sessionid`,
 * `SID`, `csrftoken`, a framework's own), since whoever has it is signed in. The names stay, and so do the
 * attributes of a Set-Cookie (`Path=/`, `Max-Age=3600`), which identify no one.
 */
const COOKIE_HEADER = /(\b(?:set-)?cookie\s{0,3}[:=]\s{0,3}["']?)([^\r\n"']{1,8192})/gi;
const COOKIE_PAIR = /(^|;\s{0,3})([^=;\s]{1,128})=([^;]{1,4096})/g;
const COOKIE_ATTRIBUTES = new Set(['path', 'domain', 'expires', 'max-age', 'samesite', 'priority']);

function redactCookies(text: string, counts: RedactionCounts): string {
  if (!/cookie/i.test(text)) return text;
  return text.replace(COOKIE_HEADER, (_match: string, header: string, value: string) => {
    const cookies = value.replace(COOKIE_PAIR, (pair: string, lead: string, name: string, v: string) => {
      if (COOKIE_ATTRIBUTES.has(name.toLowerCase()) || v.startsWith('<')) return pair;
      counts.secret++;
      return `${lead}${name}=<SECRET>`;
    });
    return header + cookies;
  });
}

function redactNamedSecrets(text: string, counts: RedactionCounts): string {
  return text.replace(NAMED_SECRET, (match: string, said: string, value: string) => {
    // A value ends before a full stop that ends the sentence, as every other value does.
    const bare = value.replace(/[.]+$/, '');
    if (bare.length < 16 || !GENERATED.test(bare)) return match;
    counts.secret++;
    return `${said}<SECRET>${value.slice(bare.length)}`;
  });
}

function redactSaidPasswords(text: string, counts: RedactionCounts): string {
  return text.replace(SAID_PASSWORD, (match: string, said: string, value: string) => {
    const bare = value.replace(/[.,;!?)]+$/, '');
    if (!LOOKS_SECRET.test(bare) || bare.startsWith('<')) return match;
    counts.secret++;
    return `${said}<SECRET>${value.slice(bare.length)}`;
  });
}

function keyedCredentials(text: string, counts: RedactionCounts): string {
  return text.replace(CREDENTIALS, (match: string, ...groups: unknown[]) => {
    const [urlKey, urlValue, bearerKey, , kvKey] = groups as (string | undefined)[];
    if (urlKey !== undefined && urlValue !== undefined) {
      counts.urlPassword++;
      return `${urlKey}<PASSWORD>`;
    }
    if (bearerKey !== undefined) {
      counts.bearerToken++;
      return `${bearerKey}<TOKEN>`;
    }
    if (kvKey !== undefined) {
      counts.secret++;
      return `${kvKey}<SECRET>`;
    }
    return match;
  });
}

/**
 * Secrets of sign-in flows (OAuth 2, OpenID Connect, SAML) that the `key=value` rule does not name: the PKCE
 * and OAuth 1 verifiers, a device code, a SAML response (a signed assertion, often with the user's name and
 * e-mail inside), and an authorization code in a URL (`/callback?code=4/0AX4XfWh…&state=…`), which gets the
 * user's tokens until it is redeemed. `code=` is mostly a status or exit code in logs, so only a query or
 * fragment parameter whose value has a generated one's shape goes: 8 or more characters of a URL-safe
 * alphabet with both letters and digits (`?code=404` and `?code=invalid_request` stay). `state=` and
 * `nonce=` stay: one-use values bound to the browser's session that grant nothing by themselves. Tokens
 * (`access_token`, `id_token`, `refresh_token`) and `client_secret` are the `key=value` rule's already.
 */
const SIGN_IN_SECRET = new RegExp(
  [
    String.raw`((?<![a-z0-9])(?:samlresponse|(?:code|oauth)[_-]verifier|device[_-]code)["']?\s{0,3}[=:]\s{0,3}["']?)((?:[^\s"',;&<>]|&(?![\w.-]{1,64}=)){1,8192})`,
    '([?&#]code=)([A-Za-z0-9._~/+%-]{8,2048})(?![A-Za-z0-9._~/+%-])',
  ].join('|'),
  'gi',
);
const LETTER_AND_DIGIT = /^(?=.*[a-z])(?=.*\d)/i;

const MAY_HAVE_SIGN_IN_SECRET = /code|saml|verifier/i;

function redactSignInSecrets(text: string, counts: RedactionCounts): string {
  if (!MAY_HAVE_SIGN_IN_SECRET.test(text)) return text;
  return text.replace(SIGN_IN_SECRET, (match: string, ...groups: unknown[]) => {
    const [named, , codeKey, code] = groups as (string | undefined)[];
    if (named !== undefined) {
      counts.secret++;
      return `${named}<SECRET>`;
    }
    if (codeKey === undefined || code === undefined || !LETTER_AND_DIGIT.test(code)) return match;
    counts.secret++;
    return `${codeKey}<SECRET>`;
  });
}

function redactTokens(text: string, counts: RedactionCounts): string {
  return text.replace(TOKENS, (match: string, jwt?: string, aws?: string, api?: string) => {
    if (jwt !== undefined) counts.jwt++;
    else if (aws !== undefined) counts.awsAccessKey++;
    else if (api !== undefined) counts.apiKey++;
    else return match;
    return jwt !== undefined ? '<TOKEN>' : aws !== undefined ? '<AWS_KEY>' : '<API_KEY>';
  });
}

function redactWith(
  text: string,
  counts: RedactionCounts,
  mask: NetworkMask | undefined,
  state: { privateKeyOpen: boolean } = { privateKeyOpen: false },
): string {
  const keys = redactPrivateKeys(text, counts, state.privateKeyOpen);
  state.privateKeyOpen = keys.open;
  let s = redactSecrets(keys.text, counts);
  if (!mask) return s;
  s = s.replace(IPV4, (ip: string) => {
    counts.ipv4++;
    return mask('IP', ip);
  });
  s = redactIPv6(s, counts, mask);
  return redactHosts(s, counts, mask);
}

/**
 * Redacts one piece of text, adding what it found to `counts`. Stateless, so IP addresses and host names
 * are removed (`<IP>`, `<HOST>`) or, with `network: 'keep'`, left alone; a `Redactor` pseudonymises them.
 * Returns the text unchanged (the same string) when there was nothing to redact.
 */
export function redactText(
  text: string,
  counts: RedactionCounts,
  network: Exclude<NetworkRedaction, 'pseudonymise'> = 'remove',
): string {
  return redactWith(text, counts, network === 'keep' ? undefined : removeNetwork);
}

const PSEUDONYM = /<(IP|HOST)#(\d{1,7})>/g;

/**
 * Consistent pseudonyms within one entry: the n-th distinct address becomes `<IP#n>`. Bounded: past
 * `capacity` distinct values per kind, further ones are removed (`<IP>`) rather than numbered.
 */
export class Pseudonyms {
  /** Value (lower-cased) → its pseudonym, built once. */
  private readonly tables = { IP: new Map<string, string>(), HOST: new Map<string, string>() };
  private readonly next = { IP: 1, HOST: 1 };
  constructor(private readonly capacity = 100_000) {}

  of(kind: 'IP' | 'HOST', value: string): string {
    const table = this.tables[kind];
    const key = kind === 'IP' && !value.includes(':') ? value : value.toLowerCase();
    const known = table.get(key);
    if (known !== undefined) return known;
    if (table.size >= this.capacity) return `<${kind}>`;
    const pseudonym = `<${kind}#${this.next[kind]++}>`;
    // A fresh copy: the key must not keep the (possibly 1 MB) line it was sliced from alive.
    table.set(` ${key}`.slice(1), pseudonym);
    return pseudonym;
  }

  /** Text pseudonymised earlier (a stored entry) keeps its numbers: new values are numbered after them. */
  reserve(text: string): void {
    if (!text.includes('#')) return;
    PSEUDONYM.lastIndex = 0;
    for (let m = PSEUDONYM.exec(text); m; m = PSEUDONYM.exec(text)) {
      const kind = m[1] as 'IP' | 'HOST';
      this.next[kind] = Math.max(this.next[kind], Number(m[2]) + 1);
    }
  }

  /** Distinct addresses and host names numbered so far. */
  get distinct(): { ip: number; host: number } {
    return { ip: this.tables.IP.size, host: this.tables.HOST.size };
  }
}

const IP_ONLY = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const NOT_A_HOST = new Set(['', '-', 'localhost', 'unknown', 'none', 'null']);

export interface RedactorOptions {
  /** IP addresses and host names: `pseudonymise` (default), `keep` or `remove`. */
  network?: NetworkRedaction;
}

/** Keeps running counts (and pseudonyms) over many calls: one log, one entry, one job. */
export class Redactor {
  readonly counts: RedactionCounts = emptyRedactionCounts();
  readonly network: NetworkRedaction;
  readonly pseudonyms = new Pseudonyms();
  private readonly mask: NetworkMask | undefined;

  constructor(options: RedactorOptions = {}) {
    this.network = options.network ?? 'pseudonymise';
    this.mask =
      this.network === 'keep'
        ? undefined
        : this.network === 'remove'
          ? removeNetwork
          : (kind, value) => this.pseudonyms.of(kind, value);
  }

  /** Whether a private key block began in an earlier call and has not ended yet (a log read line by line). */
  private readonly keyBlock = { privateKeyOpen: false };

  redact(text: string): string {
    if (this.mask && this.network === 'pseudonymise') this.pseudonyms.reserve(text);
    return redactWith(text, this.counts, this.mask, this.keyBlock);
  }

  /**
   * Redacts like `redact`, with the same pseudonyms, but adds what it finds to `counts` instead of this
   * redactor's and leaves the private-key state of `redact` alone: for text that overlaps text redacted
   * already (a structured line around its message), whose findings the caller reconciles.
   */
  redactInto(text: string, counts: RedactionCounts): string {
    if (this.mask && this.network === 'pseudonymise') this.pseudonyms.reserve(text);
    return redactWith(text, counts, this.mask);
  }

  /**
   * A host field of a log header (`web-01`, `10.0.0.7`): the whole value is one host, with or without dots.
   * It shares the pseudonyms of the text, so `<IP#2>` names one address wherever it was seen.
   */
  host(name: string): string {
    const mask = this.mask;
    const trimmed = name.trim();
    if (!mask || NOT_A_HOST.has(trimmed.toLowerCase())) return name;
    if (trimmed.startsWith('<') && trimmed.endsWith('>')) return name;
    if (IP_ONLY.test(trimmed)) {
      this.counts.ipv4++;
      return mask('IP', trimmed);
    }
    if (trimmed.includes(':') && isIPv6(trimmed)) {
      this.counts.ipv6++;
      return mask('IP', trimmed);
    }
    this.counts.hostname++;
    return mask('HOST', trimmed);
  }

  get total(): number {
    return totalRedactions(this.counts);
  }
}

const NAME_CUE = String.raw`(?:[Uu]ser|[Cc]ustomer|[Ee]mployee|[Nn]ame|[Cc]ontact|[Cc]lient|[Rr]eporter|[Rr]equester|[Aa]ssignee|[Cc]olleague|[Pp]atient|[Pp]erson|[Oo]wner|[Aa]uthor|(?:[Ss]igned|[Rr]eported|[Rr]equested|[Ss]ubmitted) by|[Aa]ssigned to|I am|I'm|[Mm]y name is)(?:[:=][ \t]{0,3}|[ \t]{1,3})`;
// `Ms` without a dot is also an abbreviation (`Ms Coco`, a data set): it needs a two-word name.
const NAME_TITLE = String.raw`(?:Mr|Mrs|Dr|Prof|Ms\.|Miss)\.?`;
// A double-barrelled part counts as one word (Garcia-Lopez).
const NAME_WORD = '[A-Z][a-z]{1,20}(?:-[A-Z][a-z]{1,20})?';
/** Between first and last name: a space, or as a query string writes it (`name=Peter+Parker`, `%20`). */
const NAME_GAP = String.raw`(?: |\+|%20)`;
/**
 * A capitalised First Last name right after a word that says a person follows (`user`, `customer`, `contact`,
 * `Name:`, …), or one or two capitalised words after a title (`Dr.`, `Mrs`). Whatever else follows a name ends
 * it, except a third capitalised word (a title-case phrase) and what glues it to code (`(`, `.x`, `-`, `_`).
 * Loghub's 16,000 development lines have no match, so templates, component and class names are untouched; see
 * docs/log-mining.md for the measurements.
 */
const PERSON_NAME = new RegExp(
  [
    String.raw`((?<![\w.])${NAME_CUE})(${NAME_WORD}${NAME_GAP}${NAME_WORD})(?![\w(<-]|\.\w| [A-Z])`,
    String.raw`((?<![\w.])${NAME_TITLE}[ \t]{1,3})(${NAME_WORD}(?: ${NAME_WORD})?)(?![\w(<-]|\.\w| [A-Z])`,
    String.raw`((?<![\w.])Ms[ \t]{1,3})(${NAME_WORD} ${NAME_WORD})(?![\w(<-]|\.\w| [A-Z])`,
  ].join('|'),
  'g',
);
/**
 * Capitalised nouns that follow `User`/`Customer`/`Contact` in the names of products, teams and screens
 * (`User Profile Service`, `Customer Service Agent`, `Contact Centre`): no one's given name or surname.
 */
const NOT_NAME_WORDS = new Set(
  'Account Accounts Agent Agents Care Center Centre Data Experience Group Interface Journey Management Manager Operations Portal Profile Relations Service Services Settings Success Support Team'.split(
    ' ',
  ),
);

/**
 * Replaces person names found by `PERSON_NAME` with `<NAME>`, keeping the cue (`User <NAME> (phone …)`).
 * Applied to what is sent to a model, not to what is stored: the classifier and search read the stored text,
 * whose accuracy this must not move, and the ticket's own readers may see who reported it.
 */
export function redactPersonNames(text: string): { text: string; names: number } {
  let names = 0;
  const out = text.replace(PERSON_NAME, (match: string, ...groups: unknown[]) => {
    const [cue, cueName, title, titleName, ms, msName] = groups as (string | undefined)[];
    const name = cueName ?? titleName ?? msName ?? '';
    if (name.split(/[ +-]|%20/).some((w) => NOT_NAME_WORDS.has(w))) return match;
    names++;
    return `${cue ?? title ?? ms ?? ''}<NAME>`;
  });
  return { text: names === 0 ? text : out, names };
}
