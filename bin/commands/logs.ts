import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { type AnalyzerOptions, LINE_PART_CHARS, LogAnalyzer } from '../../lambdas/core/logs/analyzer.ts';
import { type Census, storedCensus } from '../../lambdas/core/logs/baseline.ts';
import { decompressed, gzipProblem } from '../../lambdas/core/logs/decompress.ts';
import { assertFormat } from '../../lambdas/core/logs/header.ts';
import type { LogStats } from '../../lambdas/core/logs/stats.ts';
import { BINARY_SAMPLE_CHARS, looksBinary } from '../../lambdas/core/logs/text-checks.ts';
import { NETWORK_REDACTIONS, type NetworkRedaction, Redactor } from '../../lambdas/core/redaction/redact.ts';
import { type Command, commandWithSubcommands, type Say, UsageError, wantsHelp } from './command.ts';

const PARSE_USAGE = `Usage: ai-ops logs parse [<file>|-] [--format <loghub format>] [--jsonl] [--no-redact]

Mines templates from a log, streaming it line by line ("-", or no file when standard input is a pipe or a
file, reads standard input).

Options:
  --format <f>   Loghub-style header format, e.g. '<Date> <Time> <Level> <Component>: <Content>'
                 (default: the header layout is detected from the first lines)
  --jsonl        one JSON object per input line, in order:
                 {"line": <n>, "templateId": "T3", "template": "..."}
                 ids and templates are the final ones, as after the whole input was read;
                 lines that continue an event (stack traces) carry that event's template;
                 blank lines get "templateId": null
                 (without --jsonl: a table of the templates, most frequent first)
  --no-redact    print templates as mined (by default PII left in a template's words is redacted)
  --network <m>  IP addresses and host names: pseudonymise (default: <IP#1>, <HOST#1>…), keep or remove
  --year <yyyy>  year for timestamps written without one (default: the year of the file's modification
                 time, or of the clock for standard input)
  -h, --help     this help`;

const SUMMARIZE_USAGE = `Usage: ai-ops logs summarize [<file>|-] [--baseline <file>] [--format <loghub format>] [--json]

Summarises a log, streaming it line by line ("-", or no file when standard input is a pipe or a file, reads
standard input). It opens with a headline (what
failed, when, how much, what is new), then incidents in time order, volume and time span, level mix,
HTTP status and latency per endpoint, top/error/warning/rare/new templates, components, hosts, the first
error and redaction counts.

Options:
  --baseline <f> compare with an earlier log of the same source: templates that are new, 3× louder or
                 quieter (rate-normalised) or gone. <f> is a log file, or the --json output of an
                 earlier summarize run
  --format <f>   Loghub-style header format (default: detected)
  --json         the structured summary as JSON (default: readable text)
  --no-redact    do not redact PII before mining
  --network <m>  IP addresses and host names: pseudonymise (default: <IP#1>, <HOST#1>…), keep or remove
  --year <yyyy>  year for timestamps written without one (default: the year of the file's modification
                 time, or of the clock for standard input)
  -h, --help     this help`;

const USAGE = `Usage: ai-ops logs <parse|summarize> <file|-> [options]
       ai-ops logs upload <file> [options]

Subcommands:
  parse       mine templates; --jsonl gives the template of every line
  summarize   summary of a log as text or --json
  upload      send a log (up to 1 GiB, plain or gzip) to a running API and print its summary

Run \`ai-ops logs <subcommand> --help\` for its options.`;

interface Flags {
  input: string;
  format?: string;
  json: boolean;
  redact: boolean;
  network?: NetworkRedaction;
  year?: number;
  baseline?: string;
}

function parseFlags(args: string[], allowed: 'parse' | 'summarize'): Flags {
  const positional: string[] = [];
  const flags: Flags = { input: '', json: false, redact: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--format') flags.format = value();
    else if (name === '--year') {
      const y = Number(value());
      if (!Number.isInteger(y) || y < 1970 || y > 9999)
        throw new UsageError('--year must be a year like 2024');
      flags.year = y;
    } else if (name === '--no-redact') flags.redact = false;
    else if (name === '--network') flags.network = networkFlag(value());
    else if (name === '--baseline' && allowed === 'summarize') flags.baseline = value();
    else if ((name === '--jsonl' && allowed === 'parse') || (name === '--json' && allowed === 'summarize')) {
      flags.json = true;
    } else if (name === '-' || !name?.startsWith('-')) positional.push(arg);
    else throw new UsageError(`unknown option ${name} (see ai-ops logs ${allowed} --help)`);
  }
  // `… | ai-ops logs parse`: no file reads a pipe, as cat and jq do; never a terminal, which would just wait.
  if (positional.length === 0 && !process.stdin.isTTY) positional.push('-');
  if (positional.length !== 1)
    throw new UsageError(
      `expects one file, or "-" or a pipe for standard input (see ai-ops logs ${allowed} --help)`,
    );
  flags.input = positional[0] as string;
  if (flags.format !== undefined) assertFormat(flags.format);
  return flags;
}

