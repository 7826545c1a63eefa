/**
 * The streaming pipeline over one log: header detection (from a bounded sample of the first lines), PII
 * redaction, template mining and the running statistics the summary needs (levels, time histogram,
 * components, hosts, first error). Feed it lines with `push`, then call `end`.
 *
 * Memory is bounded whatever the input: the header sample is capped in lines and characters, lines are cut
 * at `maxLineLength` (a JSON document's are read by its reader, which holds a record at most, and a long line
 * may come in parts: `pushPart`), and every tally has a fixed capacity. Nothing is kept per line except what the caller
 * asks for through `onLine`.
 */

import {
  emptyRedactionCounts,
  type NetworkRedaction,
  REDACTION_KINDS,
  type RedactionCounts,
  Redactor,
} from '../redaction/redact.ts';
import { withoutEscapes } from './ansi.ts';
import { ContinuationDetector, mostlyIndented } from './continuation.ts';
import {
  type CsvLayout,
  CsvRecordReader,
  csvParsedLine,
  detectCsvExport,
  isRowCountFooter,
} from './csv-export.ts';

/** Header host fields that name no host (BGL's "NULL", "-"): left out of the host tallies. */
const NO_HOST = new Set(['', '-', 'unknown', 'none', 'null', 'n/a']);
const namesNoHost = (field: string): boolean => NO_HOST.has(field.trim().toLowerCase());

import {
  assertFormat,
  HEADER_SAMPLE_LINES,
  type HeaderInfo,
  type HeaderParser,
  type ParsedLine,
  SAMPLE_CHAR_BUDGET,
} from './header.ts';
import {
  compactDocumentStart,
  type DocumentItem,
  JsonDocumentReader,
  jsonDocumentRecords,
} from './json-document.ts';
import { type LogLevel, levelNearStart } from './levels.ts';
import { type LineMeta, type MinerOptions, SAMPLE_CHARS, TemplateMiner } from './miner.ts';
import { errorMessage, type LineFacts, type LogStats } from './stats.ts';
import { DETAIL_CHARS, structuredDetail, withDetail } from './structured-detail.ts';
import { detectTable, TableReader } from './table.ts';
import { type TimeZoneWritten, ZoneTally, zoneOf } from './timestamp.ts';
import { detectW3c, isW3cDirective, type W3cLine, W3cReader, w3cDetail } from './w3c.ts';

type W3cRecord = Extract<W3cLine, { kind: 'record' }>;

import { parserWithYear, type Rollover, rolloverFor, type YearBasis } from './year.ts';

export interface AnalyzerOptions extends MinerOptions {
  /** Loghub-style header format; when absent the header layout is detected. */
  format?: string;
  /** Year for timestamps written without one (syslog). Default: the year of `receivedAt`, else of the clock. */
  defaultYear?: number;
  /** When the log was received (upload time, or the file's modification time), ms since the epoch. */
  receivedAt?: number;
  /** Redact PII before mining (default true). Templates, samples and values then hold placeholders. */
  redact?: boolean;
  /** IP addresses and host names when redacting: `pseudonymise` (default), `keep` or `remove`. */
  network?: NetworkRedaction;
  /**
   * Where the statistics a summary needs (levels, time histogram, hosts, HTTP, errors) are gathered; a
   * summary needs one. Callers that only want templates (`logs parse`) leave it out, which saves about a
   * fifth of the time and loads none of the summary's code.
   */
  stats?: LogStats;
  /** Characters of a line that are analysed; the rest is dropped (not in a JSON document's records). Default 65,536. */
  maxLineLength?: number;
}

/**
 * Characters of a line a reader of a stream holds before it gives them on as a part of the line (`pushPart`):
 * the CLI's and the upload's line splitters, so that no line (a JSON document written on one line can be
 * hundreds of megabytes) fills memory.
 */
export const LINE_PART_CHARS = 1 << 16;

/** Characters of a first long line read before deciding whether it starts a JSON document written on one line. */
const DOCUMENT_CHECK_CHARS = 1_000_000;

