/**
 * The headline (issue 14, deliverable 6): one to three sentences an on-call engineer reads first, built
 * from the structured summary alone (no model): what failed, when, how much, and what is new. Templates
 * are cited by id (`[T12]`) so every claim can be looked up in the lists below it.
 */
import type { Incident } from './incidents.ts';
import type { LogSummary } from './summary.ts';

type HeadlineInput = Omit<LogSummary, 'headline'>;

export const fmt = (n: number): string => n.toLocaleString('en-US');
/** `1 error`, `2 errors`: a count with its noun. */
export const plural = (n: number, one: string, many: string): string => `${fmt(n)} ${n === 1 ? one : many}`;
const quote = (template: string, max = 90): string =>
  `“${template.length > max ? `${template.slice(0, max - 1)}…` : template}”`;
const pct = (part: number, whole: number): string => {
  const p = (100 * part) / Math.max(1, whole);
  return `${p >= 10 ? Math.round(p) : p.toFixed(1)}%`;
};

export function spanText(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h`;
  return `${(seconds / 86_400).toFixed(1).replace(/\.0$/, '')} days`;
}

/** "over 0 ms" read as a measurement; lines that all carry one timestamp are said to. */
function spanPhrase(seconds: number): string {
  return seconds > 0 ? ` over ${spanText(seconds)}` : ', all with one timestamp';
}

/**
 * Whether a summary's times may be called UTC: they wrote their zone (`timeSpan.zone`), or the summary was made
 * before the zone was looked at. A log that writes none (syslog, log4j's default) is in its writer's clock.
 */
export function timesInUtc(s: Pick<LogSummary, 'timeSpan'>): boolean {
  const zone = s.timeSpan?.zone;
  return zone === undefined || zone === 'written';
}

/**
 * A time of the summary (ISO, with `Z`) as the text writes it: without the `Z` when the log gave no zone, as
 * ISO 8601 writes a local time (`2015-10-18T18:01:47.978`).
 */
export function textTime(s: Pick<LogSummary, 'timeSpan'>, iso: string): string {
  return timesInUtc(s) || !iso.endsWith('Z') ? iso : iso.slice(0, -1);
}

/** Formats the headline's times; `utc` follows a time (` UTC`, or nothing when the log gave no zone). */
type Clock = ((iso: string) => string) & { readonly utc: string };

/** `2024-05-01 10:30:05` the first time, then only the time of day while the date stays the same. */
function clock(utc: boolean): Clock {
  let day: string | undefined;
  const at = (iso: string): string => {
    if (iso.slice(0, 10) === day) return iso.slice(11, 19);
    day = iso.slice(0, 10);
    return `${day} ${iso.slice(11, 19)}`;
  };
  return Object.assign(at, { utc: utc ? ' UTC' : '' });
}

function windowName(seconds: number): string {
  if (seconds < 60) return `${seconds}-second`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}-minute`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)}-hour`;
  return `${Math.round(seconds / 86_400)}-day`;
}

/** `peaking at 40 errors/min (usually none)`, or per window when windows are longer than ten minutes. */
export function peakPhrase(inc: Incident): string {
  const unit = inc.kind === 'errors' ? 'errors' : 'lines';
  const rate =
    inc.peak.windowSeconds <= 600
      ? `${fmt(inc.peak.perMinute)} ${unit}/min`
      : `${fmt(inc.peak.count)} ${unit} in one ${windowName(inc.peak.windowSeconds)} window`;
  const usual = inc.usual < 0.5 ? `usually none` : `${inc.factor}× the usual`;
  return `${rate} (${usual})`;
}

/** `between 10:30:00 and 10:31:12 UTC`, or `at 10:30:00 UTC` when it is one moment (no UTC: see `clock`). */
function when(inc: Incident, time: Clock): string {
  if (inc.durationSeconds < 1) return `at ${time(inc.start)}${time.utc}`;
  return `between ${time(inc.start)} and ${time(inc.end)}${time.utc}`;
}

/**
 * The host and component an incident is mostly on, each named only when it holds at least half of the
 * incident's lines: the busiest of many hosts (5 % of the lines) is not where the incident is.
 */
function where(inc: Incident): string {
  const names = [inc.hosts, inc.components].flatMap((top) =>
    top.slice(0, 1).flatMap((x) => (x.lines * 2 >= inc.lines ? [x.name] : [])),
  );
  return names.length ? ` on ${names.join(' / ')}` : '';
}

/** Where errors without an ERROR level came from: HTTP 5xx statuses, error wording, or both. */
function inferredHow(s: HeadlineInput): string {
  const fives = s.http?.statusClasses['5xx'] ?? 0;
  if (fives >= s.errors.inferred) return 'HTTP 5xx responses';
  if (fives > 0) return 'from wording and HTTP 5xx status';
  if (s.levels.source !== 'header') return 'recognised from wording: the log has no levels';
  // A log whose lines of one kind carry levels (a Lambda export) has errors of both kinds.
  const levelled = (s.levels.counts.ERROR ?? 0) + (s.levels.counts.FATAL ?? 0);
  return levelled > 0
    ? 'some recognised from wording, on lines without a level'
    : 'recognised from wording: the log has no error level';
}

/** "mostly" only for at least half: a template with 69 of 324 lines "leads" them, it is not the whole story. */
function mostly(part: number, whole: number): string {
  return part * 2 >= whole ? 'mostly' : 'led by';
}

function incidentSentence(s: HeadlineInput, time: Clock): string | undefined {
  const errorIncidents = s.incidents.filter((i) => i.kind === 'errors');
  const pool = errorIncidents.length ? errorIncidents : s.incidents;
  const main = [...pool].sort((a, b) => b.errors - a.errors || b.lines - a.lines)[0];
  if (!main) return undefined;
  // What an error burst is mostly made of is its errors; a surge, its busiest template.
  const lead = [...main.templates].sort((a, b) =>
    main.kind === 'errors' ? b.errors - a.errors || b.count - a.count : b.count - a.count,
  )[0];
  const how = s.errors.inferred === 0 ? '' : ` (${inferredHow(s)})`;
  const what =
    main.kind === 'errors'
      ? `${plural(main.errors, 'error', 'errors')}${how}`
      : `A surge of ${plural(main.lines, 'line', 'lines')}`;
  const others = s.incidents.length > 1 ? ` (the largest of ${s.incidents.length} incidents)` : '';
  // Server errors say more by status and endpoint than by template (access-log templates are alike).
  const http = main.http5xx[0];
  const fives = main.http5xx.reduce((n, e) => n + e.lines, 0);
  if (http && fives * 2 >= main.errors) {
    const also = main.http5xx[1] ? `, then ${main.http5xx[1].name} (${fmt(main.http5xx[1].lines)})` : '';
    const cite = lead ? ` [${lead.id}]` : '';
    return `${what} ${when(main, time)}${others}, peaking at ${peakPhrase(main)}: ${mostly(http.lines, fives)} ${http.name} (${fmt(http.lines)})${also}${cite}.`;
  }
  const [part, whole] =
    main.kind === 'errors' ? [lead?.errors ?? 0, main.errors] : [lead?.count ?? 0, main.lines];
  const cause = lead
    ? `, ${mostly(part, whole)} ${quote(lead.template)} [${lead.id}]${part * 2 >= whole ? '' : ` (${fmt(part)})`}`
    : '';
  return `${what} ${when(main, time)}${others}, peaking at ${peakPhrase(main)}${cause}` + `${where(main)}.`;
}

/**
 * What an error-free log still has to say: its warnings (what an on-call engineer looks at next), or when
 * there are none, what dominates it.
 */
function quietDetail(s: HeadlineInput): string {
  const warnings = s.levels.counts.WARN ?? 0;
  const warning = s.warningTemplates[0];
  if (warnings > 0 && warning) {
    const guessed = s.levels.source === 'inferred' ? ' (recognised from wording)' : '';
    const noun = warnings === 1 ? 'warning' : 'warnings';
    const part = warning.warnings ?? warning.count;
    return `; ${fmt(warnings)} ${noun}${guessed}, ${mostly(part, warnings)} ${quote(warning.template)} [${warning.id}] (${fmt(part)}×)`;
  }
  const busiest = s.topTemplates[0];
  return busiest
    ? `; most frequent: ${quote(busiest.template)} [${busiest.id}] (${pct(busiest.count, s.lines.analysed)})`
    : '';
}

function errorSentence(s: HeadlineInput, time: Clock): string {
  const span = s.timeSpan ? spanPhrase(s.timeSpan.durationSeconds) : '';
  if (s.errors.total === 0)
    return `No errors in ${plural(s.lines.analysed, 'line', 'lines')}${span}${quietDetail(s)}.`;
  const how = s.errors.inferred === s.errors.total ? ` (${inferredHow(s)})` : '';
  const top = s.errorTemplates[0];
  const most = top ? `; most frequent: ${quote(top.template)} [${top.id}] (${fmt(top.count)}×)` : '';
  const first = s.firstError?.time ? `, first at ${time(s.firstError.time)}${time.utc}` : '';
  return `${plural(s.errors.total, 'error', 'errors')}${how} in ${plural(s.lines.analysed, 'line', 'lines')}${span}${most}${first}.`;
}

function httpSentence(s: HeadlineInput): string | undefined {
  const http = s.http;
  if (!http) return undefined;
  const fives = http.statusClasses['5xx'] ?? 0;
  if (fives === 0 || fives < 0.01 * http.requests) return undefined;
  const worst = [...http.endpoints].sort(
    (a, b) => (b.statusClasses['5xx'] ?? 0) - (a.statusClasses['5xx'] ?? 0),
  )[0];
  const on = worst ? `, most on ${worst.endpoint} (${fmt(worst.statusClasses['5xx'] ?? 0)})` : '';
  const p95 = http.latencyMs ? `; p95 latency ${fmt(http.latencyMs.p95)} ms` : '';
  return `${fmt(fives)} of ${fmt(http.requests)} HTTP requests failed with 5xx (${pct(fives, http.requests)})${on}${p95}.`;
}

function newSentence(s: HeadlineInput, time: Clock, cited: string): string | undefined {
  const c = s.changes;
  if (c) {
    const parts: string[] = [];
    if (c.totals.new) parts.push(`${c.totals.new} new template${c.totals.new > 1 ? 's' : ''}`);
    if (c.totals.louder) parts.push(`${c.totals.louder} ≥ 3× louder`);
    if (c.totals.quieter) parts.push(`${c.totals.quieter} ≥ 3× quieter`);
    if (c.totals.gone) parts.push(`${c.totals.gone} gone`);
    if (parts.length === 0)
      return `Compared with ${c.baseline.label}: no template is new, gone or 3× louder or quieter.`;
    const lead = c.new[0] ?? c.louder[0];
    const eg = lead ? `, e.g. ${quote(lead.template, 70)} [${lead.id}]` : '';
    return `Compared with ${c.baseline.label}: ${parts.join(', ')}${eg}.`;
  }
  // A template the first sentence already names is not news twice.
  const fresh = s.incidents.flatMap((i) => i.templates.filter((t) => t.new && !cited.includes(`[${t.id}]`)));
  const lead = fresh.sort((a, b) => b.errors - a.errors || a.firstSeen.localeCompare(b.firstSeen))[0];
  if (lead)
    return `First seen during an incident: ${quote(lead.template, 70)} [${lead.id}], at ${time(lead.firstSeen)}${time.utc}.`;
  const late = s.newTemplates.find(
    (t) => ['ERROR', 'FATAL', 'WARN'].includes(t.level) && !cited.includes(`[${t.id}]`),
  );
  if (late)
    return `First seen near the end: ${quote(late.template, 70)} [${late.id}]${late.firstSeen ? ` from ${time(late.firstSeen)}${time.utc}` : ''}.`;
  return undefined;
}

/**
 * One to three sentences; the first says what failed (or that nothing did), when and how much. Errors come
 * before a surge without errors: a burst of start-up chatter must not hide errors spread over the log.
 */
export function buildHeadline(s: HeadlineInput): string {
  // A log that wrote no zone gives its writer's clock: its times are not called UTC.
  const time = clock(timesInUtc(s));
  const errorsFirst = s.errors.total > 0 && !s.incidents.some((i) => i.kind === 'errors');
  // Written in the order they are read, so the date is given once, in the first sentence that has a time.
  const first = errorsFirst ? errorSentence(s, time) : (incidentSentence(s, time) ?? errorSentence(s, time));
  const surge = errorsFirst ? incidentSentence(s, time) : undefined;
  const cited = surge === undefined ? first : `${first} ${surge}`;
  const sentences = [first, httpSentence(s), surge, newSentence(s, time, cited)];
  const told = sentences.filter((x): x is string => x !== undefined).slice(0, 3);
  // A format the user gave that the lines do not follow changes everything above: say so first.
  const misfit = formatMisfit(s);
  return (misfit === undefined ? told : [misfit, ...told]).join(' ');
}

/** Below this share of the sample, a given `format` is not how the log is written. */
const FORMAT_FIT = 0.5;

function formatMisfit(s: HeadlineInput): string | undefined {
  if (s.header.kind !== 'format' || s.header.coverage >= FORMAT_FIT) return undefined;
  const share = s.header.coverage === 0 ? 'none' : pct(s.header.coverage, 1);
  return `The format given fits ${share} of the lines, so times, levels and components were not read from them: check the format.`;
}