function networkFlag(value: string): NetworkRedaction {
  const mode = NETWORK_REDACTIONS.find((m) => m === value);
  if (!mode) throw new UsageError(`--network must be one of ${NETWORK_REDACTIONS.join(', ')}`);
  return mode;
}

interface Input {
  stream: Readable;
  size: number | undefined;
  /** The file's modification time: year-less timestamps take its year. */
  modified: number | undefined;
}

export function fileStat(input: string): { size: number; modified: number } {
  try {
    const stat = statSync(input);
    if (!stat.isFile()) throw new UsageError(`${input} is not a file`);
    return { size: stat.size, modified: stat.mtimeMs };
  } catch (error: unknown) {
    if (error instanceof UsageError) throw error;
    const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
    if (code === 'ENOENT') throw new UsageError(`cannot read ${input}: no such file`);
    throw new UsageError(`cannot read ${input}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function openInput(input: string): Input {
  if (input === '-') return { stream: process.stdin, size: undefined, modified: undefined };
  const { size, modified } = fileStat(input);
  return { stream: createReadStream(input), size, modified };
}

/**
 * The lines of a text stream, chunk by chunk, without their `\n` or `\r\n` (a lone `\r` ends a line too, as
 * `readline` has it). One batch per chunk, split with `indexOf`: a fraction of what `readline` costs per line.
 * A line longer than `LINE_PART_CHARS` goes to `onPart` in parts as it comes (after the batch before it),
 * its last part in a batch as a line: a JSON document written on one line (hundreds of megabytes) is never
 * held, nor searched again for its end with every chunk. Without `onPart` such a line is held whole.
 */
export async function* lineBatches(
  stream: AsyncIterable<string>,
  onPart?: (part: string) => void,
): AsyncGenerator<string[]> {
  let carry = '';
  let pendingCr = false;
  for await (const chunk of stream) {
    let text = carry + (chunk as string);
    if (pendingCr && text.charCodeAt(0) === 10) text = text.slice(1);
    const batch: string[] = [];
    const split = splitLines(text, batch);
    pendingCr = split.pendingCr;
    carry = text.slice(split.rest);
    yield batch;
    // A lone `\r` at the very end is no part of the line: it ended it, and `carry` is empty then.
    if (onPart && carry.length >= LINE_PART_CHARS) {
      onPart(carry);
      carry = '';
    }
  }
  if (carry.length > 0) yield [carry];
}

/** Appends the complete lines of `text` to `out`; returns where the incomplete rest starts. */
function splitLines(text: string, out: string[]): { rest: number; pendingCr: boolean } {
  let start = 0;
  let pendingCr = false;
  // The next `\r` is looked up again only once it is passed: a file without any stays linear.
  let cr = text.indexOf('\r');
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
    if (nl < 0 && cr < 0) break;
    if (cr >= 0 && (nl < 0 || cr < nl)) {
      // `\r\n`, or a lone `\r`; at the very end of a chunk the `\n` may come with the next one.
      out.push(text.slice(start, cr));
      pendingCr = cr + 1 === text.length;
      start = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
    } else {
      out.push(text.slice(start, nl));
      start = nl + 1;
    }
  }
  return { rest: start, pendingCr };
}

/** Progress on stderr, only where someone can see it: a terminal, or a large file. */
class Progress {
  private readonly enabled: boolean;
  private last = 0;
  private shown = false;
  constructor(
    size: number | undefined,
    private readonly say: Say,
  ) {
    this.enabled = Boolean(process.stderr.isTTY) || (size !== undefined && size > 64 * 1024 * 1024);
  }
  private nextAt = 0;
  /** Called once per chunk of lines; writes at most once a second. */
  tick(lines: number, templates: number): void {
    if (!this.enabled || lines < this.nextAt) return;
    this.nextAt = lines + 0x4000;
    const now = Date.now();
    if (now - this.last < 1000) return;
    this.last = now;
    this.shown = true;
    const end = process.stderr.isTTY ? '\r' : '\n';
    this.say(`${lines.toLocaleString('en-US')} lines, ${templates} templates`, end);
  }
  /** The last progress line would read as the total: once any was shown, the real totals end it. */
  done(lines: number, templates: number): void {
    if (!this.shown) return;
    if (process.stderr.isTTY) process.stderr.write('\r');
    this.say(`${lines.toLocaleString('en-US')} lines read, ${templates} templates`);
  }
}

/** Growable per-line cluster ids: one Int32 per line is all `parse --jsonl` keeps. */
class IdList {
  private data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
}

async function analyse(
  flags: Flags,
  say: Say,
  onLine?: (line: number, cluster: number) => void,
  stats?: LogStats,
): Promise<LogAnalyzer> {
  const { stream, size, modified } = openInput(flags.input);
  const options: AnalyzerOptions = { redact: flags.redact };
  if (stats) options.stats = stats;
  if (flags.format !== undefined) options.format = flags.format;
  if (flags.year !== undefined) options.defaultYear = flags.year;
  if (flags.network !== undefined) options.network = flags.network;
  if (modified !== undefined) options.receivedAt = modified;
  const analyzer = new LogAnalyzer(options);
  analyzer.onLine = onLine;
  const progress = new Progress(size, say);
  // Problems with the content name the file (`app.log: is empty`): parse and summarize read two with --baseline.
  const inputName = flags.input === '-' ? 'standard input' : flags.input;
  // gzip is read as the API reads an upload: recognised by its magic bytes, whatever the file is called.
  const { bytes, gzip } = await decompressed(stream);
  let checked = 0;
  let head = '';
  let nonBlank = false;
  // A part of a long line is checked as its line would be (binary, blank), and read as it comes.
  const onPart = (part: string): void => {
    if (!nonBlank && part.trim() !== '') nonBlank = true;
    if (checked < BINARY_SAMPLE_CHARS) {
      head += part;
      checked = head.length;
      if (checked >= BINARY_SAMPLE_CHARS && looksBinary(head))
        throw new ValidationError(inputName, 'looks like binary data');
    }
    analyzer.pushPart(part);
  };
  try {
    for await (const batch of lineBatches(text(bytes), onPart)) {
      for (const line of batch) {
        if (!nonBlank && line.trim() !== '') nonBlank = true;
        if (checked < BINARY_SAMPLE_CHARS) {
          head += `${line}\n`;
          checked = head.length;
          if (checked >= BINARY_SAMPLE_CHARS && looksBinary(head))
            throw new ValidationError(inputName, 'looks like binary data');
        }
        analyzer.push(line);
      }
      progress.tick(analyzer.totalLines, analyzer.miner.templateCount);
    }
  } catch (error: unknown) {
    stream.destroy();
    if (error instanceof ValidationError) throw error;
    const badGzip = gzipProblem(error, gzip);
    if (badGzip) throw new ValidationError(inputName, badGzip.problem);
    throw new UsageError(
      `cannot read ${flags.input}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (checked < BINARY_SAMPLE_CHARS && looksBinary(head))
    throw new ValidationError(inputName, 'looks like binary data');
  // As the API answers: an empty or blank log is refused, not summarised as "No errors in 0 lines".
  if (!nonBlank) throw new ValidationError(inputName, 'is empty');
  analyzer.end();
  progress.done(analyzer.totalLines, analyzer.miner.templateCount);
  return analyzer;
}

/** The encoding a byte-order mark names, and its length. Without one a log is read as UTF-8. */
export function byteOrderMark(head: Uint8Array): {
  encoding: 'utf8' | 'utf-16le' | 'utf-16be';
  length: number;
} {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', length: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return { encoding: 'utf8', length: 0 };
}

/**
 * The text of a byte stream, decoded across chunk boundaries. A UTF-8 byte-order mark is dropped, as the
 * worker's decoder drops it (it used to become part of the first line, and a template of its own). A UTF-16
 * log with its mark (what Windows PowerShell's `>` writes) is read as UTF-16 instead of refused as binary.
 */
async function* text(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let head: Uint8Array = new Uint8Array(0);
  let decode: ((chunk: Uint8Array) => string) | undefined;
  let end = (): string => '';
  for await (const chunk of bytes) {
    if (decode === undefined) {
      // The mark is up to 3 bytes: a first chunk of standard input may be shorter.
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      if (head.length < 3) continue;
      [decode, end] = decoderFor(head);
      yield decode(head.subarray(byteOrderMark(head).length));
      continue;
    }
    yield decode(chunk);
  }
  if (decode === undefined && head.length > 0) {
    [decode, end] = decoderFor(head);
    yield decode(head.subarray(byteOrderMark(head).length));
  }
  const rest = end();
  if (rest) yield rest;
}

function decoderFor(head: Uint8Array): [(chunk: Uint8Array) => string, () => string] {
  const { encoding } = byteOrderMark(head);
  if (encoding === 'utf8') {
    // StringDecoder is what a stream's setEncoding uses: native, and cheaper than TextDecoder per chunk.
    const decoder = new StringDecoder('utf8');
    return [(chunk) => decoder.write(chunk as Buffer), () => decoder.end()];
  }
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  return [(chunk) => decoder.decode(chunk, { stream: true }), () => decoder.decode()];
}

/** Writes with back-pressure, in chunks, so a 1 GB JSONL output does not pile up in memory. */
async function writeAll(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

async function runParse(args: string[], say: Say): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${PARSE_USAGE}\n`);
    return 0;
  }
  const flags = parseFlags(args, 'parse');
  const ids = new IdList();
  // `parse` prints templates only: the lines are mined as they are and what is printed is redacted, once
  // per template instead of once per line (a template's values are placeholders already).
  const redactor = flags.redact
    ? new Redactor(flags.network === undefined ? {} : { network: flags.network })
    : undefined;
  const output = (template: string): string => (redactor ? redactor.redact(template) : template);
  const onLine = flags.json ? (_line: number, cluster: number) => ids.push(cluster) : undefined;
  const analyzer = await analyse({ ...flags, redact: false }, say, onLine);
  const miner = analyzer.miner;
  const out = process.stdout;
  if (!flags.json) {
    const rows = miner.templates();
    let text = `${rows.length} templates from ${analyzer.totalLines.toLocaleString('en-US')} lines\n`;
    for (const t of rows) text += `${t.id.padEnd(7)} ${String(t.count).padStart(9)}  ${output(t.template)}\n`;
    await writeAll(out, text);
    return 0;
  }
  // Final ids and templates, rendered once per group.
  const rendered = new Map<number, string>();
  let buffer = '';
  for (let i = 0; i < ids.length; i++) {
    const cluster = ids.get(i);
    if (cluster < 0) buffer += `{"line":${i + 1},"templateId":null,"template":null}\n`;
    else {
      const root = miner.resolve(cluster);
      let tail = rendered.get(root);
      if (tail === undefined) {
        tail = `,"templateId":${JSON.stringify(miner.templateId(root))},"template":${JSON.stringify(output(miner.templateText(root)))}}\n`;
        rendered.set(root, tail);
      }
      buffer += `{"line":${i + 1}${tail}`;
    }
    if (buffer.length >= 1 << 16) {
      await writeAll(out, buffer);
      buffer = '';
    }
  }
  if (buffer) await writeAll(out, buffer);
  return 0;
}

// The summary's code (and its packages) loads only for `summarize`: `parse` stays lean.
const summaryModules = () => import('../../lambdas/core/logs/summary.ts');
const newStats = async () => new (await import('../../lambdas/core/logs/stats.ts')).LogStats();

/** The census of a baseline: from an earlier `summarize --json` output, or by summarising a log file. */
async function readBaseline(
  flags: Flags,
  file: string,
  say: Say,
): Promise<{ census: Census; label: string }> {
  const { size } = fileStat(file);
  const label = basename(file);
  if (size < 64 * 1024 * 1024) {
    const text = readFileSync(file, 'utf8');
    if (text.trimStart().startsWith('{')) return { census: censusFromJson(text, file), label };
  }
  const { buildSummary } = await summaryModules();
  const analyzer = await analyse({ ...flags, input: file }, say, undefined, await newStats());
  return { census: buildSummary(analyzer).census, label };
}

function censusFromJson(text: string, file: string): Census {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const census = storedCensus(json);
  if (!census)
    throw new ValidationError(
      'baseline',
      `${file} is JSON but not the output of ai-ops logs summarize --json`,
    );
  return census;
}

async function runSummarize(args: string[], say: Say): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${SUMMARIZE_USAGE}\n`);
    return 0;
  }
  const flags = parseFlags(args, 'summarize');
  const baseline = flags.baseline === undefined ? undefined : await readBaseline(flags, flags.baseline, say);
  const { buildSummary, renderSummaryText } = await summaryModules();
  const analyzer = await analyse(flags, say, undefined, await newStats());
  const summary = buildSummary(analyzer, baseline ? { baseline } : {});
  const text = flags.json ? JSON.stringify(summary, null, 2) : renderSummaryText(summary);
  await writeAll(process.stdout, `${text}\n`);
  return 0;
}

export const logsCommand: Command = commandWithSubcommands({
  name: 'logs',
  usage: USAGE,
  subcommands: {
    parse: runParse,
    summarize: runSummarize,
    // Loaded when it runs: parse and summarize load no client code.
    upload: async (args, say) => (await import('./log-upload.ts')).runUpload(args, process.env, say),
  },
});