export class LogAnalyzer {
  readonly miner: TemplateMiner;
  /** What the summary is built from (levels, time histogram, components, hosts, errors, HTTP). */
  readonly stats: LogStats | undefined;
  /** Physical lines seen, blank ones included. */
  totalLines = 0;
  blankLines = 0;
  truncatedLines = 0;
  /**
   * Lines holding U+FFFD, the character a UTF-8 decoder puts for bytes that are not UTF-8 (a Latin-1 file):
   * the text was changed on reading, and the user should know.
   */
  notUtf8Lines = 0;
  /** Lines that did not fit the detected header layout (their whole text was mined). */
  unmatchedHeader = 0;
  /** A CSV export's row-count footers (psql's `(30 rows)`): no event, counted with the blank lines too. */
  rowCountFooters = 0;
  /** A W3C log's directives (`#Fields:`, `#Date:` …): no event, counted with the blank lines too. */
  directiveLines = 0;
  /** Whether timestamps lacked a year and which year they were given (known once the header is learned). */
  yearBasis: YearBasis | undefined;
  /**
   * Lines that continue the event above them (stack traces, tracebacks, indented text): they carry that
   * event's template and are not mined themselves. Events = analysed lines - continuation lines.
   */
  continuationLines = 0;
  /**
   * Called once per physical line, in order, with its 1-based number and cluster id (-1 for blank lines).
   * Resolve ids through `miner.resolve` once the whole input is read to get final templates.
   */
  onLine: ((line: number, cluster: number) => void) | undefined;

  private readonly options: AnalyzerOptions;
  private readonly redactor: Redactor | undefined;
  private readonly maxLineLength: number;
  /** What the redactor had counted before this line, and what the whole of a structured line holds. */
  private readonly countsBefore = emptyRedactionCounts();
  private readonly lineCounts = emptyRedactionCounts();
  private parser: HeaderParser | undefined;
  private continuation: ContinuationDetector | undefined;
  /** Cluster and line number of the last event (-1: none yet), which continuation lines join. */
  private event = -1;
  private eventLine = 0;
  private pending: string[] = [];
  private pendingNonBlank = 0;
  private pendingChars = 0;
  private ended = false;
  /** `json`/`logfmt` when lines are structured records (their samples then show some fields), else undefined. */
  private structured: 'json' | 'logfmt' | undefined;
  /** The same for the line being processed: a stream of several services may hold one that writes JSON. */
  private lineKind: 'json' | 'logfmt' | undefined;
  /** The same for a W3C log: the record being processed, whose telling fields samples and first errors quote. */
  private record: W3cRecord | undefined;
  /** The line being processed, without a collector's prefix: samples and first errors describe it from its fields. */
  private current = '';
  /** Findings in quoted fields, not counted: the whole line was counted (`fieldsOf`), or is not reported. */
  private readonly quotedCounts = emptyRedactionCounts();
  private readonly meta: LineMeta = { level: 'UNKNOWN', line: 0, time: undefined, component: undefined };
  /** A CSV export (`csv-export.ts`): its layout, its record reader, and whether its header row was seen. */
  private csv:
    | { layout: CsvLayout; reader: CsvRecordReader; year: number; headerSeen: boolean; zones: ZoneTally }
    | undefined;
  private readonly emitCsv = (lines: string[], record: string[] | undefined): void =>
    this.csvRecord(lines, record);
  /** A log written as one JSON document (`json-document.ts`): its reader, and the layout it is described by. */
  private document: { reader: JsonDocumentReader; info: HeaderInfo } | undefined;
  /** Where the document broke (or ended unclosed): the first line read as text from then on, and why. */
  private documentBreak: { line: number; reason: string } | undefined;
  /** The first of the document's lines read as text since its last record or frame (a cut record's start). */
  private documentTextFrom: number | undefined;
  /**
   * A physical line longer than `maxLineLength` being read in parts (`pushPart`, or a long line in a JSON
   * document): what is kept of it, whether it holds U+FFFD, and where it goes: to the document reader,
   * to a check of whether it starts a document written on one line (`deciding`), or cut like every other line.
   */
  private long: { head: string; notUtf8: boolean; route: 'document' | 'deciding' | 'text' } | undefined;
  private readonly emitDocument = (item: DocumentItem): void => this.documentItem(item);
  /** A W3C extended log (`w3c.ts`): its reader, which follows its directives, and its first layout's info. */
  private w3c: { reader: W3cReader; info: HeaderInfo } | undefined;
  /** A fixed-width table with a header row (`table.ts`: `kubectl get events`, `docker ps`): its reader. */
  private table: TableReader | undefined;

