/**
 * The log summary (DESIGN §6 "Logs"): what happened, as structured data (`LogSummary`) and as readable
 * text (`renderSummaryText`, in summary-text.ts). Built from a finished `LogAnalyzer`; no I/O.
 *
 * It opens with a headline, then incidents in time order, volume and span, the level mix, templates (top,
 * errors, warnings, rare, new), HTTP status and latency, components and hosts, the first error, what
 * changed against a baseline, and the redaction counts. A `census` of the templates makes any stored
 * summary usable as the baseline of a later log.
 */
import { type NetworkRedaction, type RedactionCounts, totalRedactions } from '../redaction/redact.ts';
import type { LogAnalyzer } from './analyzer.ts';
import {
  type Census,
  type CensusEntry,
  censusOf,
  compareCensus,
  type LimitedChanges,
  limitChanges,
} from './baseline.ts';
import type { HeaderInfo } from './header.ts';
import { buildHeadline } from './headline.ts';
import { type HttpSummary, type LatencyPercentiles, percentilesOf } from './http.ts';
import {
  describeError,
  detectIncidents,
  type ErrorLine,
  type Incident,
  iso,
  round,
  type Timeline,
} from './incidents.ts';
import { inferLevel, LOG_LEVELS, type LogLevel } from './levels.ts';
import type { TemplateSnapshot } from './miner.ts';
import { QuantileSketch } from './quantiles.ts';
import type { ErrorReasons, LogStats } from './stats.ts';
import type { TimeZoneWritten } from './timestamp.ts';
import type { YearBasis } from './year.ts';

export interface TemplateBrief {
  id: string;
  template: string;
  count: number;
  /** Share of analysed lines (0..1). */
  share: number;
  /** Most frequent level of the template's lines, or the level its wording suggests (`levelInferred`). */
  level: LogLevel;
  /** True when the log has no level field and `level` was guessed from the template's wording. */
  levelInferred: boolean;
  firstLine: number;
  /** ISO-8601, when lines carried a time. */
  firstSeen?: string;
  lastSeen?: string;
  /**
   * Error templates only: how many of the template's lines are errors, and why (a line may have several
   * reasons: an ERROR/FATAL level, an HTTP 5xx status, error wording in a log without levels). `level`
   * above is the most frequent level of all its lines, which for a template of a few 5xx among many
   * requests is INFO. Absent in summaries made before it was added.
   */
  errors?: ErrorReasons;
  /**
   * Warning templates only: how many of its lines are warnings (a template logged at INFO that warned a few
   * times has `level` INFO). Absent in summaries made before it was added.
   */
  warnings?: number;
}

