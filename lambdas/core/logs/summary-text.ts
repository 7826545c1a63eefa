/** Readable plain-text rendering of a `LogSummary` (the CLI, and the text stored with each job result). */
import { redactionKindName } from '../redaction/kind-names.ts';
import type { TemplateChange } from './baseline.ts';
import { fmt, peakPhrase, plural, textTime } from './headline.ts';
import type { HttpSummary, StatusClass } from './http.ts';
import type { Incident } from './incidents.ts';
import type { LogSummary, TemplateBrief } from './summary.ts';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
/** Milliseconds as an on-call engineer reads them: one decimal below 10 ms, whole numbers above. */
const ms = (x: number): string => (x < 10 ? x.toFixed(1) : fmt(Math.round(x)));

/**
 * Shares in tenths of a percent that add up to exactly 100% (largest remainder), so a level breakdown
 * never reads 98.5% + 1.6%.
 */
export function sharesOfTotal(counts: number[]): string[] {
  const total = counts.reduce((a, c) => a + c, 0);
  if (total === 0) return counts.map(() => pct(0));
  const exact = counts.map((c) => (c * 1000) / total);
  const floors = exact.map(Math.floor);
  let left = 1000 - floors.reduce((a, f) => a + f, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    left--;
  }
  return floors.map((f) => `${(f / 10).toFixed(1)}%`);
}
const clip = (s: string, n = 140): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

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

const YEAR_FROM = {
  given: 'as given',
  received: 'from the upload/file time',
  clock: 'from the clock',
} as const;

/** What the Log: block says of times that wrote no zone (`timeSpan.zone`). */
const ZONE_NOTE = {
  none: '  Timestamps carry no time zone: times are as written, not UTC.',
  mixed: '  Some timestamps carry no time zone: times are as written, not all UTC.',
} as const;

