/** Severity levels, normalised from the many spellings found in log headers. */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'NOTICE' | 'WARN' | 'ERROR' | 'FATAL' | 'UNKNOWN';

export const LOG_LEVELS: readonly LogLevel[] = [
  'TRACE',
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARN',
  'ERROR',
  'FATAL',
  'UNKNOWN',
];

/** Index of a level in `LOG_LEVELS`, used for compact per-template counters. */
const LEVEL_INDEX: Record<LogLevel, number> = Object.fromEntries(LOG_LEVELS.map((l, i) => [l, i])) as Record<
  LogLevel,
  number
>;
export const levelIndex = (level: LogLevel): number => LEVEL_INDEX[level];

const WORDS: Record<string, LogLevel> = {
  trace: 'TRACE',
  // .NET's console logger writes four letters: `trce`, `dbug`, `info`, `warn`, `fail`, `crit`.
  trce: 'TRACE',
  finest: 'TRACE',
  finer: 'TRACE',
  verbose: 'TRACE',
  debug: 'DEBUG',
  dbg: 'DEBUG',
  dbug: 'DEBUG',
  fine: 'DEBUG',
  config: 'DEBUG',
  info: 'INFO',
  information: 'INFO',
  informational: 'INFO',
  notice: 'NOTICE',
  // MySQL's informational level (`[Note]`), beside its `[Warning]` and `[ERROR]`.
  note: 'NOTICE',
  warn: 'WARN',
  warning: 'WARN',
  error: 'ERROR',
  err: 'ERROR',
  severe: 'ERROR',
  failure: 'ERROR',
  fail: 'ERROR',
  fatal: 'FATAL',
  critical: 'FATAL',
  crit: 'FATAL',
  alert: 'FATAL',
  emerg: 'FATAL',
  emergency: 'FATAL',
  panic: 'FATAL',
};

/** Android/klog single-letter levels; only trusted when a whole header column agrees (see header.ts). */
const LETTERS: Record<string, LogLevel> = {
  V: 'TRACE',
  D: 'DEBUG',
  I: 'INFO',
  W: 'WARN',
  E: 'ERROR',
  F: 'FATAL',
};

/** A level word (any case, optionally wrapped in `[]`/`<>` or ending with `:`/`,`), or undefined. */
export function parseLevelWord(field: string): LogLevel | undefined {
  // No level word is longer (`levelWord`); component columns (`com.apple.xpc.launchd[1]:`) mostly are, and
  // vary too much to be worth caching.
  if (field.length > MAX_LEVEL_FIELD) return undefined;
  // A log uses a handful of level words: comparing with the last few is cheaper than hashing.
  for (let i = 0; i < RECENT; i++) if (recentFields[i] === field) return recentLevels[i];
  const level = cachedLevel(field);
  recentFields[next] = field;
  recentLevels[next] = level;
  next = (next + 1) % RECENT;
  return level;
}

const RECENT = 4;
const recentFields: string[] = ['', '', '', ''];
const recentLevels: (LogLevel | undefined)[] = [undefined, undefined, undefined, undefined];
let next = 0;

function cachedLevel(field: string): LogLevel | undefined {
  // No level word has a digit; fields that do (`ftpd[24486]:`, a component checked for not being a level)
  // mostly differ from line to line and would only churn the cache.
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c >= 48 && c <= 57) return undefined;
  }
  const cached = LEVEL_CACHE.get(field);
  if (cached !== undefined) return cached === null ? undefined : cached;
  const level = levelWord(field);
  // Header columns repeat a handful of values; the cache is dropped when it fills.
  if (LEVEL_CACHE.size >= 1024) LEVEL_CACHE.clear();
  LEVEL_CACHE.set(field, level ?? null);
  return level;
}

const LEVEL_CACHE = new Map<string, LogLevel | null>();

const MAX_LEVEL_FIELD = 16;

function levelWord(field: string): LogLevel | undefined {
  let s = field;
  if (s.length > MAX_LEVEL_FIELD) return undefined;
  const bracketed = s.startsWith('[') && s.endsWith(']');
  if (bracketed || (s.startsWith('<') && s.endsWith('>'))) s = s.slice(1, -1);
  if (s.endsWith(':') || s.endsWith(',')) s = s.slice(0, -1);
  s = s.trim();
  if (s.length < 3) return undefined;
  const lower = s.toLowerCase();
  // MySQL 8's `[System]`, beside its `[Note]`, `[Warning]` and `[ERROR]` (start, shutdown, ready for
  // connections); a bare "system" is a word.
  if (bracketed && lower === 'system') return 'NOTICE';
  return WORDS[lower];
}

export const parseLevelLetter = (field: string): LogLevel | undefined =>
  field.length === 1 ? LETTERS[field] : undefined;

