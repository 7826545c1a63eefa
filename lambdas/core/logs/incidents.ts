/**
 * Incidents (issue 14, deliverable 5): the time span is cut into about 60 windows of a readable size; a
 * window is anomalous when its lines, or its errors, are ≥ 3× and 3 robust standard deviations above the
 * median of the active windows (with a minimum size). Anomalous windows at most one window apart are one
 * incident, described by its start and end (first and last error, or line), peak rate, errors, the
 * templates involved in order of first appearance, the first error inside, and components and hosts.
 */

import type { LogLevel } from './levels.ts';
import type { TemplateMiner, TemplateSnapshot } from './miner.ts';
import type { FirstError, LogStats, TimeBucket } from './stats.ts';
import { TopValues } from './tally.ts';

export interface IncidentTemplate {
  id: string;
  template: string;
  /** Lines of the template inside the incident (estimated from per-second tallies). */
  count: number;
  errors: number;
  firstSeen: string;
  /** First seen in the whole log inside this incident. */
  new: boolean;
}

export interface Incident {
  /** `errors`: errors far above the usual rate; `volume`: lines far above it (no error surge). */
  kind: 'errors' | 'volume';
  start: string;
  end: string;
  durationSeconds: number;
  lines: number;
  errors: number;
  /** The busiest window: its start, its errors (or lines, for a volume incident) and its length. */
  peak: { time: string; count: number; windowSeconds: number; perMinute: number };
  /** The same measure in a usual window (median of the windows with any line). */
  usual: number;
  usualPerMinute: number;
  /** Peak over usual (at least 1 line or error per window as the usual). */
  factor: number;
  templates: IncidentTemplate[];
  firstError: ErrorLine | null;
  components: { name: string; lines: number }[];
  hosts: { name: string; lines: number }[];
  /** HTTP server errors inside, by status and endpoint (`503 POST /api/checkout`). */
  http5xx: { name: string; lines: number }[];
}

export interface Timeline {
  windowSeconds: number;
  windows: { start: string; lines: number; errors: number }[];
}

interface Window {
  lines: number;
  errors: number;
  buckets: TimeBucket[];
}

/** Window sizes a reader recognises, in seconds. */
const NICE_WINDOWS = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800];
const MAX_INCIDENTS = 5;
const TEMPLATES_PER_INCIDENT = 8;

export const iso = (ms: number | undefined): string =>
  ms === undefined || !Number.isFinite(ms) ? '' : new Date(ms).toISOString();

export const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = values.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function windowSize(bucketMs: number, spanMs: number): number {
  const wanted = Math.max(bucketMs, spanMs / 60);
  for (const s of NICE_WINDOWS) if (s * 1000 >= wanted) return Math.max(s * 1000, bucketMs);
  return Math.ceil(wanted / bucketMs) * bucketMs;
}

function windowsOf(stats: LogStats, windowMs: number): { first: number; windows: Window[] } {
  const hist = stats.histogram;
  const first = Math.floor(stats.minTime / windowMs);
  const count = Math.min(Math.floor(stats.maxTime / windowMs) - first + 1, 10_000);
  const windows: Window[] = Array.from({ length: count }, () => ({ lines: 0, errors: 0, buckets: [] }));
  const keys = [...hist.buckets.keys()].sort((a, b) => a - b);
  for (const key of keys) {
    const b = hist.buckets.get(key) as TimeBucket;
    const idx = Math.floor((key * hist.width) / windowMs) - first;
    const w = windows[Math.min(Math.max(idx, 0), count - 1)];
    if (!w) continue;
    w.lines += b.count;
    w.errors += b.errors;
    w.buckets.push(b);
  }
  return { first, windows };
}

type Measure = 'lines' | 'errors';