function overview(s: LogSummary, out: string[]): void {
  const at = (iso: string): string => textTime(s, iso);
  const span = s.timeSpan
    ? ` from ${at(s.timeSpan.start)} to ${at(s.timeSpan.end)} (${duration(s.timeSpan.durationSeconds)})`
    : ' (no timestamps recognised)';
  out.push(`Log: ${plural(s.lines.analysed, 'line', 'lines')}${span}`);
  const extra: string[] = [];
  // A CSV export's column-name row is counted with the blank lines (it holds no event); it is named apart.
  const csvHeader = s.header.kind === 'csv' && !s.header.withoutHeaderRow && s.lines.blank > 0 ? 1 : 0;
  if (csvHeader) extra.push('the CSV header row');
  // So is a fixed-width table's (`kubectl get events`).
  const tableHeader = s.header.kind === 'table' && s.lines.blank > 0 ? 1 : 0;
  if (tableHeader) extra.push("the table's header row");
  const footers = s.lines.rowCountFooters ?? 0;
  if (footers) extra.push(footers === 1 ? 'its row-count footer' : `${fmt(footers)} row-count footers`);
  // A W3C log's directives (`#Fields:` names the fields) hold no event either.
  const directives = s.lines.directives ?? 0;
  if (directives)
    extra.push(`${plural(directives, 'W3C directive line', 'W3C directive lines')} (#Fields: and the like)`);
  const named = csvHeader + tableHeader + footers + directives;
  if (s.lines.blank > named) extra.push(`${fmt(s.lines.blank - named)} blank`);
  if (s.lines.continuation)
    extra.push(`${fmt(s.lines.continuation)} more in stack traces and other multi-line events`);
  if (s.lines.unmatchedHeader) extra.push(`${fmt(s.lines.unmatchedHeader)} without the usual header`);
  if (s.lines.truncated) extra.push(`${fmt(s.lines.truncated)} truncated`);
  if (s.lines.notUtf8)
    extra.push(
      `${fmt(s.lines.notUtf8)} with bytes that are not UTF-8, shown as �: convert the file to UTF-8`,
    );
  if (extra.length) out.push(`  (${extra.join(', ')})`);
  const compact = s.lines.compactJson;
  if (compact) {
    const on = compact.physicalLines === 1 ? 'one line' : `${fmt(compact.physicalLines)} lines`;
    out.push(
      `  ${fmt(compact.lines)} of them are JSON records written on ${on} (a compact JSON document), each counted as a line.`,
    );
  }
  const broken = s.lines.jsonDocumentBroken;
  if (broken)
    out.push(
      `  The JSON document breaks at line ${fmt(broken.line)} (${broken.reason}): from there it is read as plain text.`,
    );
  const year = s.timeSpan?.yearAssumed;
  if (year) out.push(`  Timestamps carry no year: ${year.year} assumed (${YEAR_FROM[year.from]}).`);
  const date = s.timeSpan?.dateAssumed;
  if (date) out.push(`  Timestamps carry no date: ${date.date} assumed (${YEAR_FROM[date.from]}).`);
  const zone = s.timeSpan?.zone;
  if (zone === 'none' || zone === 'mixed') out.push(ZONE_NOTE[zone]);
  out.push(
    `Header: ${s.header.description} [${s.header.kind}, fits ${pct(s.header.coverage)} of the sample]`,
  );
  const levelCounts = Object.entries(s.levels.counts)
    .map(([l, c]) => [l, c ?? 0] as const)
    .sort((a, b) => b[1] - a[1]);
  const counted = levelCounts.reduce((a, [, c]) => a + c, 0);
  // Lines without a level still count in the denominator, as a hidden remainder.
  const levelShares = sharesOfTotal([
    ...levelCounts.map(([, c]) => c),
    Math.max(0, s.lines.analysed - counted),
  ]);
  const levels = levelCounts.map(([l, c], i) => `${l} ${fmt(c)} (${levelShares[i]})`);
  const how = s.levels.source === 'inferred' ? ' (inferred from wording: the log has no level field)' : '';
  out.push(`Levels${how}: ${levels.join(' · ') || '-'}`);
  const inferred = s.errors.inferred ? ` (${fmt(s.errors.inferred)} from wording or HTTP 5xx status)` : '';
  out.push(`Errors: ${fmt(s.errors.total)}${inferred}`);
  const topShare = s.topTemplates.reduce((a, t) => a + t.share, 0);
  out.push(
    `Templates: ${fmt(s.templates.total)} (top ${s.topTemplates.length} cover ${pct(topShare)})` +
      (s.templates.overflowLines ? `; ${fmt(s.templates.overflowLines)} lines over the template cap` : ''),
  );
}

/**
 * An incident's templates as aligned rows: when each first appeared (the time of day, or date and time for
 * every row when the incident spans days, so the column keeps one width), how often, how many of those were
 * errors ("all" when every one was), id and text.
 */
function incidentTemplateRows(inc: Incident): string[] {
  const oneDay = inc.start.slice(0, 10) === inc.end.slice(0, 10);
  const errorsOf = (t: Incident['templates'][number]) =>
    t.errors === 0
      ? ''
      : t.errors === t.count
        ? 'all errors'
        : `${fmt(t.errors)} error${t.errors === 1 ? '' : 's'}`;
  const width = Math.max(0, ...inc.templates.map((t) => errorsOf(t).length));
  return inc.templates.map((t) => {
    const at = oneDay ? t.firstSeen.slice(11, 19) : t.firstSeen.slice(0, 19).replace('T', ' ');
    const errors = width > 0 ? `  ${errorsOf(t).padEnd(width)}` : '';
    return `       ${at} ${fmt(t.count).padStart(6)}×${errors}  ${t.id}  ${clip(t.template, 100)}${t.new ? '  (first seen here)' : ''}`;
  });
}