/**
 * Redis's level marks (`serverLog`: `.` debug, `-` verbose, `*` notice, `#` warning), in its order. Only read
 * from a header column the layout learned to hold them (header.ts): a `*` elsewhere is text.
 */
const MARKS: Record<string, LogLevel> = { '.': 'DEBUG', '-': 'INFO', '*': 'NOTICE', '#': 'WARN' };

export const parseLevelMark = (field: string): LogLevel | undefined =>
  field.length === 1 ? MARKS[field] : undefined;

/**
 * The level written as the last word inside a bracket after other fields, alone or with the process after a
 * `/` (Celery: `[2024-05-01 10:00:00,123: ERROR/ForkPoolWorker-2]`), and that process; or, in a bracket with
 * no space, after the module and a `:` (Apache 2.4's error log: `[proxy:error]`), and that module; undefined
 * otherwise.
 */
export function bracketLevel(text: string): { level: LogLevel; name: string | undefined } | undefined {
  if (text.charCodeAt(0) !== 91) return undefined;
  const close = text.lastIndexOf(']');
  if (close < 0) return undefined;
  const space = text.lastIndexOf(' ', close);
  if (space < 0) {
    const colon = text.lastIndexOf(':', close);
    if (colon < 2) return undefined;
    const level = parseLevelWord(text.slice(colon + 1, close));
    return level === undefined ? undefined : { level, name: text.slice(1, colon) };
  }
  const last = text.slice(space + 1, close);
  const slash = last.indexOf('/');
  const level = parseLevelWord(slash < 0 ? last : last.slice(0, slash));
  if (level === undefined) return undefined;
  return { level, name: slash < 0 || slash === last.length - 1 ? undefined : last.slice(slash + 1) };
}

/**
 * Cisco's message tag, `%FACILITY-SEVERITY-MNEMONIC:` (IOS `%LINK-3-UPDOWN:`, ASA `%ASA-4-106023:`, NX-OS
 * `%ETHPORT-5-IF_UP:`, IOS XR `%PKT_INFRA-LINK-3-UPDOWN:`; Arista's EOS writes the same): the severity is the
 * syslog one, 0–7. Undefined for any other text.
 */
const MESSAGE_TAG = /^%[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*-([0-7])-[A-Z0-9_]+:?$/;

export function messageTagSeverity(text: string): LogLevel | undefined {
  if (text.charCodeAt(0) !== 37) return undefined;
  const m = MESSAGE_TAG.exec(text);
  return m ? SEVERITIES[Number(m[1])] : undefined;
}

/**
 * Monolog's `channel.LEVEL:` (its line formatter's `[%datetime%] %channel%.%level_name%: %message%`, what Laravel,
 * Symfony and most PHP applications write): the level, in capitals as Monolog writes it, and the channel.
 */
export function channelLevel(text: string): { level: LogLevel; name: string } | undefined {
  if (!text.endsWith(':')) return undefined;
  const dot = text.lastIndexOf('.');
  if (dot < 1) return undefined;
  const word = text.slice(dot + 1, -1);
  if (word.length < 3 || word !== word.toUpperCase()) return undefined;
  const level = parseLevelWord(word);
  return level === undefined ? undefined : { level, name: text.slice(0, dot) };
}

/** Any level spelling including single letters: used for explicit formats and structured fields. */
export function normaliseLevel(value: string): LogLevel {
  return (
    parseLevelWord(value) ??
    parseLevelLetter(value.trim().toUpperCase()) ??
    syslogSeverity(value) ??
    'UNKNOWN'
  );
}

/**
 * A level written as a number in a structured record: pino's and bunyan's scale (10 trace, 20 debug, 30 info,
 * 40 warn, 50 error, 60 fatal: every Node logger built on either), or a syslog severity 0–7 (GELF). Any other
 * number is no level.
 */
export function numericLevel(value: string | number): LogLevel | undefined {
  const n = typeof value === 'number' ? value : /^\d{1,2}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n)) return undefined;
  if (n >= 0 && n <= 7) return SEVERITIES[n];
  return n >= 10 && n <= 60 && n % 10 === 0 ? NUMERIC_LEVELS[n / 10 - 1] : undefined;
}

const NUMERIC_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** RFC 5424's severities 0–7 (emergency … debug), the priority's remainder by 8. */
const SEVERITIES: readonly LogLevel[] = [
  'FATAL',
  'FATAL',
  'FATAL',
  'ERROR',
  'WARN',
  'NOTICE',
  'INFO',
  'DEBUG',
];

/** The severity of a syslog priority (`<34>1`: facility 4, severity 2, critical); undefined otherwise. */
function syslogSeverity(value: string): LogLevel | undefined {
  const m = /^<(\d{1,3})>\d{0,2}$/.exec(value);
  if (!m) return undefined;
  const pri = Number(m[1]);
  return pri > 191 ? undefined : SEVERITIES[pri % 8];
}

