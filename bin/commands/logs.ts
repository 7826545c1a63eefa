import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { LogAnalyzer } from '../../lambdas/core/logs/analyzer.ts';
import { assertFormat } from '../../lambdas/core/logs/header.ts';
import { looksBinary } from '../../lambdas/core/logs/summarize-log.ts';
import { buildSummary, renderSummaryText } from '../../lambdas/core/logs/summary.ts';
import { type Command, commandWithSubcommands, UsageError, wantsHelp } from './command.ts';

const PARSE_USAGE = `Usage: ai-ops logs parse <file|-> [--format <loghub format>] [--jsonl] [--no-redact]

Mines templates from a log, streaming it line by line ("-" reads standard input).

Options:
  --format <f>   Loghub-style header format, e.g. '<Date> <Time> <Level> <Component>: <Content>'
                 (default: the header layout is detected from the first lines)
  --jsonl        one JSON object per input line, in order:
                 {"line": <n>, "templateId": "T3", "template": "..."}
                 ids and templates are the final ones, as after the whole input was read;
                 blank lines get "templateId": null
                 (without --jsonl: a table of the templates, most frequent first)
  --no-redact    mine the text as is (PII is redacted before mining by default)
  --year <yyyy>  year for timestamps written without one (default: the current year)
  -h, --help     this help`;

const SUMMARIZE_USAGE = `Usage: ai-ops logs summarize <file|-> [--format <loghub format>] [--json] [--no-redact]

Summarises a log, streaming it line by line ("-" reads standard input): volume and time span, level mix,
top/error/warning/rare/new templates, bursts, components, hosts, the first error, redaction counts.

Options:
  --format <f>   Loghub-style header format (default: detected)
  --json         the structured summary as JSON (default: readable text)
  --no-redact    do not redact PII before mining
  --year <yyyy>  year for timestamps written without one (default: the current year)
  -h, --help     this help`;

const USAGE = `Usage: ai-ops logs <parse|summarize> <file|-> [options]

Subcommands:
  parse       mine templates; --jsonl gives the template of every line
  summarize   summary of a log as text or --json

Run \`ai-ops logs <subcommand> --help\` for its options.`;

interface Flags {
  input: string;
  format?: string;
  json: boolean;
  redact: boolean;
  year?: number;
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
    else if ((name === '--jsonl' && allowed === 'parse') || (name === '--json' && allowed === 'summarize')) {
      flags.json = true;
    } else if (name === '-' || !name?.startsWith('-')) positional.push(arg);
    else throw new UsageError(`unknown option ${name} (see ai-ops logs ${allowed} --help)`);
  }
  if (positional.length !== 1)
    throw new UsageError(`expects one file or "-" (see ai-ops logs ${allowed} --help)`);
  flags.input = positional[0] as string;
  if (flags.format !== undefined) assertFormat(flags.format);
  return flags;
}

function openInput(input: string): { stream: Readable; size: number | undefined } {
  if (input === '-') return { stream: process.stdin, size: undefined };
  let size: number;
  try {
    const stat = statSync(input);
    if (!stat.isFile()) throw new UsageError(`${input} is not a file`);
    size = stat.size;
  } catch (error: unknown) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${input}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { stream: createReadStream(input), size };
}

/** Progress on stderr, only where someone can see it: a terminal, or a large file. */
class Progress {
  private readonly enabled: boolean;
  private last = 0;
  private shown = false;
  constructor(size: number | undefined) {
    this.enabled = Boolean(process.stderr.isTTY) || (size !== undefined && size > 64 * 1024 * 1024);
  }
  tick(lines: number, templates: number): void {
    if (!this.enabled || (lines & 0x3fff) !== 0) return;
    const now = Date.now();
    if (now - this.last < 1000) return;
    this.last = now;
    this.shown = true;
    const end = process.stderr.isTTY ? '\r' : '\n';
    process.stderr.write(`ai-ops logs: ${lines.toLocaleString('en-US')} lines, ${templates} templates${end}`);
  }
  done(): void {
    if (this.shown && process.stderr.isTTY) process.stderr.write('\n');
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

async function analyse(flags: Flags, onLine?: (line: number, cluster: number) => void): Promise<LogAnalyzer> {
  const { stream, size } = openInput(flags.input);
  const options: { format?: string; redact: boolean; defaultYear?: number } = { redact: flags.redact };
  if (flags.format !== undefined) options.format = flags.format;
  if (flags.year !== undefined) options.defaultYear = flags.year;
  const analyzer = new LogAnalyzer(options);
  analyzer.onLine = onLine;
  const progress = new Progress(size);
  stream.setEncoding('utf8');
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let checked = 0;
  let head = '';
  try {
    for await (const line of rl) {
      if (checked < 65_536) {
        head += `${line}\n`;
        checked = head.length;
        if (checked >= 65_536 && looksBinary(head))
          throw new ValidationError('file', 'looks like binary data');
      }
      analyzer.push(line);
      progress.tick(analyzer.totalLines, analyzer.miner.templateCount);
    }
  } catch (error: unknown) {
    stream.destroy();
    if (error instanceof ValidationError) throw error;
    throw new UsageError(
      `cannot read ${flags.input}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (checked < 65_536 && looksBinary(head)) throw new ValidationError('file', 'looks like binary data');
  analyzer.end();
  progress.done();
  return analyzer;
}

/** `ai-ops logs parse big.log --jsonl | head`: the reader leaving early is not an error. */
function quietOnClosedPipe(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`ai-ops logs: cannot write output: ${error.message}\n`);
    process.exit(1);
  });
}

/** Writes with back-pressure, in chunks, so a 1 GB JSONL output does not pile up in memory. */
async function writeAll(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

async function runParse(args: string[]): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${PARSE_USAGE}\n`);
    return 0;
  }
  const flags = parseFlags(args, 'parse');
  quietOnClosedPipe();
  const ids = new IdList();
  const analyzer = await analyse(flags, flags.json ? (_line, cluster) => ids.push(cluster) : undefined);
  const miner = analyzer.miner;
  const out = process.stdout;
  if (!flags.json) {
    const rows = miner.templates();
    let text = `${rows.length} templates from ${analyzer.totalLines.toLocaleString('en-US')} lines\n`;
    for (const t of rows) text += `${t.id.padEnd(7)} ${String(t.count).padStart(9)}  ${t.template}\n`;
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
        tail = `,"templateId":${JSON.stringify(miner.templateId(root))},"template":${JSON.stringify(miner.templateText(root))}}\n`;
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

async function runSummarize(args: string[]): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${SUMMARIZE_USAGE}\n`);
    return 0;
  }
  const flags = parseFlags(args, 'summarize');
  quietOnClosedPipe();
  const analyzer = await analyse(flags);
  const summary = buildSummary(analyzer);
  const text = flags.json ? JSON.stringify(summary, null, 2) : renderSummaryText(summary);
  await writeAll(process.stdout, `${text}\n`);
  return 0;
}

export const logsCommand: Command = commandWithSubcommands({
  usage: USAGE,
  subcommands: { parse: runParse, summarize: runSummarize },
});
