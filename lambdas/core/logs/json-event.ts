/**
 * JSON records without a message key (8 December, branch `h-jsonmsg`): audit trails and access logs written as
 * JSON (CloudTrail, GCP and Kubernetes audit logs, Azure's activity log, Okta, GitHub's audit log, Traefik,
 * Envoy, an ALB export) name their event in a field of their own (`eventName`, `methodName`, `verb`,
 * `eventType`, `action`) and write no `msg`. Their message was every flattened field, so templates split per
 * user, address and request id. This module learns, from the sample's records, the fields that NAME the event
 * (by their values: identifier-like, few distinct values, on most records), the request's fields, and the
 * fields that say how the event ended, and builds each record's message and grade from them.
 */
import type { HttpRequest } from './http.ts';
import { type LogLevel, levelIndex } from './levels.ts';

type Scalar = string | number | boolean | null;

/** What a message-less log's records are read by, learned once from its sample. */
export interface EventKeys {
  /** The keys that name the event (at most two), in the records' own key order. */
  names: string[];
  method?: string;
  path?: string;
  status?: string;
  duration?: { key: string; unitMs: number | undefined };
}

/** Share of the sample's records a learned key must fill (as `learnKeys`' keys must). */
const SHARE = 0.8;
/** Names per message: an event's source and its name (`s3.amazonaws.com GetObject`). */
const MAX_NAMES = 2;

const HTTP_METHODS = new Set([
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/** An identifier: a letter, then letters, digits and `. _ : / -` (no spaces, no `@`: an address or email). */
const IDENTIFIER = /^[A-Za-z][\w.:/-]{0,63}$/;
/**
 * A part of an identifier that numbers an instance (`repo-12`, `ip-10-0-1-5`, `us-east-1`, `Conflict.409`), or
 * a run of four digits (an account, an id): such a value names a thing, not an event.
 */
const INSTANCE = /(?:^|[./:_-])\d+(?:$|[./:_-])|-\d+$|\d{4}/;
/** Written as a name is in code: CamelCase inside the word, or `.`, `_`, `/` between letters. */
const STRUCTURED = /[a-z][A-Z]|[A-Za-z][._/][A-Za-z]/;
/** Short prose (Auth0's `description`: "Failed Login"): words with spaces. */
const PROSE = /^[A-Za-z][A-Za-z' ,.-]{2,79}$/;

/** The three kinds of naming value, best first: names as code writes them, prose, plain words. */
type Tier = 0 | 1 | 2;

interface Candidate {
  key: string;
  tier: Tier;
  distinct: number;
}

/** A key's name without its parents (`responsestatus.code` → `code`, `annotations.k8s.io/decision` → `decision`). */
function lastSegment(key: string): string {
  return key.slice(Math.max(key.lastIndexOf('.'), key.lastIndexOf('/')) + 1);
}

const STATUS_NAME = /(?:status|status_?code|response_?code)$/;
const DURATION_NAME =
  /^(?:duration|latency|elapsed|took|request_time|response_time|time_taken)(?:_?(ms|us|ns|s|sec|secs|seconds|millis))?$/;
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  millis: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  seconds: 1000,
  µs: 1e-3,
  μs: 1e-3,
  m: 60_000,
  min: 60_000,
};

/** A duration as written: a number, or text of a number and maybe a unit (logfmt's `duration=12ms`, `"0.123"`). */
const DURATION_TEXT = /^(\d{1,12}(?:\.\d{1,9})?) ?(ns|us|µs|μs|ms|s|sec|m|min)?$/;

interface WrittenDuration {
  n: number;
  unit: string | undefined;
  /** Written with a decimal point (`"1.0"` is seconds, as `http.ts` reads it). */
  fraction: boolean;
}

function durationValue(v: Scalar | undefined): WrittenDuration | undefined {
  if (typeof v === 'number')
    return Number.isFinite(v) && v >= 0
      ? { n: v, unit: undefined, fraction: !Number.isInteger(v) }
      : undefined;
  const m = typeof v === 'string' ? DURATION_TEXT.exec(v) : null;
  return m ? { n: Number(m[1]), unit: m[2], fraction: (m[1] as string).includes('.') } : undefined;
}

/** An HTTP status key: named for a status (`status`, `DownstreamStatus`, `response_code`, `responseStatus.code`). */
function statusNamed(key: string): boolean {
  return STATUS_NAME.test(lastSegment(key)) || key.endsWith('status.code');
}

const statusValue = (v: Scalar | undefined): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
};

const pathValue = (v: Scalar | undefined): boolean =>
  typeof v === 'string' && (v.startsWith('/') || v.startsWith('http://') || v.startsWith('https://'));

/** The first key (in the first record's order) whose values pass `ok` on 80% of the records, apart from `skip`. */
function keyWhere(
  records: readonly Map<string, Scalar>[],
  ok: (key: string, value: Scalar) => boolean,
  skip: ReadonlySet<string>,
): string | undefined {
  const counts = new Map<string, number>();
  for (const r of records)
    for (const [k, v] of r)
      if (!skip.has(k) && v !== null && ok(k, v)) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const [k, c] of counts) if (c >= SHARE * records.length) return k;
  return undefined;
}

