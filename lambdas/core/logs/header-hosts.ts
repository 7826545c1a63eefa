/**
 * Host fields of log headers, redacted when a log is accepted. The redactor recognises addresses and dotted
 * host names anywhere in a line, but a bare host name in a header column (`combo`, `web-01`) is a host only
 * because of where it stands: the header layout says so. Redacting those at accept time too means the stored
 * text keeps no host the summary would later pseudonymise, and the entry's redaction counts are the
 * summary's (DESIGN §6: counts agree everywhere). A CSV export's host column is such a field too; its records
 * are read as the analyzer reads them (`csv-export.ts`), since a field's place there is not a line's layout.
 */
import type { Redactor } from '../redaction/redact.ts';
import { type CsvLayout, CsvRecordReader, detectCsvExport } from './csv-export.ts';
import { createHeaderParser, HEADER_SAMPLE_LINES, type HeaderParser, SAMPLE_CHAR_BUDGET } from './header.ts';
import { detectW3c, type W3cLayout, W3cReader } from './w3c.ts';

/** What the analyzer learns its layout from: the first non-blank lines, each cut like its sample. */
function headerSample(lines: readonly string[]): string[] {
  const sample: string[] = [];
  for (const line of lines) {
    if (line.trim().length === 0) continue;
    sample.push(line.length > 4096 ? line.slice(0, 4096) : line);
    if (sample.length >= HEADER_SAMPLE_LINES) break;
  }
  return sample;
}

/** The analyzer's CSV sample: lines (blank ones too) up to 200 non-blank or 1 MB, each cut at 4,096. */
function csvSample(lines: readonly string[], stripped: (line: string) => string): string[] {
  const sample: string[] = [];
  let nonBlank = 0;
  let chars = 0;
  for (const raw of lines) {
    const line = stripped(raw);
    sample.push(line.length > 4096 ? line.slice(0, 4096) : line);
    chars += Math.min(line.length, 4096);
    if (line.trim().length > 0) nonBlank++;
    if (nonBlank >= HEADER_SAMPLE_LINES || chars >= SAMPLE_CHAR_BUDGET) break;
  }
  return sample;
}

const HOST_CHAR = /[\w.:-]/;

/** Index of `host` in `line` as a whole token (not inside a longer name), or -1. */
function tokenIndex(line: string, host: string): number {
  for (let at = line.indexOf(host); at >= 0; at = line.indexOf(host, at + 1)) {
    const before = at > 0 ? line.charAt(at - 1) : ' ';
    const after = line.charAt(at + host.length) || ' ';
    if (!HOST_CHAR.test(before) && !HOST_CHAR.test(after)) return at;
  }
  return -1;
}

/**
 * `lines` (already through `redactor.redact`) with each header host field replaced as the redactor treats
 * hosts (pseudonym, removed, or kept), counted in the redactor's counts. `format`: the explicit header format.
 * A generator that pauses (`yield`) after every `sliceChars` characters of lines, so that a caller sharing its
 * thread with other requests can let them run (see `redactLog`); run through, it is the same computation.
 */
export function* redactHeaderHostsInSlices(
  lines: string[],
  redactor: Redactor,
  format: string | null,
  sliceChars: number,
): Generator<void, string[]> {
  if (redactor.network === 'keep') return lines;
  const stripped = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
  // The analyzer reads a CSV export by its columns only when no format is given: so is its host column.
  // The year only dates times written without one; which columns are read does not depend on it.
  // A W3C log's host field (`s-computername`, `x-edge-location`) is named by its `#Fields:` directives.
  const w3c = format ? undefined : detectW3c(csvSample(lines, stripped));
  if (w3c) return yield* redactW3cHostsInSlices(lines, w3c, redactor, stripped, sliceChars);
  const csv = format ? undefined : detectCsvExport(csvSample(lines, stripped), { year: 2000 });
  if (csv) return yield* redactCsvHostsInSlices(lines, csv, redactor, stripped, sliceChars);
  const parser = createHeaderParser(headerSample(lines.map(stripped)), format ? { format } : {});
  if (parser.info.kind === 'none') return lines;
  const out = new Array<string>(lines.length);
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    out[i] = withHeaderHost(line, parser, stripped, redactor);
    chars += line.length + 1;
    if (chars >= sliceChars) {
      chars = 0;
      yield;
    }
  }
  return out;
}

function withHeaderHost(
  line: string,
  parser: HeaderParser,
  stripped: (line: string) => string,
  redactor: Redactor,
): string {
  const host = line.trim().length === 0 ? undefined : parser.parse(stripped(line)).host?.trim();
  if (!host || (host.startsWith('<') && host.endsWith('>'))) return line;
  const at = tokenIndex(line, host);
  if (at < 0) return line;
  return line.slice(0, at) + redactor.host(host) + line.slice(at + host.length);
}

