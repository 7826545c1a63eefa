/**
 * How the console words an error template's errors (`errorTemplates[].errors`, summaries since 7 December), as
 * the plain-text summary does (lambdas/core/logs/summary-text.ts): how many of its lines are errors, at what
 * level, and why when the level does not say it all. A template's own `level` is the level most of its lines
 * have, INFO for requests of which 20 in 1,200 answered 5xx: shown alone, the row read "INFO 1,200".
 */
import { formatNumber } from '../../components/format.ts';
import type { TemplateBrief } from './summary-model.ts';

/** "20 errors" and "of 1,200 lines"; null for a summary made before errors were counted per template. */
export const errorCount = (t: TemplateBrief): PartCount | null =>
  t.errors ? partCount(t, t.errors.lines, 'error') : null;

/**
 * "3 warnings" and "of 80 lines" for a warning template (`warnings`, summaries since 7 December, second
 * stop); null before, or when all its lines warned.
 */
export const warningCount = (t: TemplateBrief): PartCount | null =>
  t.warnings !== undefined && t.warnings < t.count ? partCount(t, t.warnings, 'warning') : null;

export interface PartCount {
  part: string;
  of: string;
}

function partCount(t: TemplateBrief, n: number, noun: string): PartCount {
  return {
    part: `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`,
    of: `of ${formatNumber(t.count)} line${t.count === 1 ? '' : 's'}`,
  };
}

/** The level of its error lines: ERROR or FATAL, `5xx` when only their HTTP status made them errors. */
export function errorLevel(t: TemplateBrief): string {
  const e = t.errors;
  if (e && e.level > 0) return t.level === 'FATAL' ? 'FATAL' : 'ERROR';
  if (e && e.http5xx > 0 && e.wording === 0) return '5xx';
  return t.level;
}

/**
 * Why its lines are errors, when the level does not say it: "level ERROR (12 lines), HTTP 5xx" for requests
 * some of which were logged at ERROR and all of which answered 5xx. Empty when the errors are all of one kind
 * the level column names: an ERROR/FATAL level (the count says how many), or wording in a log without levels
 * (the level mix says the levels are inferred).
 */
export function errorWhy(t: TemplateBrief): string {
  const e = t.errors;
  if (!e || (e.http5xx === 0 && (e.level === 0 || e.wording === 0))) return '';
  const part = (n: number, what: string) =>
    n >= e.lines ? what : `${what} (${formatNumber(n)} line${n === 1 ? '' : 's'})`;
  const parts: string[] = [];
  if (e.level > 0) parts.push(part(e.level, `level ${t.level === 'FATAL' ? 'FATAL' : 'ERROR'}`));
  if (e.http5xx > 0) parts.push(part(e.http5xx, 'HTTP 5xx'));
  if (e.wording > 0) parts.push(part(e.wording, 'error wording'));
  return parts.join(', ');
}