/**
 * How many values a naming key may have among `n` records: a fifth of them and ten more (50 of 200), so a user,
 * an address or an id, which has about as many values as records, is none; a small sample (a pretty-printed
 * document's first 200 lines hold ten records) can only say that values repeat: 70% of it.
 */
const distinctLimit = (n: number): number => Math.max(2, Math.min(0.7 * n, 10 + n / 5));

/** The tier of a key's values, or undefined when they do not name events (too many, too few, not names). */
function tierOf(values: readonly string[], n: number): Candidate['tier'] | undefined {
  if (values.length < SHARE * n) return undefined;
  const distinct = new Set(values).size;
  if (distinct < 2 || distinct > distinctLimit(n)) return undefined;
  const share = (re: (v: string) => boolean): number => values.filter(re).length / values.length;
  if (share((v) => IDENTIFIER.test(v) && !INSTANCE.test(v)) >= 0.9)
    return share((v) => STRUCTURED.test(v)) >= 0.5 ? 0 : 2;
  return share((v) => PROSE.test(v) && v.includes(' ')) >= 0.9 ? 1 : undefined;
}

/**
 * The keys that name the event: string values on 80% of the records, identifier-like (`GetObject`,
 * `s3.amazonaws.com`, `user.session.start`, `get`) or short prose, 2 to n/4 distinct values (a constant names
 * nothing; a user, an address or an id has as many values as records). Written as names are in code
 * (CamelCase, dotted, snake_case) ranks first, then prose (Auth0's `description`), then plain words (`get`,
 * `pods`). Only keys of the best rank are taken, at most two, the key with more values first (an event's name
 * before its service's), in the records' order: a plain word beside a name in code is a user or a region
 * more often than a part of the event's name (GitHub's `actor` beside its `action`).
 */
function namingKeys(records: readonly Map<string, Scalar>[], skip: ReadonlySet<string>): string[] {
  const values = new Map<string, string[]>();
  for (const r of records)
    for (const [k, v] of r) {
      if (skip.has(k) || typeof v !== 'string' || v === '') continue;
      const list = values.get(k);
      if (list) list.push(v);
      else values.set(k, [v]);
    }
  const candidates: Candidate[] = [];
  for (const [key, list] of values) {
    const tier = tierOf(list, records.length);
    if (tier !== undefined) candidates.push({ key, tier, distinct: new Set(list).size });
  }
  candidates.sort((a, b) => a.tier - b.tier || b.distinct - a.distinct);
  const best = candidates[0]?.tier;
  const chosen = new Set(
    candidates
      .filter((c) => c.tier === best)
      .slice(0, MAX_NAMES)
      .map((c) => c.key),
  );
  return [...values.keys()].filter((k) => chosen.has(k));
}