  constructor(options: AnalyzerOptions = {}) {
    this.options = options;
    this.miner = new TemplateMiner(options);
    this.stats = options.stats;
    this.redactor =
      options.redact === false
        ? undefined
        : new Redactor(options.network === undefined ? {} : { network: options.network });
    this.maxLineLength = Math.max(256, options.maxLineLength ?? 65_536);
    // A bad format fails here, before any line; the parser itself still learns its time fields from the
    // first lines, like detection does.
    if (options.format !== undefined) assertFormat(options.format);
  }

  /**
   * A JSON document's lines that are records written on one physical line with others (each counted as a
   * line of its own) and on how many physical lines; where it broke. Undefined for any other log.
   */
  get jsonDocument():
    | { compact?: { lines: number; physicalLines: number }; broken?: { line: number; reason: string } }
    | undefined {
    const reader = this.document?.reader;
    if (!reader) return undefined;
    const compact =
      reader.cutLines > 0
        ? { lines: reader.cutLines + reader.sharedLines, physicalLines: reader.sharedLines }
        : undefined;
    const cut = this.documentBreak;
    // A document cut right after a record gives nothing back: its last line is named.
    const broken = cut && { ...cut, line: Math.max(1, Math.min(cut.line, this.totalLines)) };
    return { ...(compact ? { compact } : {}), ...(broken ? { broken } : {}) };
  }

  get header(): HeaderInfo {
    if (this.csv) return this.csv.layout.info;
    if (this.document) return this.document.info;
    if (this.w3c) return this.w3c.info;
    if (this.table) return this.table.layout.info;
    return (this.parser ?? { info: { kind: 'none', description: '<content>', coverage: 0 } }).info;
  }

  /** Whether the times read wrote their zone (`zoneOf`), counted by every reader of the log. */
  get timeZone(): TimeZoneWritten | undefined {
    const tally = new ZoneTally();
    this.parser?.countZones?.(tally);
    tally.addAll(this.sampleZones, -1);
    if (this.csv) tally.addAll(this.csv.zones);
    this.w3c?.reader.countZones(tally);
    this.table?.countZones(tally);
    return zoneOf(tally);
  }

  get redactions(): RedactionCounts {
    return this.redactor ? { ...this.redactor.counts } : emptyRedactionCounts();
  }

  /** How addresses and host names were treated (`none` when nothing was redacted), and how many distinct. */
  get network(): { mode: NetworkRedaction | 'none'; distinct: { ip: number; host: number } } {
    if (!this.redactor) return { mode: 'none', distinct: { ip: 0, host: 0 } };
    return { mode: this.redactor.network, distinct: this.redactor.pseudonyms.distinct };
  }

  /**
   * Text pseudonymised before (a stored entry): its `<IP#n>`/`<HOST#n>` keep their meaning, and what this
   * analyzer pseudonymises (header host fields) is numbered after them. Call before the first `push`.
   */
  reservePseudonyms(text: string): void {
    this.redactor?.pseudonyms.reserve(text);
  }

  /** Adds one physical line (without its line break), or the last part of one given with `pushPart`. */
  push(rawLine: string): void {
    if (this.ended) throw new Error('LogAnalyzer: push after end');
    if (this.long !== undefined || (rawLine.length > this.maxLineLength && this.readsLongLines())) {
      this.part(rawLine, true);
      return;
    }
    this.accept(rawLine, rawLine.includes('\uFFFD'));
  }

  /**
   * Adds a part of a physical line that goes on; the next `push` ends the line. A reader of a stream gives
   * a long line so (a JSON document written on one line can be hundreds of megabytes): it is never held.
   */
  pushPart(part: string): void {
    if (this.ended) throw new Error('LogAnalyzer: push after end');
    this.part(part, false);
  }

  /**
   * A JSON document's long lines are read whole (records, not 65,536 characters of text), and so may be the
   * first long line of a log not yet detected, when it is where a document starts.
   */
  private readsLongLines(): boolean {
    if (this.document) return true;
    if (this.parser || this.options.format !== undefined) return false;
    // Only blank or short lines before it (`[`, `{"Records": [`): a check of a few characters, at most once or twice.
    return this.pendingNonBlank <= 4 && this.pending.every((l) => l.length <= 256);
  }