export interface LogSummary {
  version: 2;
  /** One to three sentences: what failed, when, how much, what is new (template ids in brackets). */
  headline: string;
  lines: {
    /** Physical lines read. */
    total: number;
    /** Events analysed: non-blank lines other than continuation lines. */
    analysed: number;
    blank: number;
    /** Lines that continue the event above them (stack traces, tracebacks), part of that event. */
    continuation: number;
    /** Lines that did not fit the header layout (mined as a whole). */
    unmatchedHeader: number;
    /** Lines cut at the line-length limit. */
    truncated: number;
    /** Lines with bytes that were not UTF-8, read as U+FFFD (absent in summaries made before it was counted). */
    notUtf8?: number;
    /** A CSV export's row-count footers (psql's `(30 rows)`), counted with the blank lines; absent when none. */
    rowCountFooters?: number;
    /** A W3C log's directive lines (`#Fields:`, `#Date:` …), counted with the blank lines; absent when none. */
    directives?: number;
    /**
     * A JSON document written on one line (or a few): its records on those lines, each counted as a line of
     * its own (as its JSON lines would be), and the physical lines that held them; absent when none.
     */
    compactJson?: { lines: number; physicalLines: number };
    /** Where a JSON document broke or ended unclosed: from that line on it was read as plain text. */
    jsonDocumentBroken?: { line: number; reason: string };
  };
  header: HeaderInfo;
  timeSpan: {
    start: string;
    end: string;
    durationSeconds: number;
    linesWithTime: number;
    /**
     * Whether the times wrote their zone: `written` (`Z`, `UTC`, `+02:00`, epoch numbers, W3C logs: all UTC),
     * `none` (the writer's clock, read as UTC only to order and bucket them: not to be called UTC), `mixed`
     * (some lines each way). Absent in summaries made before it existed (their times were all called UTC).
     */
    zone?: TimeZoneWritten;
    /** Set when the timestamps carry no year: the year they were given and where it came from. */
    yearAssumed?: { year: number; from: YearBasis['source'] };
    /** Set when the timestamps are times of day without a date: the day (`2024-05-01`) they were put on. */
    dateAssumed?: { date: string; from: YearBasis['source'] };
  } | null;
  levels: {
    counts: Partial<Record<LogLevel, number>>;
    /** `header`: from the log's level field; `inferred`: from template wording (no level field); `none`. */
    source: 'header' | 'inferred' | 'none';
  };
  /** Error lines: ERROR/FATAL levels, plus HTTP 5xx responses and (without levels) error wording. */
  errors: { total: number; inferred: number };
  templates: { total: number; overflowLines: number };
  topTemplates: TemplateBrief[];
  errorTemplates: TemplateBrief[];
  warningTemplates: TemplateBrief[];
  /** Templates seen at most a handful of times. */
  rareTemplates: TemplateBrief[];
  /** Templates first seen in the last fifth of the window (by time, or by line when there is no time). */
  newTemplates: TemplateBrief[];
  /** Error or volume surges, in time order (the five largest). */
  incidents: Incident[];
  timeline: Timeline | null;
  http: HttpSummary | null;
  /**
   * Durations the lines name outside HTTP requests (`Duration: 12.34 ms` of a Lambda REPORT line, `took=5ms`),
   * per template, most lines first. Absent when no line names one.
   */
  durations?: TemplateDurations[];
  topComponents: { name: string; lines: number; errors: number }[];
  topHosts: { name: string; lines: number; errors: number }[];
  firstError: ErrorLine | null;
  /** Against a baseline summary (same source, earlier), when one was given. */
  changes: LimitedChanges | null;
  census: Census;
  redactions: {
    total: number;
    byKind: RedactionCounts;
    /** What happened to IP addresses and host names, and how many distinct ones were pseudonymised. */
    network: NetworkRedaction | 'none';
    distinct: { ip: number; host: number };
  };
}

export interface SummaryOptions {
  /** Entries per list (top, errors, rare, new, components, hosts). Default 10. */
  listLimit?: number;
  /** Snapshots of the templates, when the caller already has them (avoids a second pass). */
  templates?: TemplateSnapshot[];
  /** An earlier summary of the same source to compare with, and how to call it in text. */
  baseline?: { census: Census; label?: string };
  /** Redactions already applied to the text before it reached the analyzer (stored entries). */
  priorRedactions?: RedactionCounts;
}

/** The analyzer and its statistics: a summary needs an analyzer created with `stats`. */
type Analysed = LogAnalyzer & { readonly stats: LogStats };

function withStats(analyzer: LogAnalyzer): Analysed {
  if (!analyzer.stats) throw new Error('buildSummary: the LogAnalyzer was created without stats');
  return analyzer as Analysed;
}

interface Context {
  analyzer: Analysed;
  templates: TemplateSnapshot[];
  /** Error lines by reason per template id (`T3`), from the statistics. */
  errorReasons: Map<string, ErrorReasons>;
  analysed: number;
  inferred: boolean;
  limit: number;
}

function dominantLevel(t: TemplateSnapshot, inferred: boolean): LogLevel {
  if (inferred) return inferLevel(t.template) ?? 'UNKNOWN';
  let best: LogLevel = 'UNKNOWN';
  let bestCount = 0;
  for (const level of LOG_LEVELS) {
    const c = t.levels[level] ?? 0;
    if (c > bestCount && level !== 'UNKNOWN') {
      best = level;
      bestCount = c;
    }
  }
  return best;
}

