/**
 * What `ai-ops start` prints while it runs. The handlers write Powertools JSON log records and CloudWatch EMF
 * blobs to stdout and stderr, as on Lambda, where CloudWatch reads them. On a terminal a person reads them, so
 * in the readable format each record becomes one short line (time, level, message, a few keys) and EMF blobs
 * are dropped (`/metrics` serves the same values). The JSON format keeps every byte as written.
 *
 * The handlers are not told: Powertools binds its console to `process.stdout`/`process.stderr` when a Logger
 * or Metrics is constructed, so the main thread's output is taken at those streams' `write`, and each worker
 * thread gets stdout and stderr of its own (local/worker-threads.ts) read here. Every source (the main thread's
 * stdout, one thread's stderr, …) has its own partial-line buffer, so lines of two sources never mix and each
 * source's lines come out complete and in order.
 */
import { StringDecoder } from 'node:string_decoder';

export type LogFormat = 'readable' | 'json';

export type OutputStreamName = 'stdout' | 'stderr';

/** How one output stream's lines are written. */
export interface LineStyle {
  format: LogFormat;
  /** ANSI colours (readable format only). */
  colour: boolean;
}

/** Where one source's text goes: written as it comes, in chunks that may end mid-line; `end` when it stops. */
export interface LineSource {
  write(text: string): void;
  end(): void;
}

/** The output of `ai-ops start`: a new source for each thing that writes to stdout or stderr. */
export interface LogOutput {
  source(stream: OutputStreamName): LineSource;
}

/** The part of a process stream the capture uses (a fake in tests). */
export interface OutputStream {
  write: NodeJS.WriteStream['write'];
  isTTY?: boolean;
  hasColors?: () => boolean;
}

/** A partial line longer than this is written as it is rather than kept waiting for its end. */
const MAX_PARTIAL_LINE = 1024 * 1024;

/**
 * One source's text, cut into lines: each complete line is formatted and written; a line split across chunks
 * waits for its end; what is left when the source ends is formatted as a line of its own.
 */
export class LineSplitter implements LineSource {
  readonly #format: (line: string) => string | null;
  readonly #write: (text: string) => void;
  #partial = '';

  constructor(format: (line: string) => string | null, write: (text: string) => void) {
    this.#format = format;
    this.#write = write;
  }

  write(chunk: string): void {
    const text = this.#partial + chunk;
    let out = '';
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const formatted = this.#format(text.slice(start, newline));
      if (formatted !== null) out += `${formatted}\n`;
      start = newline + 1;
    }
    let pending = text.slice(start);
    if (pending.length > MAX_PARTIAL_LINE) {
      out += pending;
      pending = '';
    }
    this.#partial = pending;
    // One write per chunk: the lines of a chunk reach the terminal together, as the source wrote them.
    if (out !== '') this.#write(out);
  }

  end(): void {
    const rest = this.#partial;
    this.#partial = '';
    if (rest === '') return;
    const formatted = this.#format(rest);
    if (formatted === null) return;
    this.#write(formatted === rest ? rest : `${formatted}\n`);
  }
}

/** A source that writes its text unchanged, chunk by chunk (the JSON format). */
class Passthrough implements LineSource {
  readonly #write: (text: string) => void;
  constructor(write: (text: string) => void) {
    this.#write = write;
  }
  write(text: string): void {
    if (text !== '') this.#write(text);
  }
  end(): void {}
}

export interface CapturedOutput extends LogOutput {
  /** Writes what the main thread left mid-line and gives the streams their own `write` back. */
  restore(): void;
}

/**
 * Takes over the `write` of stdout and stderr so that the main thread's lines are written in each stream's
 * style, and returns the sources for worker threads, which write with the streams' own `write`.
 */
export function captureLogOutput(
  streams: Record<OutputStreamName, OutputStream>,
  styles: Record<OutputStreamName, LineStyle>,
): CapturedOutput {
  const originals = {
    stdout: streams.stdout.write,
    stderr: streams.stderr.write,
  };
  const writer = (name: OutputStreamName) => (text: string) => {
    originals[name].call(streams[name], text);
  };
  const source = (name: OutputStreamName): LineSource => {
    const style = styles[name];
    if (style.format === 'json') return new Passthrough(writer(name));
    return new LineSplitter((line) => formatLogLine(line, style), writer(name));
  };
  // A stream in the JSON format keeps its own write: the main thread's bytes reach it untouched.
  const taken = (['stdout', 'stderr'] as const).filter((name) => styles[name].format === 'readable');
  const mainThread = taken.map((name) => {
    const lines = source(name);
    streams[name].write = capturedWrite(lines);
    return lines;
  });
  return {
    source,
    restore: () => {
      for (const name of taken) streams[name].write = originals[name];
      for (const lines of mainThread) lines.end();
    },
  };
}

/** A stream's `write` that hands the text to a source (a string, or bytes decoded as UTF-8 across chunks). */
function capturedWrite(source: LineSource): NodeJS.WriteStream['write'] {
  const decoder = new StringDecoder('utf8');
  return (
    chunk: unknown,
    encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ): boolean => {
    const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : undefined;
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof chunk === 'string') {
      source.write(
        encoding && encoding !== 'utf8' && encoding !== 'utf-8'
          ? decoder.write(Buffer.from(chunk, encoding))
          : chunk,
      );
    } else if (chunk instanceof Uint8Array) {
      source.write(decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    } else {
      source.write(String(chunk));
    }
    if (done) process.nextTick(done);
    return true;
  };
}