  /** A part of a long line: to the document reader, to the check for a document's start, or kept up to the cut. */
  private part(text: string, last: boolean): void {
    let long = this.long;
    if (!long) {
      const route = this.document ? 'document' : this.readsLongLines() ? 'deciding' : 'text';
      long = { head: '', notUtf8: false, route };
      this.long = long;
    }
    if (!long.notUtf8 && text.includes('\uFFFD')) long.notUtf8 = true;
    let rest = text;
    if (long.route === 'deciding') {
      long.head += text;
      if (!last && long.head.length < DOCUMENT_CHECK_CHARS) return;
      rest = long.head;
      long.head = '';
      this.decideLong(long, rest, last);
    }
    if (long.route === 'document') {
      const reader = (this.document as NonNullable<typeof this.document>).reader;
      if (last) reader.push(rest, this.emitDocument);
      else reader.pushPart(rest, this.emitDocument);
    } else if (long.head.length <= this.maxLineLength) {
      long.head += rest.slice(0, this.maxLineLength + 1 - long.head.length);
    }
    if (!last) return;
    this.long = undefined;
    if (long.route === 'document') {
      if (long.notUtf8) this.notUtf8Lines++;
    } else this.accept(long.head, long.notUtf8);
  }

  /** Whether the long line read so far (`head`) starts a JSON document written on one line. */
  private decideLong(long: NonNullable<typeof this.long>, head: string, complete: boolean): void {
    const checked = head.length > DOCUMENT_CHECK_CHARS ? head.slice(0, DOCUMENT_CHECK_CHARS) : head;
    const records = compactDocumentStart(this.pending, checked, complete && checked === head);
    if (!records) {
      long.route = 'text';
      return;
    }
    long.route = 'document';
    this.flush(records);
  }

  /** One physical line of at most `maxLineLength` characters, or cut to it. */
  private accept(rawLine: string, notUtf8: boolean): void {
    let line = withoutEscapes(rawLine);
    if (notUtf8) this.notUtf8Lines++;
    if (line.length > this.maxLineLength) {
      line = line.slice(0, this.maxLineLength);
      this.truncatedLines++;
    }
    if (this.parser) {
      this.process(line);
      return;
    }
    this.pending.push(line);
    this.pendingChars += Math.min(line.length, 4096);
    if (line.trim().length > 0) this.pendingNonBlank++;
    if (this.pendingNonBlank >= HEADER_SAMPLE_LINES || this.pendingChars >= SAMPLE_CHAR_BUDGET) this.flush();
  }

  /** Ends the input: processes any buffered lines and consolidates the templates. */
  end(): void {
    if (this.ended) return;
    if (this.long) this.part('', true);
    this.flush();
    this.csv?.reader.end(this.emitCsv);
    this.document?.reader.end(this.emitDocument);
    this.ended = true;
    this.miner.finalize();
  }

  /** Year-less dates past New Year, times of day without a date (`rolloverFor`); undefined: as parsed. */
  private rollover: Rollover | undefined;

  /**
   * The zones of the times the parser read while its year was chosen (`parserWithYear` reads a first time from
   * the sample): those lines are read again as lines, and a W3C log's first record is no line of the parser's.
   */
  private readonly sampleZones = new ZoneTally();

  private makeParser(sample: string[]): HeaderParser {
    const { parser, basis } = parserWithYear(sample, this.options);
    this.yearBasis = basis;
    this.rollover = rolloverFor(basis);
    parser.countZones?.(this.sampleZones);
    return parser;
  }