/**
 * A duration key, with the unit its name says (`latency_ms`), else the unit a value's form says (a fraction
 * seconds, a whole number milliseconds, as in `http.ts`), except whole numbers whose sample median is 1e6 or
 * more: nanoseconds (Traefik's `Duration`, Go's `time.Duration` marshalled as a number): a request of 1e6 ms
 * (17 minutes) is rarer than one above 1 ms, and microseconds would put the median request above a second.
 */
function durationKey(
  records: readonly Map<string, Scalar>[],
  skip: ReadonlySet<string>,
): EventKeys['duration'] {
  const key = keyWhere(
    records,
    (k, v) => DURATION_NAME.test(lastSegment(k)) && durationValue(v) !== undefined,
    skip,
  );
  if (key === undefined) return undefined;
  const named = DURATION_NAME.exec(lastSegment(key))?.[1];
  if (named) return { key, unitMs: UNIT_MS[named] };
  const values: number[] = [];
  for (const r of records) {
    const d = durationValue(r.get(key));
    if (d && d.unit === undefined) values.push(d.fraction ? Number.NaN : d.n);
  }
  values.sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)] ?? 0;
  const nanoseconds = median >= 1e6 && values.every(Number.isInteger);
  return { key, unitMs: nanoseconds ? 1e-6 : undefined };
}

/**
 * The keys a message-less log's records are read by, or undefined when neither a naming key nor a request is
 * found (the message stays the flattened fields). `taken`: the keys read already (time, level, component, host).
 */
export function learnEventKeys(
  records: readonly Map<string, Scalar>[],
  taken: ReadonlySet<string>,
): EventKeys | undefined {
  if (records.length === 0) return undefined;
  const skip = new Set(taken);
  const method = keyWhere(records, (_k, v) => typeof v === 'string' && HTTP_METHODS.has(v), skip);
  if (method) skip.add(method);
  const path = method
    ? (keyWhere(records, (_k, v) => typeof v === 'string' && v.startsWith('/'), skip) ??
      keyWhere(records, (_k, v) => pathValue(v), skip))
    : undefined;
  if (path) skip.add(path);
  const status = keyWhere(records, (k, v) => statusNamed(k) && statusValue(v) !== undefined, skip);
  if (status) skip.add(status);
  const duration = method && path ? durationKey(records, skip) : undefined;
  const names = namingKeys(records, skip);
  if (names.length === 0 && !(method && path)) return undefined;
  const keys: EventKeys = { names };
  if (method && path) Object.assign(keys, { method, path });
  if (status) keys.status = status;
  if (duration) keys.duration = duration;
  return keys;
}

/** Milliseconds: the unit written with the value, else the key's, else a fraction is seconds, a whole number ms. */
function durationMs(d: WrittenDuration, keyUnitMs: number | undefined): number {
  const written = d.unit === undefined ? undefined : UNIT_MS[d.unit];
  if (written !== undefined) return d.n * written;
  if (keyUnitMs !== undefined) return d.n * keyUnitMs;
  return d.fraction ? d.n * 1000 : d.n;
}

/** The request a record states field by field, when the log has method and path keys. */
export function recordRequest(record: Map<string, Scalar>, keys: EventKeys): HttpRequest | undefined {
  if (keys.method === undefined || keys.path === undefined) return undefined;
  const method = record.get(keys.method);
  const written = record.get(keys.path);
  if (typeof method !== 'string' || !HTTP_METHODS.has(method) || !pathValue(written)) return undefined;
  const full = String(written);
  const query = full.indexOf('?');
  let path = query >= 0 ? full.slice(0, query) : full;
  if (path.startsWith('http')) path = path.replace(/^https?:\/\/[^/]*/, '') || '/';
  const request: HttpRequest = { method, path };
  const status = keys.status === undefined ? undefined : statusValue(record.get(keys.status));
  if (status !== undefined) request.status = status;
  if (keys.duration) {
    const d = durationValue(record.get(keys.duration.key));
    if (d) request.durationMs = durationMs(d, keys.duration.unitMs);
  }
  return request;
}

