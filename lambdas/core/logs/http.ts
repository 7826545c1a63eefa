/**
 * HTTP awareness (issue 14, deliverable 4): in access-log-like messages the method, path, status and
 * duration are recognised, so the summary can say how each endpoint answered (2xx/3xx/4xx/5xx) and how
 * fast (p50/p95/p99), instead of a status code disappearing into `<NUM>`.
 *
 * Recognition is by shape, for any server: a request is an HTTP method followed by a path (`GET /x`,
 * `"POST /api/v1/orders HTTP/1.1"`); the status is a `status`/`code` key or the first 3-digit number right
 * after the request (combined log format); the duration is a `time`/`duration`/`latency`/`took` value with
 * its unit, `in 45 ms`, or the trailing decimal seconds of an access line (nginx `$request_time`). Values
 * without a unit and with a decimal point are seconds, whole numbers milliseconds.
 */
import { QuantileSketch } from './quantiles.ts';

export interface HttpRequest {
  method: string;
  /** The path as written, without the query string. */
  path: string;
  status?: number;
  durationMs?: number;
}

const METHOD =
  /(?:^|[\s"'[(])(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE|PROPFIND)\s+["']?(\/[^\s"'?]{0,2048}|https?:\/\/[^\s"']{1,2048})([^\s"']{0,2048})(?:\s+HTTP\/\d(?:\.\d)?)?["']?/;
const STATUS_KEY =
  /\b(?:status|status_code|statuscode|http_status|response_code|resp_code|code)["']?\s{0,2}[=:]\s{0,2}["']?([1-5]\d\d)(?![\w.])/i;
const STATUS_AFTER = /^\s{1,4}(?:->\s{0,2}|returned\s+|status\s+)?([1-5]\d\d)(?![\w.:])/;
/**
 * A duration written after one of `keys` (`duration=12`, `took: 5ms`, `"latency_ms": 7`), the key joined to
 * its value by `joiner`: group 1 a unit in the key, 2 the number, 3 a unit after it.
 */
function durationField(keys: string, joiner: string): RegExp {
  return new RegExp(
    `\\b(?:${keys})(?:_?(ms|us|ns|s|sec|secs|seconds|millis))?["']?\\s{0,2}${joiner}\\s{0,2}["']?(\\d{1,9}(?:\\.\\d{1,9})?)\\s{0,1}(ms|msec|millis|milliseconds|s|sec|secs|seconds|us|µs|μs|ns|m|min)?(?![\\w.:/-])`,
    'i',
  );
}

// A value that goes on with `-`, `:` or `/` is a date or a clock time (`"time":"2024-05-01T10:00:00Z"`), not
// a duration.
const DURATION_KEY = durationField(
  'request_time|response_time|upstream_response_time|duration|latency|elapsed|took|time_taken|rt|time|dur',
  '[=:]?',
);
/**
 * A duration written as a field, outside any request (`Duration: 12.34 ms`, a Lambda REPORT line; `took=5ms`,
 * `elapsed: 1.2s`): the keys of `DURATION_KEY` that say duration, without `time`, `rt` and `dur`, which name
 * other things as often, and with their `:` or `=`. Prose ("Took 19.7 seconds to spawn the instance") is not
 * read: its numbers are the template's values already.
 */
const NAMED_DURATION = durationField(
  'request_time|response_time|duration|latency|elapsed|took|time_taken',
  '[=:]',
);
const DURATION_IN = /\bin\s(\d{1,9}(?:\.\d{1,9})?)\s{0,1}(ms|msec|milliseconds|s|sec|seconds|us|µs|μs)\b/i;
const TRAILING_SECONDS = /\s(\d{1,6}\.\d{1,6})\s*$/;
const DURATION_UNIT = /(?:^|[\s(])(\d{1,9}(?:\.\d{1,9})?)\s?(ms|msec|us|µs|μs|s|sec)(?![\w.])/;
const METHOD_PAIR =
  /\b(?:method|http_method|verb)["']?\s{0,2}[=:]\s{0,2}["']?(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\b/i;
const PATH_PAIR =
  /\b(?:path|uri|url|route|request_uri)["']?\s{0,2}[=:]\s{0,2}["']?((?:https?:\/\/[^\s"'/]{1,256})?\/[^\s"'?]{0,2048})/i;

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  msec: 1,
  millis: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
};

function durationOf(value: string, unit: string | undefined): number {
  const n = Number(value);
  if (unit) return n * (UNIT_MS[unit.toLowerCase()] ?? 1);
  return value.includes('.') ? n * 1000 : n;
}

/** The first duration a message names by a key (`Duration: 12.34 ms`), in milliseconds; undefined otherwise. */
export function namedDuration(message: string): number | undefined {
  if (message.length > 16_384) return undefined;
  const m = NAMED_DURATION.exec(message);
  return m ? durationOf(m[2] as string, m[3] ?? m[1]) : undefined;
}

/** A cheap test before the regular expressions: a request has a path after a space or quote, or a method key. */
const mayHoldRequest = (m: string): boolean =>
  m.includes(' /') || m.includes('"/') || m.includes('://') || m.includes('ethod');

/** Method, path and the text around them: a request line (`GET /x HTTP/1.1`) or `method=… path=…` pairs. */
function requestOf(
  message: string,
): { method: string; path: string; before: string; rest: string } | undefined {
  const m = METHOD.exec(message);
  if (m) {
    const rest = message.slice(m.index + m[0].length);
    return { method: m[1] as string, path: m[2] as string, before: message.slice(0, m.index), rest };
  }
  const method = METHOD_PAIR.exec(message);
  const path = method ? PATH_PAIR.exec(message) : null;
  if (!method || !path) return undefined;
  return { method: (method[1] as string).toUpperCase(), path: path[1] as string, before: '', rest: message };
}

/**
 * Load balancers (HAProxy) write the status before the request line, among timers and byte counts: there
 * only a standalone token that is a common status code counts, so a pid or a size is not read as one.
 */
const COMMON_STATUS = new Set([
  200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 408, 409, 410, 413, 415,
  422, 429, 499, 500, 501, 502, 503, 504,
]);
export function statusBefore(before: string): string | undefined {
  for (const token of before.split(/\s+/)) {
    if (token.length === 3 && COMMON_STATUS.has(Number(token))) return token;
  }
  return undefined;
}

/** The request in one message, or undefined when it carries none. Cheap for messages without a method. */
export function parseHttp(message: string): HttpRequest | undefined {
  if (message.length > 16_384 || !mayHoldRequest(message)) return undefined;
  const request = requestOf(message);
  if (!request) return undefined;
  const { method, rest } = request;
  let path = request.path;
  if (path.startsWith('http')) path = path.replace(/^https?:\/\/[^/]*/, '') || '/';
  const out: HttpRequest = { method, path };
  const status =
    STATUS_KEY.exec(message)?.[1] ?? STATUS_AFTER.exec(rest)?.[1] ?? statusBefore(request.before);
  if (status !== undefined) out.status = Number(status);
  // `latency_ms=12`, `duration: 1.5s`: the unit may be on the key or on the value.
  const keyed = DURATION_KEY.exec(rest);
  const plain = keyed ? null : (DURATION_IN.exec(rest) ?? DURATION_UNIT.exec(rest));
  if (keyed) out.durationMs = durationOf(keyed[2] as string, keyed[3] ?? keyed[1]);
  else if (plain) out.durationMs = durationOf(plain[1] as string, plain[2]);
  else if (status !== undefined) {
    const trailing = TRAILING_SECONDS.exec(rest);
    if (trailing) out.durationMs = durationOf(trailing[1] as string, undefined);
  }
  return out;
}

/**
 * The endpoint a path belongs to: segments that are values (numbers, ids, hashes, UUIDs, pseudonyms) become
 * `{id}`, at most 8 segments are kept. `/v2/54fadb41…/servers/detail` → `/v2/{id}/servers/detail`.
 */
export function endpointOf(method: string, path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length && out.length < 8; i++) {
    const s = segments[i] as string;
    out.push(isValueSegment(s) ? '{id}' : s.length > 40 ? `${s.slice(0, 39)}…` : s);
  }
  const more = segments.length - 1 > out.length ? '/…' : '';
  return `${method} /${out.join('/')}${more}`;
}

function isValueSegment(s: string): boolean {
  if (s.length === 0) return false;
  if (s.startsWith('<') && s.endsWith('>')) return true;
  let digits = 0;
  let hex = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) hex++;
  }
  if (digits === s.length) return true;
  if (s.length >= 8 && digits > 0 && digits + hex + (s.match(/-/g)?.length ?? 0) === s.length) return true;
  // short words with a digit are names (`v2`, `s3`, `oauth2`); longer ones are ids (`user1234`, `ord-77f`)
  return digits > 0 && s.length > 6 && digits / s.length >= 0.25;
}

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export interface LatencyPercentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface EndpointSummary {
  endpoint: string;
  requests: number;
  statusClasses: Partial<Record<StatusClass, number>>;
  /** Requests with a 5xx status divided by requests with a status (0..1). */
  errorRate: number;
  /** Milliseconds, 1% relative accuracy; absent when no request carried a duration. */
  latencyMs?: LatencyPercentiles;
}

