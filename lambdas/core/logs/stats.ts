/**
 * The running statistics a summary is built from, gathered line by line by the analyzer: level mix, an
 * adaptive time histogram whose buckets remember enough to describe an incident (top and first-seen
 * templates, first error, components, hosts), component and host tallies, the first error and HTTP
 * requests. Everything is bounded whatever the input.
 */
import { type HttpRequest, HttpStats, namedDuration, parseHttp, statusBefore } from './http.ts';
import { inferLevel, LOG_LEVELS, type LogLevel, levelIndex } from './levels.ts';
import { QuantileSketch } from './quantiles.ts';
import { detach, TopValues } from './tally.ts';

/** Clusters whose named durations are kept (a sketch each). */
const DURATION_CLUSTERS = 200;

/** Clusters remembered per bucket in the order they were first seen there. */
const FIRST_SEEN_PER_BUCKET = 12;
const ERROR_TEXT_CHARS = 512;

export interface FirstError {
  line: number;
  time?: number;
  level: LogLevel;
  cluster: number;
  text: string;
  /** True when the line had no level and its wording (or a 5xx status) made it an error. */
  inferred: boolean;
}

export interface TimeBucket {
  count: number;
  errors: number;
  /** Earliest and latest line time, and earliest error time, in the bucket (ms). */
  minTime: number;
  maxTime: number;
  firstErrorTime: number;
  lastErrorTime: number;
  /** Cluster ids seen most in the bucket, over all lines and over error lines. */
  top: TopValues<number>;
  errorTop: TopValues<number> | undefined;
  /** Cluster ids in the order of their first line in the bucket, and that line's time. */
  firstSeen: number[];
  firstSeenTime: number[];
  components: TopValues<string> | undefined;
  hosts: TopValues<string> | undefined;
  /** HTTP server errors as `503 POST /api/checkout`. */
  http5xx: TopValues<string> | undefined;
  firstError: FirstError | undefined;
}

function emptyBucket(): TimeBucket {
  return {
    count: 0,
    errors: 0,
    minTime: Number.POSITIVE_INFINITY,
    maxTime: Number.NEGATIVE_INFINITY,
    firstErrorTime: Number.POSITIVE_INFINITY,
    lastErrorTime: Number.NEGATIVE_INFINITY,
    top: new TopValues<number>(8),
    errorTop: undefined,
    firstSeen: [],
    firstSeenTime: [],
    components: undefined,
    hosts: undefined,
    http5xx: undefined,
    firstError: undefined,
  };
}

/** One line as the statistics see it. One instance is reused for every line: nothing is allocated. */
export class LineFacts {
  line = 0;
  cluster = 0;
  level: LogLevel = 'UNKNOWN';
  content = '';
  /** Where HTTP fields are looked for when not in `content`: the whole line of a JSON or logfmt log. */
  fields: string | undefined;
  /**
   * The line as written and its message before redaction, in a column layout: the header before the message
   * may hold a status that a request in the message lacks (a load balancer's own, written before the target's
   * and the request: AWS's ALB). Read only for such a request, and only for a status code.
   */
  written: string | undefined;
  writtenMessage = '';
  /**
   * The request as a layout states it field by field (a W3C log's `cs-method`, `cs-uri-stem`, `sc-status`,
   * `time-taken`): taken as it is, instead of being looked for in the text. Undefined: looked for.
   */
  request: HttpRequest | undefined;
  time: number | undefined;
  component: string | undefined;
  host: string | undefined;
  error = false;
  /** An error recognised from wording or an HTTP status rather than a level field. */
  inferred = false;
  /** How the line is quoted as a first error, once asked for (`LogStats.quote`); reset for every line. */
  quoted: string | undefined;
  /** `503 POST /api/checkout` for an HTTP 5xx response. */
  http5xx: string | undefined;
}

/** Adaptive time histogram: bucket width doubles whenever more than `maxBuckets` would be needed. */
export class TimeHistogram {
  width = 1000;
  readonly buckets = new Map<number, TimeBucket>();
  constructor(private readonly maxBuckets = 2048) {}

