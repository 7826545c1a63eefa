/**
 * The log summary (DESIGN §6 "Logs"): what happened, as structured data (`LogSummary`) and as readable
 * text (`renderSummaryText`). Built from a finished `LogAnalyzer`; no I/O.
 */
import { type RedactionCounts, totalRedactions } from '../redaction/redact.ts';
import type { LogAnalyzer, TimeBucket } from './analyzer.ts';
import type { HeaderInfo } from './header.ts';
import { inferLevel, LOG_LEVELS, type LogLevel } from './levels.ts';
import { formatId, type TemplateSnapshot } from './miner.ts';

export interface TemplateBrief {
  id: string;
  template: string;
  count: number;
  /** Share of analysed lines (0..1). */
  share: number;
  /** Most frequent level of the template's lines (inferred from its text when the log has no levels). */
  level: LogLevel;
  firstLine: number;
  /** ISO-8601, when lines carried a time. */
  firstSeen?: string;
  lastSeen?: string;
}

export interface Burst {
  /** `volume`: many more lines than usual; `errors`: many more ERROR/FATAL lines than usual. */
  kind: 'volume' | 'errors';
  start: string;
  end: string;
  lines: number;
  errors: number;
  /** Typical value per window (median) the burst is compared with. */
  baseline: number;
  /** Lines (or errors) in the window divided by the baseline (at least 1). */
  factor: number;
  topTemplates: { id: string; template: string; count: number }[];
}

export interface LogSummary {
  version: 1;
  lines: {
    /** Physical lines read. */
    total: number;
    /** Non-blank lines that were analysed. */
    analysed: number;
    blank: number;
    /** Lines that did not fit the header layout (mined as a whole). */
    unmatchedHeader: number;
    /** Lines cut at the line-length limit. */
    truncated: number;
  };
  header: HeaderInfo;
  timeSpan: { start: string; end: string; durationSeconds: number; linesWithTime: number } | null;
  levels: {
    counts: Partial<Record<LogLevel, number>>;
    /** `header`: from the log's level field; `inferred`: from template text (no level field); `none`. */
    source: 'header' | 'inferred' | 'none';
  };
  templates: { total: number; overflowLines: number };
  topTemplates: TemplateBrief[];
  errorTemplates: TemplateBrief[];
  warningTemplates: TemplateBrief[];
  /** Templates seen at most a handful of times. */
  rareTemplates: TemplateBrief[];
  /** Templates first seen in the last fifth of the window (by time, or by line when there is no time). */
  newTemplates: TemplateBrief[];
  bursts: Burst[];
  timeline: { windowSeconds: number; windows: { start: string; lines: number; errors: number }[] } | null;
  topComponents: { name: string; lines: number; errors: number }[];
  topHosts: { name: string; lines: number }[];
  firstError: {
    line: number;
    time?: string;
    level: LogLevel;
    templateId: string;
    template: string;
    text: string;
    /** True when the log has no levels and the error was recognised from its wording. */
    inferred: boolean;
  } | null;
  redactions: { total: number; byKind: RedactionCounts };
}

export interface SummaryOptions {
  /** Entries per list (top, errors, rare, new, components, hosts). Default 10. */
  listLimit?: number;
  /** Snapshots of the templates, when the caller already has them (avoids a second pass). */
  templates?: TemplateSnapshot[];
}

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();

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

/** Window sizes a reader recognises, in seconds. */
const NICE_WINDOWS = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800];

