/**
 * PII and secret redaction (DESIGN §6): applied to log text before anything is stored or sent to a model.
 *
 * Each finding is replaced by a typed placeholder (`<EMAIL>`, `<IP>`, `<SECRET>`, …) that the template
 * miner treats as a variable, so redacted logs still group as the originals do. Counts are kept per kind.
 *
 * Every pattern runs in linear time (bounded quantifiers, no nested repetition; e-mail and IPv6 are found
 * by scanning around `@` and `:` rather than by regular expressions), because this runs on every line and
 * on untrusted input such as a single 1 MB line.
 */

export type RedactionKind =
  | 'email'
  | 'ipv4'
  | 'ipv6'
  | 'jwt'
  | 'bearerToken'
  | 'awsAccessKey'
  | 'apiKey'
  | 'secret'
  | 'cardNumber'
  | 'urlPassword';

export type RedactionCounts = Record<RedactionKind, number>;

export const REDACTION_KINDS: readonly RedactionKind[] = [
  'email',
  'ipv4',
  'ipv6',
  'jwt',
  'bearerToken',
  'awsAccessKey',
  'apiKey',
  'secret',
  'cardNumber',
  'urlPassword',
];

/** Placeholder written for each kind. */
export const REDACTION_PLACEHOLDERS: Readonly<Record<RedactionKind, string>> = {
  email: '<EMAIL>',
  ipv4: '<IP>',
  ipv6: '<IP>',
  jwt: '<TOKEN>',
  bearerToken: '<TOKEN>',
  awsAccessKey: '<AWS_KEY>',
  apiKey: '<API_KEY>',
  secret: '<SECRET>',
  cardNumber: '<CARD>',
  urlPassword: '<PASSWORD>',
};

export const emptyRedactionCounts = (): RedactionCounts => ({
  email: 0,
  ipv4: 0,
  ipv6: 0,
  jwt: 0,
  bearerToken: 0,
  awsAccessKey: 0,
  apiKey: 0,
  secret: 0,
  cardNumber: 0,
  urlPassword: 0,
});

export function totalRedactions(counts: RedactionCounts): number {
  let total = 0;
  for (const kind of REDACTION_KINDS) total += counts[kind];
  return total;
}

/**
 * Case-insensitive credentials: `scheme://user:password@`, `Bearer …`/`Basic …`, and `key=value` pairs whose
 * key names a secret (password, token, api key, …). The key and separators are kept, only the value goes.
 */
const CREDENTIALS = new RegExp(
  [
    String.raw`(\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@]{1,256}:)([^\s@/]{1,256})(?=@)`,
    String.raw`(\b(?:bearer|basic)\s+)([a-z0-9._~+/-]{8,2048}=*)`,
    String.raw`(\b(?:password|passwd|pwd|pass|secret|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|(?:access|auth|refresh|session|id)[_-]?token|token|client[_-]?secret|private[_-]?key|credentials?)["']?\s{0,3}[=:]\s{0,3}["']?)([^\s"',;&<>]{1,512})`,
  ].join('|'),
  'gi',
);

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

/** 13–19 digits, optionally in groups of four; checked against card prefixes and the Luhn sum. */
const CARD = /(?<![\w.+-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7})(?![\w.])/g;

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
function redactEmails(text: string, counts: RedactionCounts): string {
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

/** IPv6 addresses: maximal runs of hex digits, `:` and `.` with `::` or eight groups. */
function redactIPv6(text: string, counts: RedactionCounts): string {
  if (!text.includes('::') && !/[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}/.test(text)) return text;
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
      out += `${text.slice(last, i)}<IP>`;
      counts.ipv6++;
      last = end;
    }
    i = j + 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Redacts one piece of text, adding what it found to `counts`. Returns the text unchanged (the same string)
 * when there was nothing to redact.
 */
export function redactText(text: string, counts: RedactionCounts): string {
  let s = text;
  s = s.replace(CREDENTIALS, (match: string, ...groups: unknown[]) => {
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
  s = s.replace(TOKENS, (match: string, jwt?: string, aws?: string, api?: string) => {
    if (jwt !== undefined) counts.jwt++;
    else if (aws !== undefined) counts.awsAccessKey++;
    else if (api !== undefined) counts.apiKey++;
    else return match;
    return jwt !== undefined ? '<TOKEN>' : aws !== undefined ? '<AWS_KEY>' : '<API_KEY>';
  });
  s = redactEmails(s, counts);
  s = s.replace(CARD, (match: string) => {
    const digits = match.replace(/[ -]/g, '');
    if (!cardPrefix(digits) || !luhn(digits)) return match;
    counts.cardNumber++;
    return '<CARD>';
  });
  s = s.replace(IPV4, () => {
    counts.ipv4++;
    return '<IP>';
  });
  s = redactIPv6(s, counts);
  return s;
}

/** Keeps running counts over many calls (one log, one job). */
export class Redactor {
  readonly counts: RedactionCounts = emptyRedactionCounts();

  redact(text: string): string {
    return redactText(text, this.counts);
  }

  get total(): number {
    return totalRedactions(this.counts);
  }
}