  add(facts: LineFacts, time: number, quote: (facts: LineFacts) => string = errorMessage): void {
    const b = this.bucketAt(time);
    b.count++;
    b.top.add(facts.cluster);
    if (time < b.minTime) b.minTime = time;
    if (time > b.maxTime) b.maxTime = time;
    if (b.firstSeen.length < FIRST_SEEN_PER_BUCKET && !b.firstSeen.includes(facts.cluster)) {
      b.firstSeen.push(facts.cluster);
      b.firstSeenTime.push(time);
    }
    if (facts.component !== undefined) {
      b.components ??= new TopValues<string>(4);
      b.components.add(facts.component);
    }
    if (facts.host !== undefined) {
      b.hosts ??= new TopValues<string>(4);
      b.hosts.add(facts.host);
    }
    if (!facts.error) return;
    b.errors++;
    if (time < b.firstErrorTime) b.firstErrorTime = time;
    if (time > b.lastErrorTime) b.lastErrorTime = time;
    b.errorTop ??= new TopValues<number>(4);
    b.errorTop.add(facts.cluster);
    if (facts.http5xx !== undefined) {
      b.http5xx ??= new TopValues<string>(4);
      b.http5xx.add(facts.http5xx);
    }
    if (isEarlierError(facts, b.firstError)) b.firstError = firstErrorOf(facts, quote);
  }

  private bucketAt(time: number): TimeBucket {
    let b = this.buckets.get(Math.floor(time / this.width));
    if (b) return b;
    b = emptyBucket();
    this.buckets.set(Math.floor(time / this.width), b);
    if (this.buckets.size > this.maxBuckets) {
      this.widen();
      b = this.buckets.get(Math.floor(time / this.width)) as TimeBucket;
    }
    return b;
  }

  private widen(): void {
    while (this.buckets.size > this.maxBuckets / 2) {
      const old = [...this.buckets].sort((a, b) => a[0] - b[0]);
      this.buckets.clear();
      this.width *= 2;
      for (const [key, b] of old) {
        const k = Math.floor(key / 2);
        const into = this.buckets.get(k);
        if (into) mergeBucket(into, b);
        else this.buckets.set(k, b);
      }
    }
  }
}

function mergeTop<K extends string | number>(
  into: TopValues<K> | undefined,
  other: TopValues<K> | undefined,
): TopValues<K> | undefined {
  if (!other) return into;
  if (!into) return other;
  into.merge(other);
  return into;
}

/** Folds a later bucket into an earlier one. */
function mergeBucket(into: TimeBucket, b: TimeBucket): void {
  into.count += b.count;
  into.errors += b.errors;
  into.minTime = Math.min(into.minTime, b.minTime);
  into.maxTime = Math.max(into.maxTime, b.maxTime);
  into.firstErrorTime = Math.min(into.firstErrorTime, b.firstErrorTime);
  into.lastErrorTime = Math.max(into.lastErrorTime, b.lastErrorTime);
  into.top.merge(b.top);
  into.errorTop = mergeTop(into.errorTop, b.errorTop);
  into.components = mergeTop(into.components, b.components);
  into.hosts = mergeTop(into.hosts, b.hosts);
  into.http5xx = mergeTop(into.http5xx, b.http5xx);
  b.firstSeen.forEach((cluster, i) => {
    if (into.firstSeen.length < FIRST_SEEN_PER_BUCKET && !into.firstSeen.includes(cluster)) {
      into.firstSeen.push(cluster);
      into.firstSeenTime.push(b.firstSeenTime[i] as number);
    }
  });
  if (b.firstError && isEarlierError(b.firstError, into.firstError)) into.firstError = b.firstError;
}

/**
 * Whether an error line comes before the first error found so far. The first error is the earliest in time, not
 * in the file: a log gathered from several servers is not in time order, and the incidents and the headline
 * count in time. A line without a time comes first only while no timed error is known.
 */
