/**
 * A template's lines, found in the log's stored (redacted) text in the browser. Each template of the summary
 * becomes a matcher: its constant text in order, any run of white space for a space, a wildcard for each
 * `<*>` or typed placeholder (`<NUM>`, `<IP>`), at word edges. A line belongs to the most specific template
 * that matches it (the most constant characters), so a general template (`Receiving <*>`) never takes the
 * lines of a specific one (`Receiving block <*> src: <*> dest: <*>`). Lines that match no template and follow
 * an event (a stack trace, a traceback) belong to that event, as the miner keeps them.
 *
 * The miner's own line-to-template assignment is not stored; on the eight Loghub-2k development logs this
 * matcher agrees with it on every template but one (docs/web.md, `scripts/template-lines-check.ts`).
 */
import { parseHttp } from '../../../../lambdas/core/logs/http.ts';
import { documentLines } from '../../../../lambdas/core/logs/json-document.ts';
import { levelNearStart } from '../../../../lambdas/core/logs/levels.ts';
import { runPausing, runThrough } from '../../../../lambdas/core/steps.ts';

export interface LineTemplate {
  id: string;
  template: string;
}

export interface CompiledTemplate {
  id: string;
  /** Characters of constant text: the more, the more specific. */
  weight: number;
  /** The longest constant word, looked for before the regular expression runs. */
  needle: string;
  /** Null for a template of wildcards only (the overflow template `<*>`): it matches every line. */
  pattern: RegExp | null;
}