/** Per measure, which windows are far above its usual level; plus the medians. */
function flagWindows(windows: Window[]): {
  flags: Record<Measure, boolean[]>;
  median: Record<Measure, number>;
} {
  const flags = { lines: windows.map(() => false), errors: windows.map(() => false) };
  const active = windows.filter((w) => w.lines > 0);
  const medians = { lines: median(active.map((w) => w.lines)), errors: median(active.map((w) => w.errors)) };
  if (active.length < 5) return { flags, median: medians };
  for (const kind of ['lines', 'errors'] as const) {
    const values = active.map((w) => w[kind]);
    const med = medians[kind];
    const mad = median(values.map((v) => Math.abs(v - med))) * 1.4826;
    const minimum = kind === 'lines' ? 10 : 3;
    windows.forEach((w, i) => {
      const v = w[kind];
      flags[kind][i] = v >= minimum && v >= 3 * Math.max(med, 1) && v > med + 3 * mad;
    });
  }
  return { flags, median: medians };
}

/** Runs of flagged windows, joined across a gap of one quiet window. */
function runs(flags: boolean[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue;
    const last = out[out.length - 1];
    if (last && i - last[1] <= 2) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/**
 * A run grows to the neighbouring windows still above the usual level of its measure, so the incident
 * starts where things stopped being normal (its first errors) rather than at its first loud window.
 */
function grow(run: [number, number], value: (i: number) => number, usual: number, limit: number) {
  let [a, b] = run;
  while (a > 0 && value(a - 1) > usual) a--;
  while (b < limit - 1 && value(b + 1) > usual) b++;
  return [a, b] as const;
}

interface Span {
  a: number;
  b: number;
  errorsKind: boolean;
}

/** Spans grown into each other are one: reported apart they would overlap and count the same lines twice. */
function joinOverlaps(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const g of [...spans].sort((x, y) => x.a - y.a)) {
    const last = out[out.length - 1];
    if (last && g.a <= last.b) last.b = Math.max(last.b, g.b);
    else out.push({ ...g });
  }
  return out;
}

/**
 * Error surges and line surges are found and grown apart, each on its own measure: a line surge that was
 * allowed to carry an error surge grew on errors across weeks of ordinary ones (BGL: one "incident" of 108 days
 * holding 325 of the log's errors). Where both overlap, the error surge is the incident and tells the lines too.
 */
function incidentSpans(windows: Window[]): { spans: Span[]; median: Record<Measure, number> } {
  const { flags, median: med } = flagWindows(windows);
  const spansOf = (kind: Measure): Span[] => {
    // Errors: more than usual; lines (half the windows are above their median): more than twice the usual.
    const usual = kind === 'errors' ? med.errors : 2 * med.lines;
    const value = (i: number) => windows[i]?.[kind] ?? 0;
    const grown = runs(flags[kind]).map((run) => grow(run, value, usual, windows.length));
    return joinOverlaps(grown.map(([a, b]) => ({ a, b, errorsKind: kind === 'errors' })));
  };
  const errors = spansOf('errors');
  const volume = spansOf('lines').filter((v) => !errors.some((e) => v.a <= e.b && e.a <= v.b));
  return { spans: [...errors, ...volume], median: med };
}

export interface IncidentContext {
  stats: LogStats;
  miner: TemplateMiner;
  templates: ReadonlyMap<string, TemplateSnapshot>;
  /** End of the log's opening stretch (first window, at least 5% of the span): nothing there is "new". */
  opening: number;
}

export function detectIncidents(
  input: Omit<IncidentContext, 'opening'>,
): { incidents: Incident[]; timeline: Timeline } | null {
  const stats = input.stats;
  if (stats.linesWithTime === 0 || !(stats.maxTime >= stats.minTime)) return null;
  const span = stats.maxTime - stats.minTime;
  const windowMs = windowSize(stats.histogram.width, span);
  const ctx: IncidentContext = { ...input, opening: stats.minTime + Math.max(windowMs, 0.05 * span) };
  const { first, windows } = windowsOf(stats, windowMs);
  const { spans, median: med } = incidentSpans(windows);
  const incidents = spans.map(({ a, b, errorsKind }) =>
    describe(ctx, windows.slice(a, b + 1), {
      start: (first + a) * windowMs,
      windowMs,
      errorsKind,
      usual: med,
    }),
  );
  const chosen = incidents
    .sort((x, y) => y.errors - x.errors || y.factor * y.lines - x.factor * x.lines)
    .slice(0, MAX_INCIDENTS)
    .sort((x, y) => x.start.localeCompare(y.start));
  const shown = windows.length <= 120 ? windows : [];
  return {
    incidents: chosen,
    timeline: {
      windowSeconds: windowMs / 1000,
      windows: shown.map((w, i) => ({
        start: iso((first + i) * windowMs),
        lines: w.lines,
        errors: w.errors,
      })),
    },
  };
}

interface Frame {
  start: number;
  windowMs: number;
  errorsKind: boolean;
  usual: { lines: number; errors: number };
}

function describe(ctx: IncidentContext, windows: Window[], frame: Frame): Incident {
  const buckets = windows.flatMap((w) => w.buckets);
  const measure = (w: Window) => (frame.errorsKind ? w.errors : w.lines);
  let peakAt = 0;
  windows.forEach((w, i) => {
    if (measure(w) > measure(windows[peakAt] as Window)) peakAt = i;
  });
  const perMinute = (n: number) => round((n * 60_000) / frame.windowMs, 2);
  const usual = frame.errorsKind ? frame.usual.errors : frame.usual.lines;
  const peak = measure(windows[peakAt] as Window);
  const withErrors = buckets.filter((b) => b.errors > 0);
  const span = frame.errorsKind && withErrors.length > 0 ? errorSpan(withErrors) : lineSpan(buckets);
  // "N errors in M lines" counts the lines of the time the incident spans, not of the whole windows around it
  // ("4 errors in 1,041 lines" over 31 ms counted the quiet minutes before and after). The templates keep the
  // windows: what led up to the first error is part of the story, and each says when it first appeared.
  const inSpan = buckets.filter((b) => b.count > 0 && b.maxTime >= span[0] && b.minTime <= span[1]);
  return {
    kind: frame.errorsKind ? 'errors' : 'volume',
    start: iso(span[0]),
    end: iso(span[1]),
    durationSeconds: round((span[1] - span[0]) / 1000, 3),
    lines: inSpan.reduce((n, b) => n + b.count, 0),
    errors: windows.reduce((n, w) => n + w.errors, 0),
    peak: {
      time: iso(frame.start + peakAt * frame.windowMs),
      count: peak,
      windowSeconds: frame.windowMs / 1000,
      perMinute: perMinute(peak),
    },
    usual: round(usual, 2),
    usualPerMinute: perMinute(usual),
    factor: round(peak / Math.max(usual, 1), 1),
    templates: involvedTemplates(ctx, buckets, span[0]),
    firstError: firstErrorIn(ctx.miner, withErrors),
    components: topOf(buckets.map((b) => b.components)),
    hosts: topOf(buckets.map((b) => b.hosts)),
    http5xx: topOf(buckets.map((b) => b.http5xx)),
  };
}

const errorSpan = (buckets: TimeBucket[]): [number, number] => [
  Math.min(...buckets.map((b) => b.firstErrorTime)),
  Math.max(...buckets.map((b) => b.lastErrorTime)),
];
const lineSpan = (buckets: TimeBucket[]): [number, number] => [
  Math.min(...buckets.map((b) => b.minTime)),
  Math.max(...buckets.map((b) => b.maxTime)),
];

function topOf(tallies: (TopValues<string> | undefined)[]): { name: string; lines: number }[] {
  const all = new TopValues<string>(32);
  for (const t of tallies) if (t) all.merge(t);
  return all.top(3).map((e) => ({ name: e.value, lines: e.count }));
}

/** An error line as summaries show it: where, when, which template, its redacted text. */
export interface ErrorLine {
  line: number;
  time?: string;
  level: LogLevel;
  templateId: string;
  template: string;
  text: string;
  /** True when the error was recognised from its wording or HTTP status rather than a level field. */
  inferred: boolean;
}

export function describeError(miner: TemplateMiner, fe: FirstError): ErrorLine {
  const root = miner.resolve(fe.cluster);
  const out: ErrorLine = {
    line: fe.line,
    level: fe.level,
    templateId: miner.templateId(root),
    template: miner.templateText(root),
    text: fe.text,
    inferred: fe.inferred,
  };
  if (fe.time !== undefined) out.time = iso(fe.time);
  return out;
}

function firstErrorIn(miner: TemplateMiner, buckets: TimeBucket[]): ErrorLine | null {
  const fe = buckets
    .map((b) => b.firstError)
    .filter((e) => e !== undefined)
    .sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.line - b.line)[0];
  return fe ? describeError(miner, fe) : null;
}