function isEarlierError(candidate: { time?: number | undefined }, current: FirstError | undefined): boolean {
  if (!current) return true;
  if (candidate.time === undefined) return false;
  return current.time === undefined || candidate.time < current.time;
}

/** The message of an error line, cut to the length an error is quoted with. */
export const errorMessage = (facts: LineFacts): string =>
  facts.content.length > ERROR_TEXT_CHARS ? facts.content.slice(0, ERROR_TEXT_CHARS) : facts.content;

function firstErrorOf(facts: LineFacts, quote: (facts: LineFacts) => string): FirstError {
  const fe: FirstError = {
    line: facts.line,
    level: facts.level === 'UNKNOWN' ? 'ERROR' : facts.level,
    cluster: facts.cluster,
    text: detach(quote(facts)),
    inferred: facts.inferred,
  };
  if (facts.time !== undefined) fe.time = facts.time;
  return fe;
}

/** Why a template's lines were errors: lines, and of them with an ERROR/FATAL level, an HTTP 5xx, error wording. */
export interface ErrorReasons {
  lines: number;
  level: number;
  http5xx: number;
  wording: number;
}

/** Clusters whose error lines are tallied by reason; past it, new clusters are not (a pathological log). */
const ERROR_CLUSTERS = 100_000;

export class LogStats {
  readonly histogram = new TimeHistogram();
  readonly levelCounts = new Float64Array(LOG_LEVELS.length);
  readonly components = new TopValues<string>(64);
  readonly componentErrors = new TopValues<string>(64);
  readonly hosts = new TopValues<string>(64);
  readonly hostErrors = new TopValues<string>(64);
  readonly http = new HttpStats();
  linesWithTime = 0;
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;
  /** Lines counted as errors: ERROR/FATAL, else (no level) error wording, or an HTTP 5xx response. */
  errorLines = 0;
  /** Of those, errors from wording or status rather than a level field. */
  inferredErrorLines = 0;
  firstError: FirstError | undefined;
  /** Per cluster id (before merges: resolve them), its error lines by reason. Only error lines touch it. */
  readonly clusterErrors = new Map<number, ErrorReasons>();
  /**
   * Per cluster id (before merges), the durations its lines name outside a request (`Duration: 12.34 ms`);
   * null for a cluster whose first line named none: one lookup per line either way.
   */
  readonly clusterDurations = new Map<number, QuantileSketch | null>();
  /** Per cluster: does its wording say error? Decided on its first line (levels are absent). */
  private readonly wording = new Map<number, boolean>();
  private levelled = 0;
  /** The log's levels end at warning (`HeaderInfo.levelsEndAtWarning`): a warning's wording may make it an error. */
  errorsInWarnings = false;
  /**
   * Only lines of one kind carry a level (`HeaderInfo.levelsOnSomeLines`): a line without one is judged by its
   * wording (a Lambda export's `Task timed out after 3.00 seconds`) however many lines have a level.
   */
  errorsUnlevelled = false;
  /** The line being added: fill it, then `add()`. */
  readonly line = new LineFacts();
  /**
   * How an error line is quoted (its message, and for a structured line the fields that matter); set by
   * the analyzer. Called only for the lines that become a first error (of the log or of a time bucket).
   */
  describe: ((facts: LineFacts) => string) | undefined;
  private readonly quote = (facts: LineFacts): string => {
    facts.quoted ??= this.describe ? this.describe(facts) : errorMessage(facts);
    return facts.quoted;
  };