export interface HttpSummary {
  requests: number;
  statusClasses: Partial<Record<StatusClass, number>>;
  /** Most frequent status codes, e.g. `{ code: 503, count: 40 }`. */
  statusCodes: { code: number; count: number }[];
  latencyMs?: LatencyPercentiles;
  /** Endpoints by requests; the 5xx-heaviest are kept even when less busy. */
  endpoints: EndpointSummary[];
  /** Requests whose endpoint was not tracked (past the endpoint cap). */
  otherEndpointRequests: number;
}

/** Percentiles of a sketch, rounded as the summary gives them; undefined when it is empty. */
export function percentilesOf(s: QuantileSketch | undefined): LatencyPercentiles | undefined {
  if (!s || s.count === 0) return undefined;
  const q = (p: number) => round(s.quantile(p));
  return { count: s.count, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: round(s.max) };
}

class Tally {
  requests = 0;
  withStatus = 0;
  readonly classes = [0, 0, 0, 0, 0];
  latency: QuantileSketch | undefined;

  add(request: HttpRequest): void {
    this.requests++;
    if (request.status !== undefined) {
      this.withStatus++;
      const k = Math.floor(request.status / 100) - 1;
      this.classes[k] = (this.classes[k] as number) + 1;
    }
    const d = request.durationMs;
    if (d !== undefined && Number.isFinite(d) && d >= 0) {
      if (!this.latency) this.latency = new QuantileSketch(0.01);
      this.latency.add(d);
    }
  }