function incidents(s: LogSummary, out: string[]): void {
  const list = s.incidents;
  const at = (iso: string): string => textTime(s, iso);
  if (list.length === 0) return;
  out.push('', 'Incidents (in time order):');
  list.forEach((inc, i) => {
    const what =
      inc.kind === 'errors'
        ? `${fmt(inc.errors)} errors in ${fmt(inc.lines)} lines`
        : `a surge of ${fmt(inc.lines)} lines (${fmt(inc.errors)} errors)`;
    out.push(
      `  ${i + 1}. ${at(inc.start)} .. ${at(inc.end)} (${duration(inc.durationSeconds)}): ${what}, ` +
        `peak ${peakPhrase(inc)} from ${at(inc.peak.time)}`,
    );
    const fe = inc.firstError;
    if (fe)
      out.push(
        `     first error: line ${fmt(fe.line)}${fe.time ? ` at ${at(fe.time)}` : ''} [${fe.templateId}] ${clip(fe.text, 160)}`,
      );
    if (inc.templates.length) out.push('     templates by first appearance:');
    out.push(...incidentTemplateRows(inc));
    const where = [
      ...(inc.http5xx.length
        ? [`HTTP ${inc.http5xx.map((e) => `${e.name} (${fmt(e.lines)})`).join(', ')}`]
        : []),
      ...(inc.components.length
        ? [`components ${inc.components.map((c) => `${c.name} (${fmt(c.lines)})`).join(', ')}`]
        : []),
      ...(inc.hosts.length
        ? [`hosts ${inc.hosts.map((h) => `${h.name} (${fmt(h.lines)})`).join(', ')}`]
        : []),
    ];
    if (where.length) out.push(`     ${where.join(' · ')}`);
  });
}

const CLASSES: StatusClass[] = ['2xx', '3xx', '4xx', '5xx'];

function http(h: HttpSummary | null, out: string[]): void {
  if (!h) return;
  // Requests quoted without their answer (nginx's error log): "5xx 0" would read as no failures.
  const withStatus = CLASSES.reduce((n, c) => n + (h.statusClasses[c] ?? 0), 0);
  const classes =
    withStatus === 0
      ? 'no status logged'
      : CLASSES.map((c) => `${c} ${fmt(h.statusClasses[c] ?? 0)}`).join(' · ') +
        (withStatus < h.requests ? ` · ${fmt(h.requests - withStatus)} without a status` : '');
  const l = h.latencyMs;
  const latency = l ? ` · latency p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms` : '';
  out.push('', `HTTP: ${fmt(h.requests)} requests · ${classes}${latency}`);
  const codes = h.statusCodes.map((c) => `${c.code} ×${fmt(c.count)}`).join(', ');
  if (codes) out.push(`  status codes: ${codes}`);
  const shown = withStatus === 0 ? [] : CLASSES;
  out.push(
    `  ${['requests', ...shown].map((c) => c.padStart(c === 'requests' ? 8 : 6)).join(' ')}  ${['p50 ms', 'p95 ms', 'p99 ms'].map((c) => c.padStart(8)).join(' ')}  endpoint`,
  );
  for (const e of h.endpoints) {
    const counts = shown.map((c) => ` ${fmt(e.statusClasses[c] ?? 0).padStart(6)}`).join('');
    const p = e.latencyMs;
    const lat = (p ? [p.p50, p.p95, p.p99].map(ms) : ['-', '-', '-']).map((c) => c.padStart(8)).join(' ');
    out.push(`  ${fmt(e.requests).padStart(8)}${counts}  ${lat}  ${clip(e.endpoint, 90)}`);
  }
  if (h.otherEndpointRequests) out.push(`  ${fmt(h.otherEndpointRequests)} requests to further endpoints`);
}

/** Durations the lines name outside HTTP requests (a Lambda REPORT's `Duration:`), per template. */
function durations(list: LogSummary['durations'], out: string[]): void {
  if (!list?.length) return;
  out.push('', 'Durations named in the lines:');
  out.push(
    `  ${['lines', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'].map((c) => c.padStart(8)).join(' ')}  template`,
  );
  for (const d of list) {
    const p = d.durationMs;
    const cells = [fmt(p.count), ...[p.p50, p.p95, p.p99, p.max].map(ms)].map((c) => c.padStart(8)).join(' ');
    out.push(`  ${cells}  ${d.id}  ${clip(d.template, 90)}`);
  }
}

