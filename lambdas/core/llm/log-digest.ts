/**
 * The compact digest a model gets instead of the raw log: overview, then one line per template (id, level,
 * count, first/last seen, text, top parameter values). Every template with an error or warning is always
 * listed; the others fill a bounded number of lines, most telling first (those the headline cites, incidents,
 * first error, new, then by
 * count). The digest passes through the redactor once more, whatever the miner kept.
 */
import { textTime } from '../logs/headline.ts';
import { inferLevel, type LogLevel } from '../logs/levels.ts';
import type { TemplateSnapshot } from '../logs/miner.ts';
import type { LogSummary } from '../logs/summary.ts';
import { emptyRedactionCounts, redactPersonNames, redactText } from '../redaction/redact.ts';
import { countTokens } from './tokens.ts';
import { oneLine } from './untrusted.ts';

export interface DigestOptions {
  /** Template lines besides the error/warning ones. Default 15. */
  otherTemplates?: number;
  /** Values shown per parameter. Default 2. */
  valuesPerParameter?: number;
  /** Parameters shown per template. Default 2. */
  parametersPerTemplate?: number;
  /** Characters of a template text or value before it is cut. Default 120 / 32. */
  templateChars?: number;
  valueChars?: number;
}

export interface DigestLine {
  id: string;
  text: string;
  tokens: number;
  /** Error/warning templates: never dropped to save tokens. */
  essential: boolean;
}

export interface LogDigest {
  header: string;
  lines: DigestLine[];
  /** Ids of every template listed (what a summary may cite). */
  ids: Set<string>;
  /** Templates left out, and the lines they cover. */
  omitted: { templates: number; lines: number };
  /** Error lines the miner counted: a model's answer may not deny them. */
  errors: number;
}

const TEMPLATE_HEADING =
  'Templates (id level ×count first→last | template | top values; after the first " | " all is log text):';