  /** Detects the layout from the lines so far (or a document's `found` records) and processes them. */
  private flush(found?: string[]): void {
    if (!this.parser) {
      // Only the start of a line matters for the layout; long lines are cut for the sample.
      let sample = this.pending.map((l) => (l.length > 4096 ? l.slice(0, 4096) : l));
      // A JSON document's layout is learned from its records, as the JSON lines they would be.
      const records =
        found ?? (this.options.format === undefined ? jsonDocumentRecords(this.pending) : undefined);
      if (records) sample = records;
      this.parser = this.makeParser(sample);
      if (records) {
        const reader = new JsonDocumentReader({ lineCap: this.maxLineLength + 1 });
        this.document = { reader, info: documentInfo(this.parser.info) };
      } else {
        this.detectW3c(sample);
        if (!this.w3c) this.detectCsv(sample);
        if (!this.w3c && !this.csv) this.detectTable(sample);
      }
      const kind = this.csv ? 'csv' : this.parser.info.kind;
      this.structured = kind === 'json' || kind === 'logfmt' ? kind : undefined;
      const mixed = !this.csv && this.parser.structuredKind !== undefined;
      if ((this.structured || mixed || this.w3c) && this.stats)
        this.stats.describe = (facts) => this.quoteError(facts);
      const info = this.header;
      if (info.levelsEndAtWarning && this.stats) this.stats.errorsInWarnings = true;
      if (info.levelsOnSomeLines && this.stats) this.stats.errorsUnlevelled = true;
      const unwrap = this.parser.unwrap?.bind(this.parser);
      this.continuation = new ContinuationDetector({
        indentedLog: mostlyIndented(unwrap ? sample.map(unwrap) : sample),
        headed: this.parser.info.kind !== 'none',
      });
    }
    const pending = this.pending;
    this.pending = [];
    for (const line of pending) this.process(line);
  }

  /**
   * A continuation line (stack trace, traceback, indented text) joins the event above: same template, and
   * its text goes to that event's sample while the sample has room.
   */
  private continues(line: string, lineNo: number, fitsHeader: boolean): boolean {
    const detector = this.continuation as ContinuationDetector;
    if (!detector.continues(line, fitsHeader, this.event >= 0)) return false;
    this.continuationLines++;
    if (this.miner.traceRoom(this.event, this.eventLine)) {
      const text = line.trimEnd();
      this.miner.extendSample(this.event, this.eventLine, this.redactor ? this.redactor.redact(text) : text);
    }
    this.onLine?.(lineNo, this.event);
    return true;
  }

  /**
   * The whole line of a structured log (for the HTTP fields, and the fields a sample shows), redacted by
   * the entry's redactor: the same pseudonyms as the message, and its findings counted. The message sits
   * inside the line and was counted already (`countsBefore` is the count before it), so only what the
   * line holds beyond the message and the host field is added: an address in `remote_addr`, a secret in
   * a `password` key.
   */
  private fieldsOf(line: string, redactor: Redactor): string {
    const found = this.lineCounts;
    for (const kind of REDACTION_KINDS) found[kind] = 0;
    const text = redactor.redactInto(line, found);
    const counts = redactor.counts;
    const before = this.countsBefore;
    for (const kind of REDACTION_KINDS) {
      const extra = found[kind] - (counts[kind] - before[kind]);
      if (extra > 0) counts[kind] += extra;
    }
    return text;
  }

  /**
   * The fields of the current structured line worth quoting beside its message (`structuredDetail`),
   * redacted by the entry's redactor like the message: same pseudonyms, same rules.
   */
  private detail(kind: 'json' | 'logfmt'): string {
    const detail = structuredDetail(this.current, kind);
    if (!detail || !this.redactor) return detail;
    const redacted = this.redactor.redactInto(detail, this.quotedCounts);
    return redacted.length > DETAIL_CHARS ? `${redacted.slice(0, DETAIL_CHARS - 1)}…` : redacted;
  }

  /** A W3C record's telling fields (`w3cDetail`), redacted unless read from its redacted text already. */
  private recordDetail(record: W3cRecord): string {
    const detail = w3cDetail(record);
    return record.redacted || !this.redactor ? detail : this.redactor.redactInto(detail, this.quotedCounts);
  }

  /** An error line of a structured log as quoted (first error): its message and its telling fields. */
  private quoteError(facts: LineFacts): string {
    const kind = this.lineKind;
    const message = errorMessage(facts);
    if (kind) return withDetail(message, this.detail(kind));
    return this.record ? withDetail(message, this.recordDetail(this.record)) : message;
  }

