/**
 * The summary JSON the summarizer writes (lambdas/core/logs/summary.ts), read defensively: the console shows
 * what is there and skips what is not, so newer fields (headline, incidents, http, source: issue 14) appear
 * when the worker starts writing them and older summaries keep rendering.
 */
import { formatDuration, formatNumber, type LogTimeZone } from '../../components/format.ts';

export interface TemplateBrief {
  id: string;
  template: string;
  count: number;
  share: number;
  level: string;
  firstLine: number;
  firstSeen?: string;
  lastSeen?: string;
  /** The level was guessed from wording (the log has no level field). */
  levelInferred?: boolean;
  /**
   * Error templates (summaries since 7 December): how many of its lines are errors, and of those how many
   * for each reason (a line may have several). `level` above is the level most of its lines have: INFO for
   * a template of requests 20 in 1,200 of which answered 5xx.
   */
  errors?: ErrorReasons;
  /** Warning templates (summaries since 7 December, second stop): how many of its lines are warnings. */
  warnings?: number;
}

export interface ErrorReasons {
  lines: number;
  /** With an ERROR or FATAL level. */
  level: number;
  /** An HTTP 5xx answer, whatever the level. */
  http5xx: number;
  /** Error wording, in a log without levels. */
  wording: number;
}

export interface Incident {
  start: string;
  end?: string;
  title: string;
  detail?: string;
  severity?: string;
  /** The templates behind it (summary v2), `new` when first seen in the log inside the incident. */
  templates: { template: string; count: number; new: boolean }[];
  /** HTTP server errors inside it, by status and endpoint (`503 POST /api/checkout`). */
  http5xx: { name: string; lines: number }[];
}

export interface HttpModel {
  requests: number;
  statusClasses: Record<string, number>;
  statusCodes: { code: number; count: number }[];
  latency: { p50: number; p95: number; p99: number; max: number } | null;
  endpoints: { endpoint: string; requests: number; errorRate: number; p95: number | null }[];
}

/**
 * Durations a template's lines write as a field (a Lambda REPORT's `Duration: 12.34 ms`, `took=5ms`), in
 * milliseconds: summaries since 7 December (sixth stop) have them as `durations`.
 */