function brief(ctx: Context, t: TemplateSnapshot): TemplateBrief {
  const level = dominantLevel(t, ctx.inferred);
  const b: TemplateBrief = {
    id: t.id,
    template: t.template,
    count: t.count,
    share: ctx.analysed > 0 ? round(t.count / ctx.analysed, 4) : 0,
    level,
    levelInferred: ctx.inferred && level !== 'UNKNOWN',
    firstLine: t.firstLine,
  };
  const first = iso(t.firstTime);
  const last = iso(t.lastTime);
  if (first) b.firstSeen = first;
  if (last) b.lastSeen = last;
  return b;
}

const errorCount = (ctx: Context, t: TemplateSnapshot): number =>
  ctx.inferred
    ? inferLevel(t.template) === 'ERROR'
      ? t.count
      : 0
    : (t.levels.ERROR ?? 0) + (t.levels.FATAL ?? 0);

export interface TemplateDurations {
  id: string;
  template: string;
  /** Milliseconds, 1% relative accuracy. */
  durationMs: LatencyPercentiles;
}

/** The durations of each template's lines (sketches per cluster, merged over merges), most lines first. */
function durationsOf(
  analyzer: Analysed,
  byId: Map<string, TemplateSnapshot>,
  limit: number,
): TemplateDurations[] {
  const merged = new Map<string, QuantileSketch>();
  for (const [cluster, sketch] of analyzer.stats.clusterDurations) {
    if (!sketch || sketch.count === 0) continue;
    const id = analyzer.miner.templateId(cluster);
    let into = merged.get(id);
    if (!into) {
      into = new QuantileSketch(sketch.relativeAccuracy);
      merged.set(id, into);
    }
    into.merge(sketch);
  }
  const out: TemplateDurations[] = [];
  for (const [id, sketch] of merged) {
    const durationMs = percentilesOf(sketch);
    const t = byId.get(id);
    if (durationMs && t) out.push({ id, template: t.template, durationMs });
  }
  return out.sort((a, b) => b.durationMs.count - a.durationMs.count).slice(0, limit);
}

/** Error lines of each template by reason: the statistics' tallies per cluster, summed over merges. */
function errorReasonsById(analyzer: Analysed): Map<string, ErrorReasons> {
  const out = new Map<string, ErrorReasons>();
  for (const [cluster, r] of analyzer.stats.clusterErrors) {
    const id = analyzer.miner.templateId(cluster);
    const into = out.get(id);
    if (!into) out.set(id, { ...r });
    else {
      into.lines += r.lines;
      into.level += r.level;
      into.http5xx += r.http5xx;
      into.wording += r.wording;
    }
  }
  return out;
}

/**
 * Error lines of a template as the error list ranks them: those the statistics counted (levels, 5xx,
 * wording), or the template's own level counts (wording judged on the whole template) when more.
 */
function errorReasonsOf(ctx: Context, t: TemplateSnapshot): ErrorReasons {
  const r = ctx.errorReasons.get(t.id) ?? { lines: 0, level: 0, http5xx: 0, wording: 0 };
  const counted = errorCount(ctx, t);
  if (counted <= r.lines) return r;
  // A log without levels: the template's wording makes all of its lines errors.
  return ctx.inferred
    ? { ...r, lines: counted, wording: counted - r.http5xx }
    : { ...r, lines: counted, level: Math.max(r.level, counted) };
}

const warnCount = (ctx: Context, t: TemplateSnapshot): number =>
  ctx.inferred ? (inferLevel(t.template) === 'WARN' ? t.count : 0) : (t.levels.WARN ?? 0);

function levelCounts(ctx: Context): Partial<Record<LogLevel, number>> {
  const counts: Partial<Record<LogLevel, number>> = {};
  if (!ctx.inferred) {
    LOG_LEVELS.forEach((l, i) => {
      const c = ctx.analyzer.stats.levelCounts[i] as number;
      if (c > 0) counts[l] = c;
    });
    return counts;
  }
  for (const t of ctx.templates) {
    const l = inferLevel(t.template) ?? 'UNKNOWN';
    counts[l] = (counts[l] ?? 0) + t.count;
  }
  return counts;
}

