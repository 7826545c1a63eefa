/**
 * The fields of a JSON or logfmt line that an engineer reads beside its message: errors, exceptions and
 * stacks first, then the HTTP status, method and path, then ids that lead to other systems (trace, request,
 * correlation ids). Written compactly (`status=503 method=POST path=/api/checkout error="ECONNREFUSED …"`)
 * and bounded. Only called for the few lines quoted (samples, first errors), never per line: it parses the
 * line once more. The caller redacts the result with the entry's redactor, like the message.
 */
import { MESSAGE_KEYS, parseJsonObject, parseLogfmt, type Scalar } from './header.ts';

/** Characters of one value, and of the whole detail. */
const VALUE_CHARS = 160;
export const DETAIL_CHARS = 300;

const ERROR_KEY =
  /(?:^|[._])(?:err|error|errors|exception|exc|exc_info|stack|stacktrace|stack_trace|panic|reason|cause)(?:[._](?:message|msg|type|kind|class|name|code|detail|details|stack|stacktrace|stack_trace))?$/;
const STATUS_KEY =
  /^(?:status|status_code|statuscode|http_status|http_status_code|http\.status|http\.status_code|http\.response\.status_code|response\.status|response\.status_code|res\.status|res\.statuscode)$/;
const METHOD_KEY = /^(?:method|http_method|request_method|http\.method|http\.request\.method|req\.method)$/;
const PATH_KEY =
  /^(?:path|url|uri|request_uri|request_path|route|endpoint|request|http\.path|http\.url|http\.target|http\.route|url\.path|url\.original|req\.url|req\.path)$/;
const ID_KEY = /(?:^|[._])(?:trace|request|req|correlation|span|transaction|txn)[._-]?id$/;
const RANKS = [ERROR_KEY, STATUS_KEY, METHOD_KEY, PATH_KEY, ID_KEY];

function rankOf(key: string): number {
  for (let i = 0; i < RANKS.length; i++) if ((RANKS[i] as RegExp).test(key)) return i;
  return -1;
}

/** A value as written: white space (a stack's line breaks) folded, cut, quoted when it holds a space. */
function written(value: Scalar): string {
  let text = String(value).replace(/\s+/g, ' ').trim();
  if (text.length > VALUE_CHARS) text = `${text.slice(0, VALUE_CHARS - 1)}…`;
  return /[\s"=]/.test(text) ? JSON.stringify(text) : text;
}

/** Values that say nothing (an `error: false`, an empty `stack`). */
const empty = (value: Scalar): boolean =>
  value === null || value === false || value === '' || (typeof value === 'string' && value.trim() === '');

/**
 * The informative fields of a structured line as `key=value …`, or '' when it has none, is not a record of
 * `kind`, or has no message key (its message is then made of all its keys already).
 */
export function structuredDetail(line: string, kind: 'json' | 'logfmt'): string {
  const trimmed = line.trim();
  const record = kind === 'json' ? parseJsonObject(trimmed) : parseLogfmt(trimmed);
  if (!record || !MESSAGE_KEYS.some((k) => record.has(k))) return '';
  const picked: { rank: number; text: string }[] = [];
  for (const [key, value] of record) {
    if (empty(value) || MESSAGE_KEYS.includes(key)) continue;
    const rank = rankOf(key);
    if (rank >= 0) picked.push({ rank, text: `${key}=${written(value)}` });
  }
  // A stable sort: within a rank, the line's own order.
  picked.sort((a, b) => a.rank - b.rank);
  let out = '';
  for (const p of picked) {
    const next = out ? `${out} ${p.text}` : p.text;
    if (next.length > DETAIL_CHARS) return out || `${next.slice(0, DETAIL_CHARS - 1)}…`;
    out = next;
  }
  return out;
}

/** A message and the detail of its line, as samples and first errors quote them. */
export const withDetail = (message: string, detail: string): string =>
  detail ? `${message} · ${detail}` : message;