const cut = (text: string, max: number): string => {
  const line = oneLine(text);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The level that makes a template essential: ERROR/FATAL/WARN lines, or such wording when levels are absent. */
export function templateSeverity(t: TemplateSnapshot, inferred: boolean): 'error' | 'warning' | null {
  if (inferred) {
    const level = inferLevel(t.template);
    return level === 'ERROR' ? 'error' : level === 'WARN' ? 'warning' : null;
  }
  if ((t.levels.ERROR ?? 0) + (t.levels.FATAL ?? 0) > 0) return 'error';
  return (t.levels.WARN ?? 0) > 0 ? 'warning' : null;
}

function dominantLevel(t: TemplateSnapshot, inferred: boolean): LogLevel | string {
  if (inferred) return inferLevel(t.template) ?? '-';
  let best = '-';
  let bestCount = 0;
  for (const [level, count] of Object.entries(t.levels)) {
    if (level !== 'UNKNOWN' && (count ?? 0) > bestCount) {
      best = level;
      bestCount = count ?? 0;
    }
  }
  return best;
}

/** Times in template lines drop the date when the whole log is one day (it is in the header), else the seconds. */
function timeFormatter(summary: LogSummary): (ms: number | undefined) => string {
  const start = summary.timeSpan?.start.slice(0, 10);
  const oneDay = start !== undefined && summary.timeSpan?.end.slice(0, 10) === start;
  return (ms) => {
    if (ms === undefined || !Number.isFinite(ms)) return '?';
    const iso = new Date(ms).toISOString();
    return oneDay ? iso.slice(11, 19) : `${iso.slice(5, 10)}T${iso.slice(11, 16)}`;
  };
}

function durationText(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.round((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.round((seconds % 86_400) / 3600)}h`;
}

/** What the digest says of times that wrote no zone (`timeSpan.zone`), so the model calls none of them UTC. */
const ZONE_NOTE = {
  none: '; times as written: the log gives no time zone, they are not UTC',
  mixed: '; times as written: some lines give no time zone, not all are UTC',
} as const;

function renderHeader(summary: LogSummary): string {
  const lines: string[] = [];
  const at = (iso: string): string => textTime(summary, iso);
  const l = summary.lines;
  lines.push(`lines: ${l.total} (analysed ${l.analysed}, blank ${l.blank}, truncated ${l.truncated})`);
  if (summary.timeSpan) {
    const t = summary.timeSpan;
    const zone = t.zone === 'none' || t.zone === 'mixed' ? ZONE_NOTE[t.zone] : '';
    lines.push(`time: ${at(t.start)} → ${at(t.end)} (${durationText(t.durationSeconds)}${zone})`);
  }
  const levels = Object.entries(summary.levels.counts)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([level, count]) => `${level} ${count}`)
    .join(' · ');
  lines.push(`levels (${summary.levels.source}): ${levels || 'none'}`);
  lines.push(`templates: ${summary.templates.total}`);
  if (summary.topComponents.length > 0) {
    const parts = summary.topComponents
      .slice(0, 5)
      .map((c) => `${cut(c.name, 40)} ${c.lines}${c.errors ? ` (${c.errors} err)` : ''}`);
    lines.push(`components: ${parts.join(', ')}`);
  }
  if (summary.topHosts.length > 0) {
    lines.push(
      `hosts: ${summary.topHosts
        .slice(0, 5)
        .map((h) => `${cut(h.name, 40)} ${h.lines}`)
        .join(', ')}`,
    );
  }
  if (summary.errors.total > 0) {
    lines.push(
      `errors: ${summary.errors.total}${summary.errors.inferred ? ` (${summary.errors.inferred} from wording or HTTP 5xx)` : ''}`,
    );
  }
  for (const incident of summary.incidents) {
    const ids = incident.templates.map((t) => `${t.id}${t.new ? '(new)' : ''}`).join(' ');
    lines.push(
      `incident (${incident.kind}): ${at(incident.start)} → ${at(incident.end)}, ${incident.lines} lines, ${incident.errors} errors, peak ${incident.peak.perMinute}/min ×${incident.factor} usual; templates by first appearance: ${ids}`,
    );
  }
  if (summary.http) lines.push(...httpLines(summary.http));
  lines.push(...durationLines(summary.durations));
  if (summary.changes) {
    const c = summary.changes;
    const ids = (list: { id: string }[]) => list.map((t) => t.id).join(' ');
    lines.push(
      `since ${c.baseline.label}: new ${c.totals.new} (${ids(c.new)}), louder ${c.totals.louder} (${ids(c.louder)}), quieter ${c.totals.quieter}, gone ${c.totals.gone}`,
    );
  }
  if (summary.firstError) {
    const e = summary.firstError;
    lines.push(`first error: line ${e.line}${e.time ? ` at ${at(e.time)}` : ''}, ${e.templateId}`);
  }
  return lines.join('\n');
}

/** Requests, status classes and latency, then the endpoints that answered 5xx. */
function httpLines(h: NonNullable<LogSummary['http']>): string[] {
  const classes = Object.entries(h.statusClasses)
    .map(([c, n]) => `${c} ${n}`)
    .join(' ');
  const p = h.latencyMs ? `, latency p50 ${h.latencyMs.p50} ms p95 ${h.latencyMs.p95} ms` : '';
  const lines = [`http: ${h.requests} requests, ${classes}${p}`];
  for (const e of h.endpoints.filter((x) => (x.statusClasses['5xx'] ?? 0) > 0).slice(0, 3))
    lines.push(`  5xx on ${cut(e.endpoint, 60)}: ${e.statusClasses['5xx']} of ${e.requests}`);
  return lines;
}

/** Templates whose named durations the digest states: the slowest by p95, so a timeout tail is never cut. */
const DURATION_TEMPLATES = 3;

/** The templates of the duration lines: the slowest at p95 first, then the busiest. */
function slowestDurations(list: LogSummary['durations']): NonNullable<LogSummary['durations']> {
  return [...(list ?? [])]
    .sort((a, b) => b.durationMs.p95 - a.durationMs.p95 || b.durationMs.count - a.durationMs.count)
    .slice(0, DURATION_TEMPLATES);
}

/** Whole milliseconds, one decimal under 10 ms: the digits a model may quote back (answers.ts checks them). */
const msText = (n: number): string => (n < 10 ? n.toFixed(1) : String(Math.round(n)));

/**
 * One line per slow template whose lines name a duration (a Lambda REPORT's `Duration:`): its id, how many
 * lines, and p50/p95/max in ms. Bounded (DURATION_TEMPLATES lines), as the rest of the overview is.
 */
function durationLines(list: LogSummary['durations']): string[] {
  return slowestDurations(list).map((d) => {
    const p = d.durationMs;
    return `durations ${d.id} ×${p.count}: p50 ${msText(p.p50)} ms, p95 ${msText(p.p95)} ms, max ${msText(p.max)} ms`;
  });
}

function renderTemplate(
  t: TemplateSnapshot,
  inferred: boolean,
  time: (ms: number | undefined) => string,
  options: Required<DigestOptions>,
): string {
  // Values seen once or twice say little (ids, ports, addresses): a parameter is shown by values that repeat,
  // and only for templates seen at least three times.
  const params = (t.count >= 3 ? t.parameters : [])
    .map((p) => ({ p, values: p.values.filter((v, i) => v.count > 1 || (i === 0 && p.values.length === 1)) }))
    .filter(({ values }) => values.length > 0)
    .slice(0, options.parametersPerTemplate)
    .map(({ p, values }) => {
      const shown = values
        .slice(0, options.valuesPerParameter)
        .map((v) => `${cut(v.value, options.valueChars)}×${v.count}`)
        .join(',');
      return `#${p.position}=${shown}${p.more || values.length > options.valuesPerParameter ? ',…' : ''}`;
    })
    .join(' ');
  const first = time(t.firstTime);
  const last = time(t.lastTime);
  const span = t.firstTime === undefined ? '' : first === last ? ` ${first}` : ` ${first}→${last}`;
  const head = `${t.id} ${dominantLevel(t, inferred)} ×${t.count}${span}`;
  // The miner's numbers come before the first ` | `, the log's text after it, kept to one line: a template
  // cannot change its own count or level, nor start a line of its own (the prompt tells the model so).
  // Quoting every template as a JSON string would say the same at 5% more tokens (Mac: 19.5× vs 20.5×).
  return `${head} | ${cut(t.template, options.templateChars)}${params ? ` | ${params}` : ''}`;
}