/** In time order where both have a time (a log joined from several servers is not in time order), else in the file's. */
function byFirstAppearance(a: TemplateSnapshot, b: TemplateSnapshot): number {
  const byTime = a.firstTime !== undefined && b.firstTime !== undefined ? a.firstTime - b.firstTime : 0;
  return byTime || a.firstLine - b.firstLine;
}

function templateLists(ctx: Context) {
  const { templates, limit, analysed } = ctx;
  /** The templates with some lines of a kind (errors, warnings), most such lines first. */
  const ranked = <V>(of: (t: TemplateSnapshot) => V, lines: (v: V) => number) =>
    templates
      .map((t) => ({ t, v: of(t) }))
      .filter((e) => lines(e.v) > 0)
      .sort((a, b) => lines(b.v) - lines(a.v) || a.t.firstLine - b.t.firstLine)
      .slice(0, limit);
  const rareMax = Math.max(2, Math.ceil(analysed * 0.001));
  const stats = ctx.analyzer.stats;
  const span = stats.maxTime - stats.minTime;
  const total = ctx.analyzer.totalLines;
  const isNew = (t: TemplateSnapshot): boolean => {
    if (stats.linesWithTime > 0 && span > 0 && t.firstTime !== undefined)
      return t.firstTime >= stats.minTime + 0.8 * span;
    return total >= 10 && t.firstLine > 0.8 * total;
  };
  return {
    topTemplates: templates.slice(0, limit).map((t) => brief(ctx, t)),
    errorTemplates: ranked(
      (t) => errorReasonsOf(ctx, t),
      (e) => e.lines,
    ).map(({ t, v }) => ({ ...brief(ctx, t), errors: v })),
    warningTemplates: ranked(
      (t) => warnCount(ctx, t),
      (n) => n,
    ).map(({ t, v }) => ({ ...brief(ctx, t), warnings: v })),
    rareTemplates: templates
      .filter((t) => t.count <= rareMax && !t.overflow)
      .sort((a, b) => a.count - b.count || a.firstLine - b.firstLine)
      .slice(0, limit)
      .map((t) => brief(ctx, t)),
    newTemplates: templates
      .filter((t) => !t.overflow && isNew(t))
      .sort(byFirstAppearance)
      .slice(0, limit)
      .map((t) => brief(ctx, t)),
  };
}

function firstErrorOf(ctx: Context): LogSummary['firstError'] {
  const fe = ctx.analyzer.stats.firstError;
  return fe ? describeError(ctx.analyzer.miner, fe) : null;
}

function tallies(ctx: Context) {
  const stats = ctx.analyzer.stats;
  const withErrors = (
    all: { value: string; count: number }[],
    errors: { value: string; count: number }[],
  ) => {
    const byName = new Map(errors.map((e) => [e.value, e.count]));
    return all.map((e) => ({ name: e.value, lines: e.count, errors: byName.get(e.value) ?? 0 }));
  };
  return {
    topComponents: withErrors(stats.components.top(ctx.limit), stats.componentErrors.top()),
    topHosts: withErrors(stats.hosts.top(ctx.limit), stats.hostErrors.top()),
  };
}

function timeSpanOf(analyzer: Analysed): LogSummary['timeSpan'] {
  const stats = analyzer.stats;
  if (stats.linesWithTime === 0 || !(stats.maxTime >= stats.minTime)) return null;
  const span: NonNullable<LogSummary['timeSpan']> = {
    start: iso(stats.minTime),
    end: iso(stats.maxTime),
    durationSeconds: round((stats.maxTime - stats.minTime) / 1000, 3),
    linesWithTime: stats.linesWithTime,
  };
  const zone = analyzer.timeZone;
  if (zone !== undefined) span.zone = zone;
  const basis = analyzer.yearBasis;
  if (basis?.yearless) span.yearAssumed = { year: basis.year, from: basis.source };
  if (basis?.day !== undefined) span.dateAssumed = { date: iso(basis.day).slice(0, 10), from: basis.source };
  return span;
}