export interface TemplateDurationsModel {
  id: string;
  template: string;
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export interface TemplateChange {
  template: string;
  count: number;
  baselineCount: number;
  factor: number | null;
}

export interface ChangesModel {
  baseline: string;
  new: TemplateChange[];
  louder: TemplateChange[];
  quieter: TemplateChange[];
  gone: TemplateChange[];
}

export interface TimelineWindow {
  start: string;
  lines: number;
  errors: number;
}

export interface SummaryModel {
  headline: string;
  lines: { total: number; analysed: number };
  /**
   * Whether the log was read as a JSON document's records: its lines are then numbered as the analyzer
   * numbers them (a physical line holding several records is a line per record: `documentLines`).
   */
  jsonDocument: boolean;
  /** `zone`: whether the log's times wrote their zone; absent in older summaries (see `LogTimeZone`). */
  timeSpan: { start: string; end: string; durationSeconds: number; zone?: LogTimeZone } | null;
  levels: { counts: Record<string, number>; source: string };
  templateCount: number;
  topTemplates: TemplateBrief[];
  errorTemplates: TemplateBrief[];
  warningTemplates: TemplateBrief[];
  rareTemplates: TemplateBrief[];
  newTemplates: TemplateBrief[];
  incidents: Incident[];
  timeline: { windowSeconds: number; windows: TimelineWindow[] } | null;
  topComponents: { name: string; lines: number; errors: number }[];
  topHosts: { name: string; lines: number }[];
  firstError: { line: number; time?: string; template: string; text: string; inferred: boolean } | null;
  redactions: { total: number; byKind: Record<string, number> };
  /** Error lines: the summary's own count (v2: levels, HTTP 5xx and wording), else ERROR + FATAL. */
  errors: number;
  http: HttpModel | null;
  /** Durations named in the lines, per template (most lines first); empty when the lines name none. */
  durations: TemplateDurationsModel[];
  /** What changed since an earlier log of the same source, when the summary was made against one. */
  changes: ChangesModel | null;
  source: string | null;
}

export interface TemplateParameter {
  position: number;
  type: string;
  values: { value: string; count: number }[];
  more: boolean;
  /** Counts from sampled lines: shown as about so many. */
  estimated: boolean;
}

export interface TemplateDetail {
  id: string;
  /** The template's text (its lines are found by it: template-lines.ts). */
  template: string;
  samples: { line: number; text: string }[];
  parameters: TemplateParameter[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function template(v: unknown): TemplateBrief | null {
  if (!isObject(v) || typeof v.template !== 'string') return null;
  const brief: TemplateBrief = {
    id: str(v.id) ?? '',
    template: v.template,
    count: num(v.count),
    share: num(v.share),
    level: str(v.level) ?? 'UNKNOWN',
    firstLine: num(v.firstLine),
  };
  const firstSeen = str(v.firstSeen);
  const lastSeen = str(v.lastSeen);
  if (firstSeen) brief.firstSeen = firstSeen;
  if (lastSeen) brief.lastSeen = lastSeen;
  if (v.levelInferred === true) brief.levelInferred = true;
  if (typeof v.warnings === 'number') brief.warnings = num(v.warnings);
  if (isObject(v.errors) && typeof v.errors.lines === 'number') {
    const e = v.errors;
    brief.errors = {
      lines: num(e.lines),
      level: num(e.level),
      http5xx: num(e.http5xx),
      wording: num(e.wording),
    };
  }
  return brief;
}

const templates = (v: unknown): TemplateBrief[] =>
  arr(v)
    .map(template)
    .filter((t): t is TemplateBrief => t !== null);

const named = (v: unknown): { name: string; lines: number }[] =>
  arr(v)
    .filter(isObject)
    .map((x) => ({ name: str(x.name) ?? '', lines: num(x.lines) }));

/**
 * Against what the log usually does, as the headline says it (lambdas/core/logs/headline.ts peakPhrase): a
 * window that usually has none is "usually none", not "13× the usual" (a factor over a floor of one).
 */
const againstUsual = (i: Json): string =>
  typeof i.usual === 'number' && i.usual < 0.5 ? 'usually none' : `${num(i.factor)}× the usual`;

/** Summary v2 incidents: error or volume surges with their templates and HTTP 5xx. */
function surge(i: Json): Incident {
  const errors = i.kind === 'errors';
  const span = num(i.durationSeconds) > 0 ? ` in ${formatDuration(num(i.durationSeconds))}` : '';
  const count = errors ? `${formatNumber(num(i.errors))} errors` : `${formatNumber(num(i.lines))} lines`;
  const templates = arr(i.templates)
    .filter(isObject)
    .map((t) => ({ template: str(t.template) ?? '', count: num(t.count), new: t.new === true }));
  return {
    start: str(i.start) ?? '',
    ...(str(i.end) ? { end: str(i.end) } : {}),
    title: `${errors ? 'Error surge' : 'Volume surge'}: ${count}${span}, ${againstUsual(i)}`,
    ...(templates[0] ? { detail: `Mostly: ${templates[0].template}` } : {}),
    severity: errors ? 'high' : 'medium',
    templates: templates.slice(0, 3),
    http5xx: named(i.http5xx).slice(0, 3),
  };
}

/** Summary v1 bursts, shown as incidents. */
function burst(b: Json): Incident {
  const what =
    b.kind === 'errors' ? `${formatNumber(num(b.errors))} errors` : `${formatNumber(num(b.lines))} lines`;
  const top = arr(b.topTemplates).filter(isObject)[0];
  return {
    start: str(b.start) ?? '',
    ...(str(b.end) ? { end: str(b.end) } : {}),
    title: `${b.kind === 'errors' ? 'Error burst' : 'Volume burst'}: ${what}, ${num(b.factor)}× the usual`,
    ...(top && typeof top.template === 'string' ? { detail: `Mostly: ${top.template}` } : {}),
    severity: b.kind === 'errors' ? 'high' : 'medium',
    templates: [],
    http5xx: [],
  };
}

/** Incidents in time order: the summary's own (v2), or its bursts (v1). */
function incidentsOf(json: Json): Incident[] {
  const list = Array.isArray(json.incidents)
    ? arr(json.incidents).filter(isObject).map(surge)
    : arr(json.bursts).filter(isObject).map(burst);
  return list.sort((a, b) => a.start.localeCompare(b.start));
}

function httpOf(v: unknown): HttpModel | null {
  if (!isObject(v) || typeof v.requests !== 'number') return null;
  const latency = isObject(v.latencyMs) ? v.latencyMs : null;
  const classes: Record<string, number> = {};
  if (isObject(v.statusClasses)) for (const [k, n] of Object.entries(v.statusClasses)) classes[k] = num(n);
  return {
    requests: v.requests,
    statusClasses: classes,
    statusCodes: arr(v.statusCodes)
      .filter(isObject)
      .map((c) => ({ code: num(c.code), count: num(c.count) })),
    latency: latency
      ? { p50: num(latency.p50), p95: num(latency.p95), p99: num(latency.p99), max: num(latency.max) }
      : null,
    endpoints: arr(v.endpoints)
      .filter(isObject)
      .map((e) => ({
        endpoint: str(e.endpoint) ?? '',
        requests: num(e.requests),
        errorRate: num(e.errorRate),
        p95: isObject(e.latencyMs) ? num(e.latencyMs.p95) : null,
      })),
  };
}

function durationsOf(v: unknown): TemplateDurationsModel[] {
  return arr(v)
    .filter(isObject)
    .flatMap((d) => {
      const p = isObject(d.durationMs) ? d.durationMs : null;
      if (!p || typeof d.template !== 'string') return [];
      const count = num(p.count);
      if (count <= 0) return [];
      return [
        {
          id: str(d.id) ?? '',
          template: d.template,
          count,
          p50: num(p.p50),
          p95: num(p.p95),
          max: num(p.max),
        },
      ];
    });
}

function changesOf(v: unknown): ChangesModel | null {
  if (!isObject(v)) return null;
  const list = (x: unknown): TemplateChange[] =>
    arr(x)
      .filter(isObject)
      .map((c) => ({
        template: str(c.template) ?? '',
        count: num(c.count),
        baselineCount: num(c.baselineCount),
        factor: typeof c.factor === 'number' ? c.factor : null,
      }));
  const baseline = isObject(v.baseline) ? (str(v.baseline.label) ?? 'the previous log') : 'the previous log';
  return { baseline, new: list(v.new), louder: list(v.louder), quieter: list(v.quieter), gone: list(v.gone) };
}

function headlineOf(json: Json, model: Omit<SummaryModel, 'headline'>): string {
  const given = json.headline;
  if (typeof given === 'string' && given.trim()) return given;
  if (isObject(given) && typeof given.text === 'string') return given.text;
  const errors = model.errors;
  const parts = [`${formatNumber(model.lines.analysed)} lines`];
  if (model.timeSpan) parts[0] += ` over ${formatDuration(model.timeSpan.durationSeconds)}`;
  const warnings = model.levels.counts.WARN ?? 0;
  parts.push(
    errors > 0
      ? `${formatNumber(errors)} errors (${((errors / Math.max(1, model.lines.analysed)) * 100).toFixed(1)}%)`
      : 'no errors',
  );
  if (errors === 0 && warnings > 0) parts.push(`${formatNumber(warnings)} warnings`);
  if (model.incidents.length > 0)
    parts.push(`${model.incidents.length} incident${model.incidents.length > 1 ? 's' : ''}`);
  const template = model.firstError?.template ?? '';
  const firstError = template
    ? `; first error: ${template.length > 90 ? `${template.slice(0, 89)}…` : template}`
    : '';
  return `${parts.join(', ')}${firstError}`;
}

const ZONES: readonly LogTimeZone[] = ['written', 'none', 'mixed'];

function timeSpanOf(span: Json): NonNullable<SummaryModel['timeSpan']> {
  const out: NonNullable<SummaryModel['timeSpan']> = {
    start: str(span.start) ?? '',
    end: str(span.end) ?? '',
    durationSeconds: num(span.durationSeconds),
  };
  const zone = ZONES.find((z) => z === span.zone);
  if (zone !== undefined) out.zone = zone;
  return out;
}

export function readSummary(json: unknown): SummaryModel | null {
  if (!isObject(json)) return null;
  const lines = isObject(json.lines) ? json.lines : {};
  const span = isObject(json.timeSpan) ? json.timeSpan : null;
  const levels = isObject(json.levels) ? json.levels : {};
  const counts: Record<string, number> = {};
  if (isObject(levels.counts)) for (const [k, v] of Object.entries(levels.counts)) counts[k] = num(v);
  const timeline = isObject(json.timeline) ? json.timeline : null;
  const fe = isObject(json.firstError) ? json.firstError : null;
  const red = isObject(json.redactions) ? json.redactions : {};
  const byKind: Record<string, number> = {};
  if (isObject(red.byKind)) for (const [k, v] of Object.entries(red.byKind)) byKind[k] = num(v);
  const header = isObject(json.header) ? json.header : {};
  const base: Omit<SummaryModel, 'headline'> = {
    lines: { total: num(lines.total), analysed: num(lines.analysed) },
    jsonDocument: (str(header.description) ?? '').startsWith('JSON document records'),
    timeSpan: span ? timeSpanOf(span) : null,
    levels: { counts, source: str(levels.source) ?? 'none' },
    templateCount: isObject(json.templates) ? num(json.templates.total) : 0,
    topTemplates: templates(json.topTemplates),
    errorTemplates: templates(json.errorTemplates),
    warningTemplates: templates(json.warningTemplates),
    rareTemplates: templates(json.rareTemplates),
    newTemplates: templates(json.newTemplates),
    incidents: incidentsOf(json),
    timeline: timeline
      ? {
          windowSeconds: num(timeline.windowSeconds),
          windows: arr(timeline.windows)
            .filter(isObject)
            .map((w) => ({ start: str(w.start) ?? '', lines: num(w.lines), errors: num(w.errors) })),
        }
      : null,
    topComponents: arr(json.topComponents)
      .filter(isObject)
      .map((c) => ({ name: str(c.name) ?? '', lines: num(c.lines), errors: num(c.errors) })),
    topHosts: arr(json.topHosts)
      .filter(isObject)
      .map((h) => ({ name: str(h.name) ?? '', lines: num(h.lines) })),
    firstError: fe
      ? {
          line: num(fe.line),
          ...(str(fe.time) ? { time: str(fe.time) } : {}),
          template: str(fe.template) ?? '',
          text: str(fe.text) ?? '',
          inferred: fe.inferred === true,
        }
      : null,
    redactions: { total: num(red.total), byKind },
    errors: isObject(json.errors) ? num(json.errors.total) : num(counts.ERROR) + num(counts.FATAL),
    http: httpOf(json.http),
    durations: durationsOf(json.durations),
    changes: changesOf(json.changes),
    source: str(json.source) ?? (isObject(json.source) ? (str(json.source.name) ?? null) : null),
  };
  return { ...base, headline: headlineOf(json, base) };
}

/** The mined templates (LogSummary.templates) by id, with samples and the values behind each wildcard. */
export function readTemplateDetails(json: unknown): Map<string, TemplateDetail> {
  const out = new Map<string, TemplateDetail>();
  for (const t of arr(json).filter(isObject)) {
    const id = str(t.id);
    if (!id) continue;
    out.set(id, {
      id,
      template: str(t.template) ?? '',
      samples: arr(t.samples)
        .filter(isObject)
        .map((s) => ({ line: num(s.line), text: str(s.text) ?? '' })),
      parameters: arr(t.parameters)
        .filter(isObject)
        .map((p) => ({
          position: num(p.position),
          type: str(p.type) ?? '*',
          values: arr(p.values)
            .filter(isObject)
            .map((v) => ({ value: str(v.value) ?? '', count: num(v.count) })),
          more: p.more === true,
          estimated: p.estimated === true,
        })),
    });
  }
  return out;
}

/** Splits a template into text and wildcard parts (`<*>`, `<NUM>`, `<IP>`, …) for highlighting. */
export function templateParts(text: string): { text: string; wild: boolean }[] {
  const parts: { text: string; wild: boolean }[] = [];
  const pattern = /<(?:\*|[A-Z][A-Z0-9_]*)>/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) parts.push({ text: text.slice(last, index), wild: false });
    parts.push({ text: match[0], wild: true });
    last = index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), wild: false });
  return parts;
}
