/**
 * The streaming pipeline over one log: header detection (from a bounded sample of the first lines), PII
 * redaction, template mining and the running statistics the summary needs (levels, time histogram,
 * components, hosts, first error). Feed it lines with `push`, then call `end`.
 *
 * Memory is bounded whatever the input: the header sample is capped in lines and characters, lines are cut
 * at `maxLineLength`, and every tally has a fixed capacity. Nothing is kept per line except what the caller
 * asks for through `onLine`.
 */
import { emptyRedactionCounts, type RedactionCounts, Redactor } from '../redaction/redact.ts';
import { ContinuationDetector, mostlyIndented } from './continuation.ts';
import {
  assertFormat,
  createHeaderParser,
  HEADER_SAMPLE_LINES,
  type HeaderInfo,
  type HeaderParser,
} from './header.ts';
import { LOG_LEVELS, type LogLevel, levelIndex } from './levels.ts';
import { type MinerOptions, TemplateMiner } from './miner.ts';
import { detach, TopValues } from './tally.ts';

export interface AnalyzerOptions extends MinerOptions {
  /** Loghub-style header format; when absent the header layout is detected. */
  format?: string;
  /** Year for timestamps written without one (syslog). Default: the current UTC year. */
  defaultYear?: number;
  /** Redact PII before mining (default true). Templates, samples and values then hold placeholders. */
  redact?: boolean;
  /** Characters of a line that are analysed; the rest is dropped. Default 65,536. */
  maxLineLength?: number;
}

export interface TimeBucket {
  count: number;
  errors: number;
  /** Cluster ids seen most in the bucket, over all lines and over ERROR/FATAL lines. */
  top: TopValues<number>;
  errorTop: TopValues<number> | undefined;
}

/** Adaptive time histogram: bucket width doubles whenever more than `maxBuckets` would be needed. */
export class TimeHistogram {
  width = 1000;
  readonly buckets = new Map<number, TimeBucket>();
  constructor(private readonly maxBuckets = 2048) {}

  add(time: number, error: boolean, cluster: number): void {
    const key = Math.floor(time / this.width);
    let b = this.buckets.get(key);
    if (!b) {
      b = { count: 0, errors: 0, top: new TopValues<number>(4), errorTop: undefined };
      this.buckets.set(key, b);
      if (this.buckets.size > this.maxBuckets) {
        this.widen();
        b = this.buckets.get(Math.floor(time / this.width)) as TimeBucket;
      }
    }
    b.count++;
    b.top.add(cluster);
    if (error) {
      b.errors++;
      if (!b.errorTop) b.errorTop = new TopValues<number>(4);
      b.errorTop.add(cluster);
    }
  }

  private widen(): void {
    while (this.buckets.size > this.maxBuckets / 2) {
      const old = [...this.buckets];
      this.buckets.clear();
      this.width *= 2;
      for (const [key, b] of old) {
        const k = Math.floor(key / 2);
        const into = this.buckets.get(k);
        if (!into) this.buckets.set(k, b);
        else {
          into.count += b.count;
          into.errors += b.errors;
          into.top.merge(b.top);
          if (b.errorTop) {
            if (into.errorTop) into.errorTop.merge(b.errorTop);
            else into.errorTop = b.errorTop;
          }
        }
      }
    }
  }
}

export interface FirstError {
  line: number;
  time?: number;
  level: LogLevel;
  cluster: number;
  text: string;
}

const SAMPLE_CHAR_BUDGET = 1_000_000;

export class LogAnalyzer {
  readonly miner: TemplateMiner;
  readonly histogram = new TimeHistogram();
  readonly levelCounts = new Float64Array(LOG_LEVELS.length);
  readonly components = new TopValues<string>(64);
  readonly componentErrors = new TopValues<string>(64);
  readonly hosts = new TopValues<string>(64);
  /** Physical lines seen, blank ones included. */
  totalLines = 0;
  blankLines = 0;
  truncatedLines = 0;
  /** Lines that did not fit the detected header layout (their whole text was mined). */
  unmatchedHeader = 0;
  /**
   * Lines that continue the event above them (stack traces, tracebacks, indented text): they carry that
   * event's template and are not mined themselves. Events = analysed lines - continuation lines.
   */
  continuationLines = 0;
  linesWithTime = 0;
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;
  firstError: FirstError | undefined;
  /**
   * Called once per physical line, in order, with its 1-based number and cluster id (-1 for blank lines).
   * Resolve ids through `miner.resolve` once the whole input is read to get final templates.
   */
  onLine: ((line: number, cluster: number) => void) | undefined;