interface Involvement {
  root: number;
  count: number;
  errors: number;
  firstTime: number;
}

/** What each template did inside the buckets: lines, errors and its first time there. */
function involvement(miner: TemplateMiner, buckets: TimeBucket[]): Map<number, Involvement> {
  const by = new Map<number, Involvement>();
  const get = (cluster: number, time: number): Involvement => {
    const root = miner.resolve(cluster);
    let v = by.get(root);
    if (!v) {
      v = { root, count: 0, errors: 0, firstTime: time };
      by.set(root, v);
    }
    if (time < v.firstTime) v.firstTime = time;
    return v;
  };
  for (const b of buckets) {
    b.firstSeen.forEach((c, i) => {
      get(c, b.firstSeenTime[i] as number);
    });
    for (const e of b.top.top()) get(e.value, b.maxTime).count += e.count;
    for (const e of b.errorTop?.top() ?? []) get(e.value, b.lastErrorTime).errors += e.count;
  }
  return by;
}

/**
 * Templates that make the incident: those with errors in it, those first seen in the log inside it, and
 * those with at least twice their share of lines inside it; by first appearance.
 */
function involvedTemplates(ctx: IncidentContext, buckets: TimeBucket[], start: number): IncidentTemplate[] {
  const lines = buckets.reduce((n, b) => n + b.count, 0);
  const expected = lines / Math.max(1, ctx.stats.linesWithTime);
  const out: (IncidentTemplate & { rank: number })[] = [];
  const involved = [...involvement(ctx.miner, buckets).values()];
  // A surge without errors is told by what it is made of: its busiest template always counts.
  const busiest = involved.reduce<Involvement | undefined>(
    (m, v) => (!m || v.count > m.count ? v : m),
    undefined,
  );
  for (const v of involved) {
    const id = ctx.miner.templateId(v.root);
    const t = ctx.templates.get(id);
    if (!t || v.count + v.errors === 0) continue;
    // Everything is new at the start of a log: "new" means first seen after its opening stretch.
    const isNew = t.firstTime !== undefined && t.firstTime >= start - 1000 && t.firstTime > ctx.opening;
    const loud = v.count >= 3 && v.count / t.count >= 2 * expected;
    const warns = (t.levels.WARN ?? 0) > 0 && v.count > 0;
    const rank = v.errors > 0 ? 0 : isNew ? 1 : warns ? 2 : loud || v === busiest ? 3 : -1;
    if (rank < 0) continue;
    out.push({
      rank,
      id,
      template: t.template,
      count: Math.min(Math.max(v.count, v.errors), t.count),
      errors: Math.min(v.errors, t.count),
      firstSeen: iso(v.firstTime),
      new: isNew,
    });
  }
  // The most telling ones (errors, new, warnings, then loud), shown in order of first appearance.
  out.sort((a, b) => a.rank - b.rank || b.errors - a.errors || b.count - a.count);
  return out
    .slice(0, TEMPLATES_PER_INCIDENT)
    .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || b.count - a.count)
    .map(({ rank: _rank, ...t }) => t);
}