const levelCell = (t: TemplateBrief): string => `${t.level}${t.levelInferred ? '*' : ''}`.padEnd(6);

/**
 * An error template's level cell: the level of its error lines (ERROR, FATAL), `5xx` when only their HTTP
 * status made them errors, or the inferred level; not the level most of its lines have (INFO for a template
 * of requests a few of which failed).
 */
function errorLevelCell(t: TemplateBrief): string {
  const e = t.errors;
  if (e && e.level > 0) return (t.level === 'FATAL' ? 'FATAL' : 'ERROR').padEnd(6);
  if (e && e.http5xx > 0 && e.wording === 0) return '5xx'.padEnd(6);
  return levelCell(t);
}

/** `20 of 1,200` when only some of a template's lines are of the kind listed (errors, warnings). */
const partCell = (t: TemplateBrief, part: number | undefined): string => {
  const n = part ?? t.count;
  return n < t.count ? `${fmt(n)} of ${fmt(t.count)}` : fmt(t.count);
};
const errorCountCell = (t: TemplateBrief): string => partCell(t, t.errors?.lines);

/** A warning template's level cell: WARN, the level of the lines that put it in the list, not its most frequent. */
const warnLevelCell = (t: TemplateBrief): string =>
  t.warnings === undefined ? levelCell(t) : `WARN${t.levelInferred ? '*' : ''}`.padEnd(6);

/**
 * Why a template's lines are errors, when the level column does not say it all: `(level ERROR, HTTP 5xx)`.
 * Errors by their level alone need no why (`ERROR  50 of 100` says it), as in the console.
 */
function errorWhy(t: TemplateBrief): string {
  const e = t.errors;
  if (!e || (e.http5xx === 0 && e.wording === 0)) return '';
  const part = (n: number, what: string) => (n === e.lines ? what : `${fmt(n)} ${what}`);
  const parts: string[] = [];
  if (e.level > 0) parts.push(part(e.level, `level ${t.level === 'FATAL' ? 'FATAL' : 'ERROR'}`));
  if (e.http5xx > 0) parts.push(part(e.http5xx, 'HTTP 5xx'));
  if (e.wording > 0) parts.push(part(e.wording, 'error wording'));
  return parts.length ? `  (${parts.join(', ')})` : '';
}

function templateLists(s: LogSummary, out: string[]): void {
  const list = (title: string, items: TemplateBrief[], show: (t: TemplateBrief) => string) => {
    if (items.length === 0) return;
    out.push('', `${title}:`);
    for (const t of items) out.push(`  ${show(t)}  ${t.id}  ${clip(t.template)}`);
  };
  list('Top templates', s.topTemplates, (t) => `${pct(t.share).padStart(6)} ${fmt(t.count).padStart(8)}`);
  const countWidth = Math.max(8, ...s.errorTemplates.map((t) => errorCountCell(t).length));
  if (s.errorTemplates.length) {
    out.push('', 'Error templates:');
    for (const t of s.errorTemplates)
      out.push(
        `  ${errorLevelCell(t)} ${errorCountCell(t).padStart(countWidth)}  ${t.id}  ${clip(t.template)}${errorWhy(t)}`,
      );
  }
  const warnWidth = Math.max(8, ...s.warningTemplates.map((t) => partCell(t, t.warnings).length));
  list(
    'Warning templates',
    s.warningTemplates,
    (t) => `${warnLevelCell(t)} ${partCell(t, t.warnings).padStart(warnWidth)}`,
  );
  if ([...s.errorTemplates, ...s.warningTemplates].some((t) => t.levelInferred))
    out.push('  * level inferred from wording (the log has no level field)');
  if (s.firstError) {
    const fe = s.firstError;
    out.push(
      '',
      `First error${fe.inferred ? ' (recognised from wording or status)' : ''}: line ${fmt(fe.line)}${fe.time ? ` at ${textTime(s, fe.time)}` : ''} [${fe.templateId}]`,
      `  ${clip(fe.text, 300)}`,
    );
  }
  list(
    'First seen near the end (in the last fifth of the window)',
    s.newTemplates,
    (t) =>
      `${fmt(t.count).padStart(8)} from ${t.firstSeen ? textTime(s, t.firstSeen) : `line ${fmt(t.firstLine)}`}`,
  );
  list('Rare templates', s.rareTemplates, (t) => `${fmt(t.count).padStart(8)}`);
}