  private process(line: string): void {
    if (this.document) {
      this.document.reader.push(line, this.emitDocument);
      return;
    }
    if (this.csv) {
      this.csvLine(line);
      return;
    }
    if (this.w3c) {
      this.w3cLine(line);
      return;
    }
    if (this.table) {
      this.tableLine(line);
      return;
    }
    this.processRaw(line);
  }

  private processRaw(line: string): void {
    const lineNo = ++this.totalLines;
    const parser = this.parser as HeaderParser;
    const body = parser.unwrap ? parser.unwrap(line) : line;
    if (body.trim().length === 0) {
      this.blankLines++;
      this.onLine?.(lineNo, -1);
      return;
    }
    const parsed = parser.parse(line);
    const fitsHeader = parser.info.kind !== 'none' && parsed.content.length < body.trim().length;
    // A container runtime's header is on every line: whether its program's line continues a trace is read
    // from the text it wrote, as a line without a header would be.
    const written = parser.written?.(line);
    if (
      written !== undefined
        ? this.continues(written, lineNo, false)
        : this.continues(body, lineNo, fitsHeader)
    )
      return;
    // A line whose header gave its time fits it, whole message or not: a collector's prefix read off a
    // message that fits no writer's layout (time-prefix.ts: a Lambda export's START line written to S3).
    if (parser.info.kind !== 'none' && !fitsHeader && parsed.time === undefined) this.unmatchedHeader++;
    // Structured logs keep method, path, status and latency in keys of their own, beside the message.
    const kind = parser.structuredKind ? parser.structuredKind(line) : this.structured;
    // A line of another layout (a log joined from two programs) still says its level near its start.
    const level: LogLevel =
      parsed.level ?? (parser.info.kind !== 'none' && !fitsHeader ? levelNearStart(body) : 'UNKNOWN');
    this.addEvent(lineNo, body, parsed, level, kind);
  }

  /** Mines one event (a line, or a CSV record's first line) and adds it to the statistics. */
  private addEvent(
    lineNo: number,
    body: string,
    parsed: ParsedLine,
    level: LogLevel,
    kind: 'json' | 'logfmt' | undefined,
    record?: W3cRecord,
  ): void {
    let content = parsed.content;
    let host = parsed.host === undefined || namesNoHost(parsed.host) ? undefined : parsed.host;
    this.lineKind = kind;
    this.record = record;
    const structured = this.stats !== undefined && kind !== undefined;
    let fields: string | undefined = structured ? body : undefined;
    const redactor = this.redactor;
    if (redactor) {
      if (structured) Object.assign(this.countsBefore, redactor.counts);
      // A W3C record read from its redacted text holds its pseudonyms already (`w3cRead`).
      if (record?.redacted !== true) content = redactor.redact(content);
      if (host !== undefined) host = redactor.host(host);
      if (structured) fields = this.fieldsOf(body, redactor);
    }
    // One object reused for every line (the miner reads it and keeps nothing of it).
    const meta = this.meta;
    meta.level = level;
    meta.line = lineNo;
    const time = this.rollover ? this.rollover.time(parsed.time) : parsed.time;
    meta.time = time;
    meta.component = parsed.component;
    const cluster = this.miner.add(content, meta);
    this.current = body;
    if (kind && this.miner.sampled) {
      const detail = this.detail(kind);
      if (detail)
        this.miner.describeSample(cluster, lineNo, withDetail(content.slice(0, SAMPLE_CHARS), detail));
    } else if (record && this.miner.sampled) {
      const detail = this.recordDetail(record);
      if (detail)
        this.miner.describeSample(cluster, lineNo, withDetail(content.slice(0, SAMPLE_CHARS), detail));
    }
    this.event = cluster;
    this.eventLine = lineNo;
    const stats = this.stats;
    if (!stats) {
      this.onLine?.(lineNo, cluster);
      return;
    }
    const facts = stats.line;
    facts.line = lineNo;
    facts.cluster = cluster;
    facts.level = level;
    facts.content = content;
    facts.fields = fields;
    facts.request = record?.request ?? parsed.request;
    const columns = fields === undefined && !this.csv && this.header.kind === 'columns';
    facts.written = columns ? body : undefined;
    facts.writtenMessage = columns ? parsed.content : '';
    facts.time = time;
    facts.component = parsed.component;
    facts.host = host;
    stats.add();
    this.onLine?.(lineNo, cluster);
  }