export function buildSummary(analyzer: LogAnalyzer, options: SummaryOptions = {}): LogSummary {
  const limit = Math.max(1, options.listLimit ?? 10);
  const miner = analyzer.miner;
  const templates = options.templates ?? miner.templates();
  const analysed = analyzer.totalLines - analyzer.blankLines;
  const headerLevels = LOG_LEVELS.some((l, i) => l !== 'UNKNOWN' && (analyzer.levelCounts[i] as number) > 0);
  const inferred = !headerLevels;
  const brief = (t: TemplateSnapshot): TemplateBrief => {
    const b: TemplateBrief = {
      id: t.id,
      template: t.template,
      count: t.count,
      share: analysed > 0 ? round(t.count / analysed, 4) : 0,
      level: dominantLevel(t, inferred),
      firstLine: t.firstLine,
    };
    const first = iso(t.firstTime);
    const last = iso(t.lastTime);
    if (first) b.firstSeen = first;
    if (last) b.lastSeen = last;
    return b;
  };

  const levelCounts: Partial<Record<LogLevel, number>> = {};
  if (headerLevels) {
    LOG_LEVELS.forEach((l, i) => {
      const c = analyzer.levelCounts[i] as number;
      if (c > 0) levelCounts[l] = c;
    });
  } else {
    for (const t of templates) {
      const l = inferLevel(t.template) ?? 'UNKNOWN';
      levelCounts[l] = (levelCounts[l] ?? 0) + t.count;
    }
  }

  const errorCount = (t: TemplateSnapshot): number =>
    inferred
      ? inferLevel(t.template) === 'ERROR'
        ? t.count
        : 0
      : (t.levels.ERROR ?? 0) + (t.levels.FATAL ?? 0);
  const warnCount = (t: TemplateSnapshot): number =>
    inferred ? (inferLevel(t.template) === 'WARN' ? t.count : 0) : (t.levels.WARN ?? 0);
  const byCount = (f: (t: TemplateSnapshot) => number) =>
    templates
      .filter((t) => f(t) > 0)
      .sort((a, b) => f(b) - f(a) || a.firstLine - b.firstLine)
      .slice(0, limit)
      .map(brief);

  const rareMax = Math.max(2, Math.ceil(analysed * 0.001));
  const rare = templates
    .filter((t) => t.count <= rareMax && !t.overflow)
    .sort((a, b) => a.count - b.count || a.firstLine - b.firstLine)
    .slice(0, limit)
    .map(brief);

  const hasTime = analyzer.linesWithTime > 0 && analyzer.maxTime >= analyzer.minTime;
  const span = hasTime ? analyzer.maxTime - analyzer.minTime : 0;
  const isNew = (t: TemplateSnapshot): boolean => {
    if (hasTime && span > 0 && t.firstTime !== undefined) return t.firstTime >= analyzer.minTime + 0.8 * span;
    return analyzer.totalLines >= 10 && t.firstLine > 0.8 * analyzer.totalLines;
  };
  const fresh = templates
    .filter((t) => !t.overflow && isNew(t))
    .sort((a, b) => a.firstLine - b.firstLine)
    .slice(0, limit)
    .map(brief);

  const { bursts, timeline } = hasTime
    ? timeAnalysis(analyzer, span, limit)
    : { bursts: [] as Burst[], timeline: null };

  const errorsByComponent = new Map(analyzer.componentErrors.top().map((e) => [e.value, e.count]));
  const topComponents = analyzer.components
    .top(limit)
    .map((e) => ({ name: e.value, lines: e.count, errors: errorsByComponent.get(e.value) ?? 0 }));
  const topHosts = analyzer.hosts.top(limit).map((e) => ({ name: e.value, lines: e.count }));

  let firstError: LogSummary['firstError'] = null;
  if (analyzer.firstError) {
    const fe = analyzer.firstError;
    firstError = {
      line: fe.line,
      level: fe.level,
      templateId: miner.templateId(fe.cluster),
      template: miner.templateText(fe.cluster),
      text: fe.text,
      inferred: false,
    };
    const t = iso(fe.time);
    if (t) firstError.time = t;
  } else if (inferred) {
    const candidates = templates.filter((t) => errorCount(t) > 0 && t.samples.length > 0);
    candidates.sort((a, b) => a.firstLine - b.firstLine);
    const t = candidates[0];
    const sample = t?.samples[0];
    if (t && sample) {
      firstError = {
        line: sample.line,
        level: 'ERROR',
        templateId: t.id,
        template: t.template,
        text: sample.text,
        inferred: true,
      };
      const time = iso(t.firstTime);
      if (time) firstError.time = time;
    }
  }

  const redactions = analyzer.redactions;
  const overflow = templates.find((t) => t.overflow);
  return {
    version: 1,
    lines: {
      total: analyzer.totalLines,
      analysed,
      blank: analyzer.blankLines,
      unmatchedHeader: analyzer.unmatchedHeader,
      truncated: analyzer.truncatedLines,
    },
    header: analyzer.header,
    timeSpan: hasTime
      ? {
          start: iso(analyzer.minTime) ?? '',
          end: iso(analyzer.maxTime) ?? '',
          durationSeconds: round(span / 1000, 3),
          linesWithTime: analyzer.linesWithTime,
        }
      : null,
    levels: { counts: levelCounts, source: headerLevels ? 'header' : analysed > 0 ? 'inferred' : 'none' },
    templates: { total: templates.length, overflowLines: overflow?.count ?? 0 },
    topTemplates: templates.slice(0, limit).map(brief),
    errorTemplates: byCount(errorCount),
    warningTemplates: byCount(warnCount),
    rareTemplates: rare,
    newTemplates: fresh,
    bursts,
    timeline,
    topComponents,
    topHosts,
    firstError,
    redactions: { total: totalRedactions(redactions), byKind: redactions },
  };
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = values.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Groups the histogram into about 60 windows of a readable size and flags windows far above the median
 * (at least 3× the median and 3 robust standard deviations above it, with a minimum absolute size).
 */
function timeAnalysis(
  analyzer: LogAnalyzer,
  spanMs: number,
  limit: number,
): { bursts: Burst[]; timeline: LogSummary['timeline'] } {
  const hist = analyzer.histogram;
  const wanted = Math.max(hist.width, spanMs / 60);
  let windowMs = hist.width;
  for (const s of NICE_WINDOWS) {
    if (s * 1000 >= wanted) {
      windowMs = Math.max(s * 1000, hist.width);
      break;
    }
  }
  if (windowMs < wanted) windowMs = Math.ceil(wanted / hist.width) * hist.width;
  const first = Math.floor(analyzer.minTime / windowMs);
  const last = Math.floor(analyzer.maxTime / windowMs);
  const count = Math.min(last - first + 1, 10_000);
  const windows: { lines: number; errors: number; buckets: TimeBucket[] }[] = [];
  for (let i = 0; i < count; i++) windows.push({ lines: 0, errors: 0, buckets: [] });
  for (const [key, b] of hist.buckets) {
    const idx = Math.floor((key * hist.width) / windowMs) - first;
    const w = windows[Math.min(Math.max(idx, 0), count - 1)];
    if (!w) continue;
    w.lines += b.count;
    w.errors += b.errors;
    w.buckets.push(b);
  }
  const miner = analyzer.miner;
  const topOf = (w: { buckets: TimeBucket[] }, errorsOnly: boolean) => {
    const tally = new Map<number, number>();
    for (const b of w.buckets) {
      const top = errorsOnly ? b.errorTop : b.top;
      for (const e of top?.top() ?? []) {
        const root = miner.resolve(e.value);
        tally.set(root, (tally.get(root) ?? 0) + e.count);
      }
    }
    return [...tally]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([id, c]) => ({ id: formatId(id), template: miner.templateText(id), count: c }));
  };
  const bursts: Burst[] = [];
  // Baselines come from the windows that had any activity, so that a log with long quiet gaps does not
  // turn every active window into a "burst" against a median of zero.
  const active = windows.filter((w) => w.lines > 0);
  if (active.length >= 5) {
    for (const kind of ['volume', 'errors'] as const) {
      const value = (w: { lines: number; errors: number }): number =>
        kind === 'volume' ? w.lines : w.errors;
      const values = active.map(value);
      const med = median(values);
      const mad = median(values.map((v) => Math.abs(v - med))) * 1.4826;
      const minimum = kind === 'volume' ? 10 : 3;
      windows.forEach((w, i) => {
        const v = value(w);
        if (v >= minimum && v >= 3 * Math.max(med, 1) && v > med + 3 * mad) {
          bursts.push({
            kind,
            start: iso((first + i) * windowMs) ?? '',
            end: iso((first + i + 1) * windowMs) ?? '',
            lines: w.lines,
            errors: w.errors,
            baseline: round(med, 2),
            factor: round(v / Math.max(med, 1), 1),
            topTemplates: topOf(w, kind === 'errors'),
          });
        }
      });
    }
  }
  bursts.sort((a, b) => b.factor - a.factor);
  const shown = windows.length <= 120 ? windows : [];
  return {
    bursts: bursts.slice(0, Math.min(limit, 5)),
    timeline: {
      windowSeconds: windowMs / 1000,
      windows: shown.map((w, i) => ({
        start: iso((first + i) * windowMs) ?? '',
        lines: w.lines,
        errors: w.errors,
      })),
    },
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 3 : 0)}s`;
  const parts: string[] = [];
  let s = Math.round(seconds);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}

const clip = (s: string, n = 140): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Readable plain-text rendering of a summary (for the CLI and for humans reading job results). */
export function renderSummaryText(s: LogSummary): string {
  const out: string[] = [];
  const span = s.timeSpan
    ? ` from ${s.timeSpan.start} to ${s.timeSpan.end} (${duration(s.timeSpan.durationSeconds)})`
    : ' (no timestamps recognised)';
  out.push(`Log summary: ${fmt(s.lines.analysed)} lines${span}`);
  const extra: string[] = [];
  if (s.lines.blank) extra.push(`${fmt(s.lines.blank)} blank`);
  if (s.lines.unmatchedHeader) extra.push(`${fmt(s.lines.unmatchedHeader)} without the usual header`);
  if (s.lines.truncated) extra.push(`${fmt(s.lines.truncated)} truncated`);
  if (extra.length) out.push(`  (${extra.join(', ')})`);
  out.push(
    `Header: ${s.header.description} [${s.header.kind}, fits ${pct(s.header.coverage)} of the sample]`,
  );
  const levels = Object.entries(s.levels.counts)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([l, c]) => `${l} ${fmt(c ?? 0)} (${pct((c ?? 0) / Math.max(1, s.lines.analysed))})`);
  out.push(
    `Levels${s.levels.source === 'inferred' ? ' (inferred from wording)' : ''}: ${levels.join(' · ') || '-'}`,
  );
  const topShare = s.topTemplates.reduce((a, t) => a + t.share, 0);
  out.push(
    `Templates: ${fmt(s.templates.total)} (top ${s.topTemplates.length} cover ${pct(topShare)})` +
      (s.templates.overflowLines ? `; ${fmt(s.templates.overflowLines)} lines over the template cap` : ''),
  );
  const list = (title: string, items: TemplateBrief[], show: (t: TemplateBrief) => string) => {
    if (items.length === 0) return;
    out.push('', `${title}:`);
    for (const t of items) out.push(`  ${show(t)}  ${t.id}  ${clip(t.template)}`);
  };
  list('Top templates', s.topTemplates, (t) => `${pct(t.share).padStart(6)} ${fmt(t.count).padStart(8)}`);
  list('Error templates', s.errorTemplates, (t) => `${t.level.padEnd(5)} ${fmt(t.count).padStart(8)}`);
  list('Warning templates', s.warningTemplates, (t) => `${t.level.padEnd(5)} ${fmt(t.count).padStart(8)}`);
  if (s.firstError) {
    const fe = s.firstError;
    out.push(
      '',
      `First error${fe.inferred ? ' (inferred)' : ''}: line ${fmt(fe.line)}${fe.time ? ` at ${fe.time}` : ''} [${fe.templateId}]`,
      `  ${clip(fe.text, 300)}`,
    );
  }
  list(
    'New templates (first seen in the last fifth of the window)',
    s.newTemplates,
    (t) => `${fmt(t.count).padStart(8)} from ${t.firstSeen ?? `line ${fmt(t.firstLine)}`}`,
  );
  list('Rare templates', s.rareTemplates, (t) => `${fmt(t.count).padStart(8)}`);
  if (s.bursts.length) {
    out.push('', 'Bursts:');
    for (const b of s.bursts) {
      const what = b.kind === 'errors' ? `${fmt(b.errors)} errors` : `${fmt(b.lines)} lines`;
      out.push(`  ${b.start} .. ${b.end}: ${what} (${b.factor}× the usual ${b.baseline})`);
      for (const t of b.topTemplates)
        out.push(`      ${fmt(t.count).padStart(7)}  ${t.id}  ${clip(t.template, 110)}`);
    }
  }
  if (s.topComponents.length) {
    out.push('', 'Top components:');
    for (const c of s.topComponents) {
      out.push(
        `  ${fmt(c.lines).padStart(8)}  ${clip(c.name, 80)}${c.errors ? `  (${fmt(c.errors)} errors)` : ''}`,
      );
    }
  }
  if (s.topHosts.length) {
    out.push('', 'Top hosts:');
    for (const h of s.topHosts) out.push(`  ${fmt(h.lines).padStart(8)}  ${clip(h.name, 80)}`);
  }
  const kinds = Object.entries(s.redactions.byKind)
    .filter(([, c]) => c > 0)
    .map(([k, c]) => `${k} ${fmt(c)}`);
  out.push('', `Redactions: ${fmt(s.redactions.total)}${kinds.length ? ` (${kinds.join(', ')})` : ''}`);
  return out.join('\n');
}