function changes(s: LogSummary, out: string[]): void {
  const c = s.changes;
  if (!c) return;
  const per = c.basis === 'time' ? 'rates per hour of log' : 'rates per line';
  out.push('', `Changes since ${c.baseline.label} (${fmt(c.baseline.lines)} lines; ${per}):`);
  const section = (
    title: string,
    items: TemplateChange[],
    total: number,
    show: (t: TemplateChange) => string,
    id: (t: TemplateChange) => string = (t) => t.id,
  ) => {
    if (total === 0) return;
    out.push(`  ${title} (${fmt(total)}):`);
    for (const t of items) out.push(`    ${show(t)}  ${id(t)}  ${clip(t.template, 110)}`);
    if (total > items.length) out.push(`    … ${fmt(total - items.length)} more`);
  };
  section('new', c.new, c.totals.new, (t) => `${fmt(t.count).padStart(8)}`);
  section(
    'louder',
    c.louder,
    c.totals.louder,
    (t) => `${fmt(t.baselineCount).padStart(6)} → ${fmt(t.count).padStart(6)} lines (${t.factor}× the rate)`,
  );
  section(
    'quieter',
    c.quieter,
    c.totals.quieter,
    (t) => `${fmt(t.baselineCount).padStart(6)} → ${fmt(t.count).padStart(6)} lines (${t.factor}× the rate)`,
  );
  // A gone template's id is the baseline's: said so, since the same id names another template in this log.
  section(
    'gone',
    c.gone,
    c.totals.gone,
    (t) => `${fmt(t.baselineCount).padStart(8)} before`,
    (t) => `(was ${t.id})`,
  );
  if (c.totals.new + c.totals.louder + c.totals.quieter + c.totals.gone === 0)
    out.push('  nothing new, gone, or 3× louder or quieter');
}

function places(s: LogSummary, out: string[]): void {
  const table = (title: string, rows: { name: string; lines: number; errors: number }[]) => {
    if (rows.length === 0) return;
    out.push('', `${title}:`);
    for (const r of rows)
      out.push(
        `  ${fmt(r.lines).padStart(8)}  ${clip(r.name, 80)}${r.errors ? `  (${fmt(r.errors)} errors)` : ''}`,
      );
  };
  table('Top components', s.topComponents);
  table('Top hosts', s.topHosts);
}

const NETWORK = {
  pseudonymise: 'IP addresses and host names pseudonymised',
  remove: 'IP addresses and host names removed',
  keep: 'IP addresses and host names kept',
  none: 'nothing redacted (redaction off)',
} as const;

function redactions(s: LogSummary, out: string[]): void {
  const r = s.redactions;
  const kinds = Object.entries(r.byKind)
    .filter(([, c]) => c > 0)
    .map(([k, c]) => `${redactionKindName(k)} ${fmt(c)}`);
  const distinct =
    r.network === 'pseudonymise' && r.distinct.ip + r.distinct.host > 0
      ? ` (${plural(r.distinct.ip, 'distinct address', 'distinct addresses')}, ${plural(r.distinct.host, 'host', 'hosts')})`
      : '';
  out.push(
    '',
    `Redactions: ${fmt(r.total)}${kinds.length ? ` (${kinds.join(', ')})` : ''}; ${NETWORK[r.network]}${distinct}`,
  );
}

export function renderSummaryText(s: LogSummary): string {
  const out: string[] = [s.headline, ''];
  overview(s, out);
  incidents(s, out);
  http(s.http, out);
  durations(s.durations, out);
  changes(s, out);
  templateLists(s, out);
  places(s, out);
  redactions(s, out);
  return out.join('\n');
}