  classCounts(): Partial<Record<StatusClass, number>> {
    const out: Partial<Record<StatusClass, number>> = {};
    STATUS_CLASSES.forEach((c, i) => {
      const n = this.classes[i] as number;
      if (n > 0) out[c] = n;
    });
    return out;
  }

  percentiles(): LatencyPercentiles | undefined {
    return percentilesOf(this.latency);
  }
}

const round = (ms: number): number => (ms >= 100 ? Math.round(ms) : Math.round(ms * 100) / 100);

/** Running HTTP statistics of one log; bounded (`maxEndpoints` endpoints, one sketch each). */
export class HttpStats {
  private readonly all = new Tally();
  private readonly endpoints = new Map<string, Tally>();
  private readonly codes = new Map<number, number>();
  private other = 0;
  constructor(private readonly maxEndpoints = 200) {}

  get requests(): number {
    return this.all.requests;
  }

  /** Counts one request; returns its endpoint (`GET /api/orders/{id}`). */
  add(request: HttpRequest): string {
    this.all.add(request);
    if (request.status !== undefined)
      this.codes.set(request.status, (this.codes.get(request.status) ?? 0) + 1);
    const key = endpointOf(request.method, request.path);
    let tally = this.endpoints.get(key);
    if (!tally) {
      if (this.endpoints.size >= this.maxEndpoints) {
        this.other++;
        return key;
      }
      tally = new Tally();
      this.endpoints.set(key, tally);
    }
    tally.add(request);
    return key;
  }

  summary(limit: number): HttpSummary | null {
    if (this.all.requests === 0) return null;
    const fives = (t: Tally) => t.classes[4] as number;
    const entries = [...this.endpoints];
    const busiest = entries.sort((a, b) => b[1].requests - a[1].requests).slice(0, limit);
    const failing = entries
      .filter(([, t]) => fives(t) > 0)
      .sort((a, b) => fives(b[1]) - fives(a[1]))
      .slice(0, Math.max(1, Math.floor(limit / 2)));
    const chosen = new Map([...busiest, ...failing]);
    const out: HttpSummary = {
      requests: this.all.requests,
      statusClasses: this.all.classCounts(),
      statusCodes: [...this.codes]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 10)
        .map(([code, count]) => ({ code, count })),
      endpoints: [...chosen].map(([endpoint, t]) => endpointSummary(endpoint, t)),
      otherEndpointRequests: this.other,
    };
    const latency = this.all.percentiles();
    if (latency) out.latencyMs = latency;
    return out;
  }
}

function endpointSummary(endpoint: string, t: Tally): EndpointSummary {
  const e: EndpointSummary = {
    endpoint,
    requests: t.requests,
    statusClasses: t.classCounts(),
    errorRate: t.withStatus > 0 ? Math.round(((t.classes[4] as number) / t.withStatus) * 10_000) / 10_000 : 0,
  };
  const latency = t.percentiles();
  if (latency) e.latencyMs = latency;
  return e;
}