/** `lines` of a W3C log with each record's host field replaced, read as the analyzer reads them (`W3cReader`). */
function* redactW3cHostsInSlices(
  lines: string[],
  layout: W3cLayout,
  redactor: Redactor,
  stripped: (line: string) => string,
  sliceChars: number,
): Generator<void, string[]> {
  const reader = new W3cReader(layout, 2000);
  const out = new Array<string>(lines.length);
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const read = reader.read(stripped(line));
    const host = read.kind === 'record' ? read.parsed.host : undefined;
    const at = host === undefined || host.startsWith('<') ? -1 : tokenIndex(line, host);
    out[i] =
      host === undefined || at < 0
        ? line
        : line.slice(0, at) + redactor.host(host) + line.slice(at + host.length);
    chars += line.length + 1;
    if (chars >= sliceChars) {
      chars = 0;
      yield;
    }
  }
  return out;
}

/**
 * `lines` of a CSV export with each record's host field replaced as the redactor treats hosts. The header row
 * and the blank lines before it hold no record (the analyzer skips them too); every later line goes through a
 * record reader, which says which lines each record spans, so a field after a multi-line message is found.
 */
function* redactCsvHostsInSlices(
  lines: string[],
  layout: CsvLayout,
  redactor: Redactor,
  stripped: (line: string) => string,
  sliceChars: number,
): Generator<void, string[]> {
  if (layout.host < 0) return lines;
  const out = lines.slice();
  const reader = new CsvRecordReader(layout.delimiter);
  let next = layout.headerRow ? lines.findIndex((l) => l.trim().length > 0) + 1 : 0;
  const emit = (taken: string[], record: string[] | undefined): void => {
    const host = record && record.length > layout.message ? record[layout.host]?.trim() : undefined;
    // Blank lines before a record come with it (the reader skips them): the record starts after them.
    let blank = 0;
    while (blank < taken.length && (taken[blank] as string).trim().length === 0) blank++;
    if (host) replaceCsvHost(out, next + blank, taken.length - blank, layout, redactor.host(host), host);
    next += taken.length;
  };
  let chars = 0;
  for (let i = next; i < lines.length; i++) {
    const line = lines[i] as string;
    reader.push(stripped(line), emit);
    chars += line.length + 1;
    if (chars >= sliceChars) {
      chars = 0;
      yield;
    }
  }
  reader.end(emit);
  return out;
}

/** Replaces `host` by `replacement` in the host field of the record on `out[from]`…`out[from + count - 1]`. */
function replaceCsvHost(
  out: string[],
  from: number,
  count: number,
  layout: CsvLayout,
  replacement: string,
  host: string,
): void {
  if (replacement === host) return;
  const text = out.slice(from, from + count).join('\n');
  const span = fieldSpan(text, layout.delimiter, layout.host);
  const at = span ? text.indexOf(host, span.start) : -1;
  if (!span || at < 0 || at + host.length > span.end) return;
  const rewritten = text.slice(0, at) + replacement + text.slice(at + host.length);
  // A host holds no line break, nor does its pseudonym: the record keeps its lines.
  out.splice(from, count, ...rewritten.split('\n'));
}

/**
 * Where field `index` of the record `text` starts and ends: fields split at `delimiter` outside quotes, a
 * quoted field runs to its closing quote (`""` is a quote inside it), as csv-parse reads them.
 */
function fieldSpan(
  text: string,
  delimiter: string,
  index: number,
): { start: number; end: number } | undefined {
  let start = 0;
  for (let field = 0; ; field++) {
    let i = start;
    if (text.charAt(i) === '"') {
      i = closingQuote(text, i + 1);
      if (i < 0) return undefined;
    }
    const end = fieldEnd(text, i, delimiter);
    if (field === index) return { start, end };
    if (text.charAt(end) !== delimiter) return undefined;
    start = end + 1;
  }
}

/** Index just past the quote closing a quoted field whose text starts at `from`, or -1. */
function closingQuote(text: string, from: number): number {
  for (let at = text.indexOf('"', from); at >= 0; at = text.indexOf('"', at + 2)) {
    if (text.charAt(at + 1) !== '"') return at + 1;
  }
  return -1;
}

/** The next delimiter or line end from `from` (a record's last field ends at its line), or the text's end. */
function fieldEnd(text: string, from: number, delimiter: string): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === delimiter || c === '\n' || c === '\r') return i;
  }
  return text.length;
}