  /**
   * A JSON document's record, frame or plain line. A record is read as the JSON line it would be in a
   * JSON-lines log, on its first physical line; its other lines continue it (as a CSV record's do). The
   * lines around records (`[`, `{"Records": [`) hold no event and are counted with the blank lines, as a
   * CSV header row is.
   */
  private documentItem(item: DocumentItem): void {
    if (item.kind === 'raw') {
      // A line given back whole by the reader (a long line of a document that broke) is cut like every other line.
      let line = item.line;
      if (line.length > this.maxLineLength) {
        line = line.slice(0, this.maxLineLength);
        this.truncatedLines++;
      }
      this.documentTextFrom ??= this.totalLines + 1;
      this.processRaw(line);
      return;
    }
    if (item.kind === 'broken') {
      // A document cut inside a string gave its last record's lines back at that line's end, before its end.
      const at = item.atEnd ? (this.documentTextFrom ?? this.totalLines + 1) : this.totalLines + 1;
      this.documentBreak ??= { line: at, reason: item.reason };
      return;
    }
    this.documentTextFrom = undefined;
    if (item.kind === 'frame') {
      this.noEventLine();
      return;
    }
    this.processRaw(item.json);
    for (let i = 1; i < item.lines.length; i++) {
      const lineNo = ++this.totalLines;
      this.continuationLines++;
      this.onLine?.(lineNo, this.event);
    }
  }

  /**
   * A physical line that holds no event (a header row, a directive, a document's frame, a footer, a blank line
   * of a reader): counted with the blank lines. The number is taken apart from the call: `?.` skips its
   * arguments, the count with them, when no one listens.
   */
  private noEventLine(): void {
    this.blankLines++;
    const lineNo = ++this.totalLines;
    this.onLine?.(lineNo, -1);
  }

  /** The year a reader of written-out records (CSV, W3C, a table) gives a time that omits it. */
  private readerYear(): number {
    return this.yearBasis?.year ?? new Date(this.options.receivedAt ?? Date.now()).getUTCFullYear();
  }

  /** Such a reader's times write their date: no year is assumed, nothing rolls over. */
  private datesWritten(year: number): void {
    this.yearBasis = { yearless: false, year, source: this.yearBasis?.source ?? 'clock' };
    this.rollover = undefined;
  }

  /** Whether the sample is a CSV export; if so its records, not its lines, are the events from now on. */
  private detectCsv(sample: string[]): void {
    if (this.options.format !== undefined) return;
    const year = this.readerYear();
    const layout = detectCsvExport(sample, { year });
    if (!layout) return;
    this.csv = {
      layout,
      reader: new CsvRecordReader(layout.delimiter),
      year,
      headerSeen: !layout.headerRow,
      zones: new ZoneTally(),
    };
    // CSV times carry their date.
    this.datesWritten(year);
  }

  /** Whether the sample is a W3C extended log; if so its `#Fields:` directives name the fields from now on. */
  private detectW3c(sample: string[]): void {
    if (this.options.format !== undefined) return;
    const layout = detectW3c(sample);
    if (!layout) return;
    const year = this.readerYear();
    this.w3c = { reader: new W3cReader(layout, year), info: layout.info };
    // W3C times carry their date (or take the `#Date:` directive's) and are UTC.
    this.datesWritten(year);
  }

  /** Whether the sample is a fixed-width table with a header row; if so its columns name the fields from now on. */
  private detectTable(sample: string[]): void {
    if (this.options.format !== undefined) return;
    const layout = detectTable(sample);
    if (!layout) return;
    const year = this.readerYear();
    this.table = new TableReader(layout, year);
    // A table's times are read only from values that write their year (ages give none).
    this.datesWritten(year);
  }

  /**
   * One physical line of a table: its header row holds no event (counted with the blank lines, as a CSV
   * header row); a record is cut at the header's offsets; anything else is read as a plain log's line.
   */
  private tableLine(line: string): void {
    const read = (this.table as TableReader).read(line);
    if (read.kind === 'other') {
      this.processRaw(line);
      return;
    }
    if (read.kind === 'header') {
      this.noEventLine();
      return;
    }
    const lineNo = ++this.totalLines;
    const parsed = read.parsed;
    // The component is shown as written in summaries: kubectl's SOURCE may name a node (`kubelet, ip-10-0-1-5…`).
    if (this.redactor && parsed.component !== undefined)
      parsed.component = this.redactor.redact(parsed.component);
    this.addEvent(lineNo, line, parsed, parsed.level ?? 'UNKNOWN', undefined);
  }