/** `<*>`, the miner's typed placeholders (`<NUM>`, `<IP>`) and redaction's (`<IP#3>`, `<EMAIL>`). */
const PLACEHOLDER = /<\*>|<[A-Z][A-Z0-9_]*(?:#\d+)?>/g;
const WORD_CHAR = /[A-Za-z0-9_]/;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Constant text as a pattern: a run of white space stands for any run of it. */
const literal = (s: string): string => s.split(/\s+/).map(escapeRegExp).join('\\s+');

export function compileTemplate(t: LineTemplate): CompiledTemplate {
  const text = t.template.trim();
  const parts = text.split(PLACEHOLDER);
  const words = parts.flatMap((p) => p.split(/\s+/)).filter((w) => w.length > 0);
  const weight = words.reduce((n, w) => n + w.length, 0);
  if (weight === 0) return { id: t.id, weight, needle: '', pattern: null };
  const needle = words.reduce((a, b) => (b.length > a.length ? b : a), '');
  // A template that starts or ends with a word starts or ends at a word's edge in the line: the message
  // follows a header, or sits inside a JSON line, so it is looked for anywhere.
  const start = WORD_CHAR.test(text.charAt(0)) ? '(?<![A-Za-z0-9_])' : '';
  const end = WORD_CHAR.test(text.charAt(text.length - 1)) ? '(?![A-Za-z0-9_])' : '';
  // Searched anywhere in the line, a leading or trailing wildcard adds nothing but backtracking: over lines
  // holding the needle, `.*?\s+.*?,.*?\s+- INFO …` took half a second per 30,000 lines.
  while (parts.length > 1 && parts[0]?.trim() === '') parts.shift();
  while (parts.length > 1 && parts[parts.length - 1]?.trim() === '') parts.pop();
  const body = parts.map(literal).join('.*?');
  return { id: t.id, weight, needle, pattern: new RegExp(start + body + end) };
}

export function matches(c: CompiledTemplate, line: string): boolean {
  return c.pattern === null || (line.includes(c.needle) && c.pattern.test(line));
}

/** The log's lines without their breaks (a trailing break does not start a line), as the miner reads them. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** A log made ready for matching: its lines and its templates, most specific first. */
export interface LogIndex {
  lines: string[];
  templates: CompiledTemplate[];
}

/**
 * `jsonDocument`: the log was read as a JSON document's records, whose lines are numbered as the analyzer
 * numbers them: a physical line on which several records start (a document written on one line) is a line
 * per record, so a template's lines are its records, not one line of megabytes.
 */
export function indexLog(
  text: string,
  templates: readonly LineTemplate[],
  options: { jsonDocument?: boolean } = {},
): LogIndex {
  const compiled = templates.map(compileTemplate).sort((a, b) => b.weight - a.weight);
  const lines = splitLines(text);
  return { lines: options.jsonDocument === true ? documentLines(lines) : lines, templates: compiled };
}

/**
 * The index with `t` among its templates: the console holds the 500 most frequent templates' texts
 * (`LogSummary.templates`), and a rare one of a larger log may be listed without being among them.
 */
export function withTemplate(index: LogIndex, t: LineTemplate): LogIndex {
  if (index.templates.some((c) => c.id === t.id)) return index;
  const templates = [...index.templates, compileTemplate(t)].sort((a, b) => b.weight - a.weight);
  return { lines: index.lines, templates };
}

/** The template a line belongs to: the first (most specific) that matches, or undefined. */
export function templateOf(index: LogIndex, line: string): CompiledTemplate | undefined {
  return index.templates.find((c) => matches(c, line));
}

/**
 * Whether a line is an error by what it says itself: an ERROR or FATAL level among its first words, or an
 * HTTP 5xx answer. The summary also counts error wording in logs without levels; such a template's lines are
 * then all errors, and none needs telling apart.
 */
export function looksLikeError(line: string): boolean {
  const level = levelNearStart(line, 12);
  if (level === 'ERROR' || level === 'FATAL') return true;
  const status = parseHttp(line)?.status;
  return status !== undefined && status >= 500;
}

export interface TemplateLine {
  /** Line number in the log, from 1. */
  line: number;
  text: string;
  error: boolean;
  /** Lines of the same event under it (a stack trace). */
  more: string[];
}

export interface TemplateLines {
  /** Events of the template in the log. */
  total: number;
  /** Of those, errors by `looksLikeError`. */
  errors: number;
  /** The first `limit` (errors first when asked), in log order within each group. */
  shown: TemplateLine[];
}

export interface LinesQuery {
  id: string;
  limit: number;
  errorsFirst?: boolean;
  /** Only the error lines in `shown` (the counts stay those of all lines). */
  errorsOnly?: boolean;
  /** Lines matched between two pauses (a generator step). */
  step?: number;
}

/**
 * The template's lines, in steps: it yields after every `step` lines looked at, so the page can stay
 * responsive over a log of megabytes (`findTemplateLinesPausing`); `findTemplateLines` runs it at once.
 */
export function* templateLinesSteps(index: LogIndex, query: LinesQuery): Generator<void, TemplateLines> {
  const target = index.templates.find((c) => c.id === query.id);
  const result: TemplateLines = { total: 0, errors: 0, shown: [] };
  if (!target) return result;
  const errorsWanted = query.errorsFirst === true;
  const others: TemplateLine[] = [];
  const step = query.step ?? 2000;
  let open: TemplateLine | null = null;
  for (let n = 0; n < index.lines.length; n++) {
    if (n > 0 && n % step === 0) yield;
    const line = index.lines[n] ?? '';
    // Cheap first: most lines do not match the template at all.
    if (!matches(target, line)) {
      if (open && !templateOf(index, line)) open.more.push(line);
      else open = null;
      continue;
    }
    if (templateOf(index, line) !== target) {
      open = null;
      continue;
    }
    const error = looksLikeError(line);
    result.total++;
    if (error) result.errors++;
    open = null;
    if (query.errorsOnly === true && !error) continue;
    const into = errorsWanted && !error ? others : result.shown;
    if (into.length < query.limit) {
      open = { line: n + 1, text: line, error, more: [] };
      into.push(open);
    }
  }
  result.shown = [...result.shown, ...others].slice(0, query.limit);
  return result;
}

export function findTemplateLines(index: LogIndex, query: LinesQuery): TemplateLines {
  return runThrough(templateLinesSteps(index, query));
}

/** The same, awaiting `pause` between steps (a macrotask in the page, so clicks and paints go through). */
export async function findTemplateLinesPausing(
  index: LogIndex,
  query: LinesQuery,
  pause: () => Promise<void>,
): Promise<TemplateLines> {
  return runPausing(templateLinesSteps(index, query), pause);
}