/**
 * The style of a stream: the format asked for, or, when none was, readable on a terminal and JSON anywhere else
 * (a file, a pipe, a log shipper), so that whatever parses the lines gets them as before.
 */
export function lineStyle(stream: OutputStream, asked: LogFormat | undefined): LineStyle {
  const format = asked ?? (stream.isTTY ? 'readable' : 'json');
  // hasColors() reads NO_COLOR, FORCE_COLOR and TERM; only a terminal has it.
  const colour = format === 'readable' && stream.isTTY === true && (stream.hasColors?.() ?? false);
  return { format, colour };
}

/**
 * One line of output in a style: null for an EMF blob in the readable format (dropped), a log record as one
 * short line, and anything else (not JSON, or JSON that is neither) unchanged.
 */
export function formatLogLine(line: string, style: LineStyle): string | null {
  if (style.format === 'json') return line;
  const record = parseObject(line);
  if (!record) return line;
  if (isEmf(record)) return null;
  if (typeof record.level !== 'string' || typeof record.message !== 'string') return line;
  return readableRecord(record, record.level, record.message, style.colour);
}

type JsonObject = Record<string, unknown>;

function parseObject(line: string): JsonObject | null {
  if (!line.trimStart().startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** CloudWatch's embedded metric format: `_aws` with its `CloudWatchMetrics` directives. */
function isEmf(record: JsonObject): boolean {
  const aws = record._aws;
  return isObject(aws) && Array.isArray(aws.CloudWatchMetrics);
}

/**
 * Keys Powertools puts on every record (the Lambda context, sampling, X-Ray) and the queue message id: the same
 * on every line of an invocation, so they tell a reader nothing the kind and job do not.
 */
const HIDDEN_KEYS: ReadonlySet<string> = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'tenant_id',
  'correlation_id',
  'messageId',
  'receiveCount',
  'jobKind',
  'jobId',
]);

/** Keys holding how long something took, in milliseconds: shown last, as `28 ms`. */
const DURATION_KEYS: readonly string[] = ['durationMs', 'duration_ms', 'elapsedMs'];

const MAX_VALUE = 200;

const ANSI = {
  reset: '\u001b[0m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  magenta: '\u001b[35m',
};

const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  TRACE: ANSI.dim,
  DEBUG: ANSI.dim,
  INFO: ANSI.green,
  WARN: ANSI.yellow,
  ERROR: ANSI.red + ANSI.bold,
  CRITICAL: ANSI.magenta + ANSI.bold,
};

/** `00:35:12 INFO  Job succeeded  kind=triage-ticket job=… attempts=1  28 ms` */
function readableRecord(record: JsonObject, level: string, message: string, colour: boolean): string {
  const paint = (code: string, text: string) => (colour && code ? `${code}${text}${ANSI.reset}` : text);
  const upper = level.toUpperCase();
  const keys: string[] = [];
  // The context keys get short names; when the record has a key of its own by that name (an LLM retry's
  // `kind=malformed_response` on a job's line), the context key keeps its JSON name instead, so that no name
  // appears twice with two meanings (QA2 finding 9).
  const named = (name: string, jsonKey: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    keys.push(`${name in record ? jsonKey : name}=${showValue(value)}`);
  };
  named('kind', 'jobKind', record.jobKind);
  named('job', 'jobId', record.jobId);
  // An API record has no job: its correlation id is the request id the client was given.
  if (record.jobId === undefined) named('request', 'correlation_id', record.correlation_id);
  if (typeof record.receiveCount === 'number' && record.receiveCount > 1)
    named('delivery', 'receiveCount', record.receiveCount);
  let duration = '';
  let error = '';
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN_KEYS.has(key) || value === undefined) continue;
    if (DURATION_KEYS.includes(key) && typeof value === 'number') duration = `${Math.round(value)} ms`;
    else if (key === 'error') error = `error=${showValue(value)}`;
    else keys.push(`${key}=${showValue(value)}`);
  }
  const levelColour = LEVEL_COLOURS[upper] ?? '';
  const important = upper === 'WARN' || upper === 'ERROR' || upper === 'CRITICAL';
  const parts = [
    paint(ANSI.dim, clock(record.timestamp)),
    paint(levelColour, upper.padEnd(5)),
    important ? paint(levelColour, oneLine(message)) : oneLine(message),
  ];
  const details = [
    keys.length > 0 ? paint(ANSI.dim, keys.join(' ')) : '',
    error ? paint(important ? levelColour : '', error) : '',
    duration,
  ].filter((part) => part !== '');
  return details.length > 0 ? `${parts.join(' ')}  ${details.join('  ')}` : parts.join(' ');
}

/** The record's time on this machine's clock, to the second; now when the record has none. */
function clock(timestamp: unknown): string {
  const parsed = typeof timestamp === 'string' ? new Date(timestamp) : new Date(Number.NaN);
  const time = Number.isNaN(parsed.getTime()) ? new Date() : parsed;
  return [time.getHours(), time.getMinutes(), time.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}

/** A value on one line: bare when it is a plain word, quoted when it has spaces, an error as `Name: message`. */
function showValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  else if (isErrorLike(value)) text = JSON.stringify(`${value.name}: ${value.message}`);
  else text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** An Error as Powertools writes it: name, message, location, stack (the stack is left to the JSON format). */
function isErrorLike(value: unknown): value is { name: string; message: string } {
  return isObject(value) && typeof value.name === 'string' && typeof value.message === 'string';
}

/** A message with its line breaks shown as `\n`, so that a record stays on one line. */
function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}