  /**
   * One physical line of a W3C log: a directive holds no event (counted with the blank lines, as a CSV header
   * row); a record is read by the current `#Fields:`; anything else (a blank line, a record of another field
   * count) is read as a plain log's line.
   */
  private w3cLine(line: string): void {
    const read = this.w3cRead(line);
    if (read.kind === 'other') {
      this.processRaw(line);
      return;
    }
    if (read.kind === 'directive') {
      this.directiveLines++;
      this.noEventLine();
      return;
    }
    this.addEvent(++this.totalLines, line, read.parsed, 'UNKNOWN', undefined, read);
  }

  /**
   * A W3C line read by the current layout. A record is redacted whole first, as the stored text is (every
   * field counted once, the client's address with the rest, pseudonyms numbered in the line's order), and read
   * from its redacted text: its message, host and request path hold the pseudonyms already. A redaction that
   * changed the field count (a replaced value that held a space) is undone in the counts and the record read
   * as written, its message redacted like every other message.
   */
  private w3cRead(line: string): W3cLine {
    const reader = (this.w3c as NonNullable<typeof this.w3c>).reader;
    const redactor = this.redactor;
    if (!redactor || isW3cDirective(line)) return reader.read(line);
    const before = Object.assign(this.countsBefore, redactor.counts);
    const redacted = redactor.redact(line);
    const read = reader.read(redacted);
    if (read.kind === 'record' || redacted === line) {
      if (read.kind === 'record') read.redacted = true;
      return read;
    }
    Object.assign(redactor.counts, before);
    return reader.read(line);
  }

  /** One physical line of a CSV export: blank lines and the header row hold no event; the rest are records. */
  private csvLine(line: string): void {
    const csv = this.csv as NonNullable<typeof this.csv>;
    if (!csv.headerSeen) {
      // Blank lines before the header row, and the row itself (it names the columns), hold no event.
      if (line.trim().length > 0) csv.headerSeen = true;
      this.noEventLine();
      return;
    }
    csv.reader.push(line, this.emitCsv);
  }

  /**
   * A record's lines: the first carries the event, the others (a multi-line quoted message) continue it, as a
   * stack trace continues its line. Lines that are no record (a broken quote) are read as a plain log's.
   */
  private csvRecord(lines: string[], record: string[] | undefined): void {
    const csv = this.csv as NonNullable<typeof this.csv>;
    if (record !== undefined && lines.length === 1 && isRowCountFooter(record)) {
      // A database client's count of the rows it printed: no event, counted as the header row is.
      this.rowCountFooters++;
      this.noEventLine();
      return;
    }
    if (record === undefined || record.length <= csv.layout.message) {
      for (const line of lines) this.processRaw(line);
      return;
    }
    const { parsed, rest } = csvParsedLine(record, csv.layout, csv.year, csv.zones);
    let i = 0;
    // Blank lines before the record (between records) stay blank lines.
    for (; i < lines.length && (lines[i] as string).trim().length === 0; i++) this.noEventLine();
    if (i === lines.length) return;
    const lineNo = ++this.totalLines;
    this.addEvent(lineNo, lines[i] as string, parsed, parsed.level ?? 'UNKNOWN', undefined);
    for (i++; i < lines.length; i++) {
      const lineNo = ++this.totalLines;
      this.continuationLines++;
      const text = rest.shift()?.trimEnd();
      if (text && this.miner.traceRoom(this.event, this.eventLine)) {
        this.miner.extendSample(
          this.event,
          this.eventLine,
          this.redactor ? this.redactor.redact(text) : text,
        );
      }
      this.onLine?.(lineNo, this.event);
    }
  }
}

/** A JSON document's records are read as JSON lines are: the same layout, named for what the file is. */
function documentInfo(info: HeaderInfo): HeaderInfo {
  if (info.kind !== 'json') return info;
  return { ...info, description: info.description.replace(/^JSON lines/, 'JSON document records') };
}