function redactionsOf(analyzer: Analysed, prior: RedactionCounts | undefined): LogSummary['redactions'] {
  const byKind = analyzer.redactions;
  if (prior) for (const k of Object.keys(byKind) as (keyof RedactionCounts)[]) byKind[k] += prior[k] ?? 0;
  const network = analyzer.network;
  return { total: totalRedactions(byKind), byKind, network: network.mode, distinct: network.distinct };
}

const censusEntry = (ctx: Context, t: TemplateSnapshot): CensusEntry => ({
  id: t.id,
  template: t.template,
  count: t.count,
  errors: errorCount(ctx, t),
});

export function buildSummary(input: LogAnalyzer, options: SummaryOptions = {}): LogSummary {
  const analyzer = withStats(input);
  const templates = options.templates ?? analyzer.miner.templates();
  const headerLevels = LOG_LEVELS.some(
    (l, i) => l !== 'UNKNOWN' && (analyzer.stats.levelCounts[i] as number) > 0,
  );
  const analysed = analyzer.totalLines - analyzer.blankLines - analyzer.continuationLines;
  const ctx: Context = {
    analyzer,
    templates,
    errorReasons: errorReasonsById(analyzer),
    analysed,
    inferred: !headerLevels,
    limit: Math.max(1, options.listLimit ?? 10),
  };
  const timeSpan = timeSpanOf(analyzer);
  const byId = new Map(templates.map((t) => [t.id, t]));
  const found = detectIncidents({ stats: analyzer.stats, miner: analyzer.miner, templates: byId });
  const census = censusOf(
    analysed,
    timeSpan?.durationSeconds ?? null,
    templates.filter((t) => !t.overflow).map((t) => censusEntry(ctx, t)),
  );
  const baseline = options.baseline;
  const durations = durationsOf(analyzer, byId, ctx.limit);
  const body: Omit<LogSummary, 'headline'> = {
    version: 2,
    lines: {
      total: analyzer.totalLines,
      analysed,
      blank: analyzer.blankLines,
      continuation: analyzer.continuationLines,
      unmatchedHeader: analyzer.unmatchedHeader,
      truncated: analyzer.truncatedLines,
      notUtf8: analyzer.notUtf8Lines,
      ...(analyzer.rowCountFooters > 0 ? { rowCountFooters: analyzer.rowCountFooters } : {}),
      ...(analyzer.directiveLines > 0 ? { directives: analyzer.directiveLines } : {}),
      ...(analyzer.jsonDocument?.compact ? { compactJson: analyzer.jsonDocument.compact } : {}),
      ...(analyzer.jsonDocument?.broken ? { jsonDocumentBroken: analyzer.jsonDocument.broken } : {}),
    },
    header: analyzer.header,
    timeSpan,
    levels: {
      counts: levelCounts(ctx),
      source: headerLevels ? 'header' : analysed > 0 ? 'inferred' : 'none',
    },
    errors: { total: analyzer.stats.errorLines, inferred: analyzer.stats.inferredErrorLines },
    templates: { total: templates.length, overflowLines: templates.find((t) => t.overflow)?.count ?? 0 },
    ...templateLists(ctx),
    incidents: found?.incidents ?? [],
    timeline: found?.timeline ?? null,
    http: analyzer.stats.http.summary(ctx.limit),
    ...(durations.length > 0 ? { durations } : {}),
    ...tallies(ctx),
    firstError: firstErrorOf(ctx),
    changes: baseline
      ? limitChanges(compareCensus(census, baseline.census, baseline.label), ctx.limit)
      : null,
    census,
    redactions: redactionsOf(analyzer, options.priorRedactions),
  };
  const { version, ...rest } = body;
  return { version, headline: buildHeadline(body), ...rest };
}

export { renderSummaryText } from './summary-text.ts';