  private readonly options: AnalyzerOptions;
  private readonly redactor: Redactor | undefined;
  private readonly maxLineLength: number;
  private parser: HeaderParser | undefined;
  private continuation: ContinuationDetector | undefined;
  /** Cluster and line number of the last event (-1: none yet), which continuation lines join. */
  private event = -1;
  private eventLine = 0;
  private pending: string[] = [];
  private pendingNonBlank = 0;
  private pendingChars = 0;
  private ended = false;

  constructor(options: AnalyzerOptions = {}) {
    this.options = options;
    this.miner = new TemplateMiner(options);
    this.redactor = options.redact === false ? undefined : new Redactor();
    this.maxLineLength = Math.max(256, options.maxLineLength ?? 65_536);
    // A bad format fails here, before any line; the parser itself still learns its time fields from the
    // first lines, like detection does.
    if (options.format !== undefined) assertFormat(options.format);
  }

  get header(): HeaderInfo {
    return (this.parser ?? { info: { kind: 'none', description: '<content>', coverage: 0 } }).info;
  }

  get redactions(): RedactionCounts {
    return this.redactor ? { ...this.redactor.counts } : emptyRedactionCounts();
  }

  /** Adds one physical line (without its line break). */
  push(rawLine: string): void {
    if (this.ended) throw new Error('LogAnalyzer: push after end');
    let line = rawLine;
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
    this.flush();
    this.ended = true;
    this.miner.finalize();
  }

  private makeParser(sample: string[]): HeaderParser {
    const defaultYear = this.options.defaultYear ?? new Date().getUTCFullYear();
    const header: { format?: string; defaultYear: number } = { defaultYear };
    if (this.options.format !== undefined) header.format = this.options.format;
    return createHeaderParser(sample, header);
  }

  private flush(): void {
    if (!this.parser) {
      // Only the start of a line matters for the layout; long lines are cut for the sample.
      const sample = this.pending.map((l) => (l.length > 4096 ? l.slice(0, 4096) : l));
      this.parser = this.makeParser(sample);
      this.continuation = new ContinuationDetector({
        indentedLog: mostlyIndented(sample),
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

  private process(line: string): void {
    const lineNo = ++this.totalLines;
    const parser = this.parser as HeaderParser;
    if (line.trim().length === 0) {
      this.blankLines++;
      this.onLine?.(lineNo, -1);
      return;
    }
    const parsed = parser.parse(line);
    const fitsHeader = parser.info.kind !== 'none' && parsed.content.length < line.trim().length;
    if (this.continues(line, lineNo, fitsHeader)) return;
    if (parser.info.kind !== 'none' && !fitsHeader) this.unmatchedHeader++;
    let content = parsed.content;
    let host = parsed.host;
    if (this.redactor) {
      content = this.redactor.redact(content);
      if (host !== undefined) host = this.redactor.redact(host);
    }
    const level: LogLevel = parsed.level ?? 'UNKNOWN';
    const meta: { time?: number; level: LogLevel; component?: string } = { level };
    if (parsed.time !== undefined) meta.time = parsed.time;
    if (parsed.component !== undefined) meta.component = parsed.component;
    const cluster = this.miner.add(content, { ...meta, line: lineNo });
    this.event = cluster;
    this.eventLine = lineNo;
    const li = levelIndex(level);
    this.levelCounts[li] = (this.levelCounts[li] as number) + 1;
    const error = level === 'ERROR' || level === 'FATAL';
    if (parsed.time !== undefined) {
      this.linesWithTime++;
      if (parsed.time < this.minTime) this.minTime = parsed.time;
      if (parsed.time > this.maxTime) this.maxTime = parsed.time;
      this.histogram.add(parsed.time, error, cluster);
    }
    if (parsed.component !== undefined) {
      this.components.add(parsed.component);
      if (error) this.componentErrors.add(parsed.component);
    }
    if (host !== undefined) this.hosts.add(host);
    if (error && !this.firstError) {
      this.firstError = {
        line: lineNo,
        level,
        cluster,
        text: detach(content.length > 512 ? content.slice(0, 512) : content),
      };
      if (parsed.time !== undefined) this.firstError.time = parsed.time;
    }
    this.onLine?.(lineNo, cluster);
  }
}