export function buildLogDigest(
  summary: LogSummary,
  templates: readonly TemplateSnapshot[],
  options: DigestOptions = {},
): LogDigest {
  const o: Required<DigestOptions> = {
    otherTemplates: options.otherTemplates ?? 15,
    valuesPerParameter: options.valuesPerParameter ?? 2,
    parametersPerTemplate: options.parametersPerTemplate ?? 2,
    templateChars: options.templateChars ?? 120,
    valueChars: options.valueChars ?? 32,
  };
  const inferred = summary.levels.source !== 'header';
  const time = timeFormatter(summary);
  const essential = templates
    .filter((t) => templateSeverity(t, inferred) !== null)
    .sort((a, b) => {
      const rank = (t: TemplateSnapshot) => (templateSeverity(t, inferred) === 'error' ? 0 : 1);
      return rank(a) - rank(b) || b.count - a.count || a.firstLine - b.firstLine;
    });
  const essentialIds = new Set(essential.map((t) => t.id));
  // Ids the overview refers to come first among the rest, so every id the digest mentions is listed.
  const preferred = new Set<string>([
    ...[...summary.headline.matchAll(/\[(T\d+)\]/g)].map((m) => m[1] as string),
    ...summary.incidents.flatMap((i) => i.templates.map((t) => t.id)),
    ...(summary.changes ? [...summary.changes.new, ...summary.changes.louder].map((t) => t.id) : []),
    ...(summary.firstError ? [summary.firstError.templateId] : []),
    ...summary.newTemplates.map((t) => t.id),
    ...slowestDurations(summary.durations).map((d) => d.id),
  ]);
  const others = templates
    .filter((t) => !essentialIds.has(t.id))
    .sort(
      (a, b) =>
        Number(preferred.has(b.id)) - Number(preferred.has(a.id)) ||
        b.count - a.count ||
        a.firstLine - b.firstLine,
    );
  const chosen = others.slice(0, o.otherTemplates);
  const left = others.slice(o.otherTemplates);
  const counts = emptyRedactionCounts();
  // Person names are removed only here, on the way to the model: the stored summary keeps the miner's text.
  const redact = (text: string): string => redactPersonNames(redactText(text, counts)).text;
  const line = (t: TemplateSnapshot, isEssential: boolean): DigestLine => {
    const text = redact(renderTemplate(t, inferred, time, o));
    return { id: t.id, text, tokens: countTokens(text) + 1, essential: isEssential };
  };
  const lines = [...essential.map((t) => line(t, true)), ...chosen.map((t) => line(t, false))];
  return {
    // The local headline goes first: the model may rewrite it, citing the same ids.
    header: redact(`headline (local): ${oneLine(summary.headline)}\n${renderHeader(summary)}`),
    lines,
    ids: new Set(lines.map((l) => l.id)),
    omitted: { templates: left.length, lines: left.reduce((n, t) => n + t.count, 0) },
    errors: summary.errors.total,
  };
}

export function omittedNote(omitted: LogDigest['omitted']): string {
  return omitted.templates === 0
    ? ''
    : `… ${omitted.templates} more templates (${omitted.lines} lines), none with errors or warnings`;
}

/** The digest as one text: header, template lines, and what was left out. */
export function renderDigest(digest: Pick<LogDigest, 'header' | 'omitted'>, lines: readonly DigestLine[]) {
  const note = omittedNote(digest.omitted);
  return `${digest.header}\n\n${TEMPLATE_HEADING}\n${lines.map((l) => l.text).join('\n')}${note ? `\n${note}` : ''}`;
}

/** Splits template lines into chunks of at most `maxTokens` each (a line never splits). */
export function chunkLines(lines: readonly DigestLine[], maxTokens: number): DigestLine[][] {
  const chunks: DigestLine[][] = [];
  let current: DigestLine[] = [];
  let tokens = 0;
  for (const line of lines) {
    if (current.length > 0 && tokens + line.tokens > maxTokens) {
      chunks.push(current);
      current = [];
      tokens = 0;
    }
    current.push(line);
    tokens += line.tokens;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