/** The message of a record: its naming values, then its request (`GET /api/items/7 -> 502`). */
export function eventMessage(record: Map<string, Scalar>, keys: EventKeys, request?: HttpRequest): string {
  const parts: string[] = [];
  for (const key of keys.names) {
    const v = record.get(key);
    if (typeof v === 'string' && v !== '') parts.push(v);
  }
  if (request) {
    const written = String(record.get(keys.path ?? '') ?? request.path);
    parts.push(`${request.method} ${written}`);
    if (request.status !== undefined) parts.push(`-> ${request.status}`);
  }
  return parts.join(' ');
}

/** How the layout's description names them: `message from eventsource+eventname, request requestmethod …`. */
export function eventDescription(keys: EventKeys): string {
  const parts: string[] = [];
  if (keys.names.length > 0) parts.push(`message from ${keys.names.join('+')}`);
  if (keys.method !== undefined && keys.path !== undefined) parts.push(`request ${keys.method} ${keys.path}`);
  if (keys.status !== undefined) parts.push(`status ${keys.status}`);
  if (keys.duration !== undefined) parts.push(`duration ${keys.duration.key}`);
  return parts.join(', ');
}

const ERROR_KEYS = new Set(['errorcode', 'error_code', 'errortype', 'error_type', 'error', 'err']);
const OUTCOME_KEYS = new Set(['result', 'outcome', 'resulttype', 'result_type', 'status']);
const ACTION_KEYS = new Set(['action', 'decision', 'disposition']);
/** Values of an error key that say there was none. */
const NO_ERROR = new Set(['', '0', 'none', 'null', 'ok', 'success', 'false', '-']);
const FAILED = new Set([
  'failure',
  'failed',
  'fail',
  'error',
  'denied',
  'forbidden',
  'unauthorized',
  'timeout',
]);
const BLOCKED = new Set(['block', 'blocked', 'reject', 'rejected', 'deny', 'drop', 'dropped', 'forbid']);

/**
 * How a record says its event ended, as a level: an error key with a value (`errorCode: AccessDenied`), or an
 * outcome of failure (`outcome.result: FAILURE`, `resultType: Failure`), is an ERROR; a request refused by a
 * policy (`action: BLOCK`/`REJECT`, Kubernetes' `decision: forbid`) a WARN: the firewall did its job; an HTTP
 * status under a status key, when the record holds no request (an audit log's `responseStatus.code`), 5xx an
 * ERROR, 401 and 403 (refused) a WARN; other 4xx say nothing (Kubernetes' controllers read objects that are
 * not there, 404, and lose races, 409, all day). Records with a request leave their status to the HTTP
 * statistics, as access logs do.
 */
export function outcomeLevel(
  record: Map<string, Scalar>,
  keys: EventKeys,
  request: HttpRequest | undefined,
): LogLevel | undefined {
  let level: LogLevel | undefined;
  for (const [key, v] of record) {
    if (v === null || typeof v === 'number') continue;
    const name = lastSegment(key);
    const text = String(v).toLowerCase();
    if ((ERROR_KEYS.has(name) && !NO_ERROR.has(text)) || (OUTCOME_KEYS.has(name) && FAILED.has(text)))
      return 'ERROR';
    if (ACTION_KEYS.has(name) && BLOCKED.has(text)) level = 'WARN';
  }
  const status = !request && keys.status !== undefined ? statusValue(record.get(keys.status)) : undefined;
  if (status !== undefined && status >= 500) return 'ERROR';
  if (status === 401 || status === 403) level = 'WARN';
  return level;
}

/** The more severe of a written level and an outcome's (UNKNOWN is below every level). */
export function severer(written: LogLevel | undefined, outcome: LogLevel | undefined): LogLevel | undefined {
  if (outcome === undefined) return written;
  if (written === undefined || written === 'UNKNOWN') return outcome;
  return levelIndex(outcome) > levelIndex(written) ? outcome : written;
}