  /** Adds `this.line` (line number, cluster, level, content, time, component and host set by the caller). */
  add(): void {
    const facts = this.line;
    facts.quoted = undefined;
    const li = levelIndex(facts.level);
    this.levelCounts[li] = (this.levelCounts[li] as number) + 1;
    if (facts.level !== 'UNKNOWN') this.levelled++;
    this.classify(facts);
    if (facts.error) {
      this.errorLines++;
      if (facts.inferred) this.inferredErrorLines++;
      this.tallyError(facts);
      if (isEarlierError(facts, this.firstError)) this.firstError = firstErrorOf(facts, this.quote);
    }
    const time = facts.time;
    if (time !== undefined) {
      this.linesWithTime++;
      if (time < this.minTime) this.minTime = time;
      if (time > this.maxTime) this.maxTime = time;
      this.histogram.add(facts, time, this.quote);
    }
    if (facts.component !== undefined) {
      this.components.add(facts.component);
      if (facts.error) this.componentErrors.add(facts.component);
    }
    if (facts.host !== undefined) {
      this.hosts.add(facts.host);
      if (facts.error) this.hostErrors.add(facts.host);
    }
  }

  private tallyError(facts: LineFacts): void {
    let reasons = this.clusterErrors.get(facts.cluster);
    if (!reasons) {
      if (this.clusterErrors.size >= ERROR_CLUSTERS) return;
      reasons = { lines: 0, level: 0, http5xx: 0, wording: 0 };
      this.clusterErrors.set(facts.cluster, reasons);
    }
    reasons.lines++;
    if (facts.level === 'ERROR' || facts.level === 'FATAL') reasons.level++;
    if (facts.http5xx !== undefined) reasons.http5xx++;
    else if (facts.inferred) reasons.wording++;
  }

  /** Sets `error`, `inferred` and `http5xx`, counting an HTTP request on the way. */
  private classify(facts: LineFacts): void {
    const request = facts.request ?? parseHttp(facts.fields ?? facts.content);
    if (request && request.status === undefined && facts.written !== undefined) {
      const cut = facts.written.indexOf(facts.writtenMessage);
      const status = cut > 0 ? statusBefore(facts.written.slice(0, cut)) : undefined;
      if (status !== undefined) request.status = Number(status);
    }
    const endpoint = request ? this.http.add(request) : undefined;
    if (!request) this.addDuration(facts);
    const status = request?.status;
    facts.http5xx = status !== undefined && status >= 500 ? `${status} ${endpoint}` : undefined;
    const levelError = facts.level === 'ERROR' || facts.level === 'FATAL';
    facts.inferred = !levelError && this.inferredError(facts, status);
    facts.error = levelError || facts.inferred;
  }

  /**
   * A duration the line names (a Lambda REPORT's `Duration: 12.34 ms`, `took=5ms`), per cluster: whether a
   * cluster's lines name one is decided on its first line, so other lines cost one lookup.
   */
  private addDuration(facts: LineFacts): void {
    const durations = this.clusterDurations;
    let sketch = durations.get(facts.cluster);
    if (sketch === null) return;
    if (sketch === undefined) {
      if (durations.size >= 100_000) return;
      const named = namedDuration(facts.content) !== undefined && this.durationSketches < DURATION_CLUSTERS;
      sketch = named ? new QuantileSketch(0.01) : null;
      durations.set(facts.cluster, sketch);
      if (!sketch) return;
      this.durationSketches++;
    }
    const ms = namedDuration(facts.content);
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) sketch.add(ms);
  }
  private durationSketches = 0;

  /**
   * An error without an ERROR/FATAL level: an HTTP 5xx response, or, in a log without any level field
   * (so far) or with levels on lines of one kind only, or on a warning of a log whose levels end there, wording such as "failed" or "refused" (decided
   * once per template).
   */
  private inferredError(facts: LineFacts, status: number | undefined): boolean {
    if (status !== undefined && status >= 500) return true;
    const worded =
      facts.level === 'UNKNOWN'
        ? this.levelled === 0 || this.errorsUnlevelled
        : this.errorsInWarnings && facts.level === 'WARN';
    if (!worded) return false;
    let error = this.wording.get(facts.cluster);
    if (error === undefined) {
      error = inferLevel(facts.content) === 'ERROR';
      if (this.wording.size < 100_000) this.wording.set(facts.cluster, error);
    }
    return error;
  }
}