const ERROR_HINT =
  /\b(error|errors|fail|failed|failure|fatal|exception|panic|refused|denied|unable|cannot|can't|couldn't|could not|timed out|timeout|abort(ed)?|crash(ed)?|corrupt(ed)?|unreachable|invalid)\b/i;
/**
 * A CamelCase name of a failed state, as Kubernetes writes its event reasons and container states and Go its
 * sentinel errors: starting with `Failed` (`FailedScheduling`, `FailedMount`, .NET's and Java's
 * `FailedToConnect`) or Go's `Err` (`ErrImagePull`, `ErrNotFound`), or ending in `BackOff` (`CrashLoopBackOff`,
 * `ImagePullBackOff`, `BackOff`), `Killed` (`OOMKilled`) or `Unhealthy`. Case-sensitive; not inside a longer
 * word (`sendSyncFailedBroadcast`), not a counter (`FailedLogins=3`), and not a name in code, followed by `{`,
 * `(`, `[`, `<` or `.name` (Spring's `ExponentialBackOff{initialInterval=…}`). Other prefixes name things more
 * often than failures (`ErrorHandler`, `CrashReporter`), so they are left out, as is `Evicted` (a cache's
 * "Evicted 3 entries"; a Kubernetes event with it is a `Warning` already).
 */
const FAILURE_NAME =
  /\b(?:(?:Failed|Err)[A-Z][A-Za-z]*|(?:[A-Z][A-Za-z]*)?(?:BackOff|Unhealthy)|[A-Z][A-Za-z]*Killed)\b(?![{(<[]|\.\w|\s*[=:]\s*(?:\d|<NUM>))/;
const WARN_HINT =
  /\b(warn|warning|deprecated|retry(ing)?|slow|degraded|not found|unknown|unexpected|dropp(ed|ing))\b/i;

/**
 * Severity guessed from template text, for sources whose header carries no level (syslog, macOS). Only used
 * when a template has no header level at all, and reported as inferred.
 */
export function inferLevel(text: string): LogLevel | undefined {
  // A message that opens with its own level ("warning: can't get client address") says what it is.
  const lead = levelNearStart(text, 1);
  if (lead !== 'UNKNOWN') return lead === 'FATAL' ? 'ERROR' : lead;
  if (ERROR_HINT.test(text) && ERROR_HINT.test(text.replace(ERROR_COUNTER, ' '))) return 'ERROR';
  if (FAILURE_NAME.test(text)) return 'ERROR';
  if (WARN_HINT.test(text)) return 'WARN';
  return undefined;
}

/**
 * A counter is no error event: "errors=0", "currentActionErrors=<NUM>", "with 0 errors" (a
 * status line's tally; the template of such lines has `<NUM>` where the lines have numbers, and both must
 * agree), nor is "no failures", nor a failure word as the key of a number (`failed=0`, `unreachable=0`,
 * `timeout=10`: Ansible's `PLAY RECAP` tallies, a setting). A singular key with a code ("error=500"), "failed: 50" (an errno) and a
 * counter beside other error words ("job failed with 3 errors") still are.
 */
const ERROR_COUNTER =
  /[\w.-]*(?:errors|failures|error_?count|failure_?count)[\w.-]*\s*[=:]\s*(?:\d+|<NUM>)(?![\w.])|(?:^|\s)[\w.-]*(?:failed|unreachable|timeout|refused|denied|aborted|crashed|invalid)\s*=\s*(?:\d+|<NUM>)(?![\w.])|(?:^|\s)(?:\d+|<NUM>|no|zero)\s+(?:errors?|failures?)\b/gi;

/** Words before which a level word must come to count on a line of an unknown layout. */
const NEAR_START_WORDS = 6;

/**
 * A level word written as levels are, in capitals or as a label (`ERROR`, `[warn]`, `<warn>`, `warning:`);
 * a lower-case "error" is prose, not a level.
 */
export function writtenLevel(word: string): LogLevel | undefined {
  const labelled = word.endsWith(':') || word.startsWith('[') || word.startsWith('<');
  return labelled || word === word.toUpperCase() ? levelWord(word) : undefined;
}

/**
 * The level written among a line's first `words` words: a message that opens with its own ("warning: can't get
 * client address", one word), or a line that does not fit the log's header layout (a second program's lines in
 * a joined log: `2015-10-18 18:01:47,978 ERROR [main] …` among Zookeeper's).
 */
export function levelNearStart(line: string, words = NEAR_START_WORDS): LogLevel {
  for (const word of line.trimStart().split(/\s+/, words)) {
    const level = writtenLevel(word);
    if (level !== undefined) return level;
  }
  return 'UNKNOWN';
}
