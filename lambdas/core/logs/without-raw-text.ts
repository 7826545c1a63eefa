/**
 * A stored summary without the log's own text, for a reader who may not see raw log lines (HR, DESIGN §7):
 * every quoted line (the first error, each incident's first error) is replaced by its template, and mined
 * templates lose their sample lines and the parameter values behind their wildcards. Counts, levels, times,
 * hosts and components stay: they say what happened without quoting anyone's data.
 */
import type { ErrorLine } from './incidents.ts';
import type { LogSummary } from './summary.ts';
import { renderSummaryText } from './summary-text.ts';

const asTemplate = (line: ErrorLine | null | undefined): ErrorLine | null =>
  line ? { ...line, text: line.template } : null;

export function summaryWithoutRawText(summary: Record<string, unknown>): Record<string, unknown> {
  const s = summary as unknown as Partial<LogSummary>;
  return {
    ...summary,
    ...(s.firstError === undefined ? {} : { firstError: asTemplate(s.firstError) }),
    ...(Array.isArray(s.incidents)
      ? {
          incidents: s.incidents.map((incident) => ({
            ...incident,
            firstError: asTemplate(incident.firstError),
          })),
        }
      : {}),
  };
}

export function templatesWithoutRawText(templates: readonly unknown[]): unknown[] {
  return templates.map((template) =>
    typeof template === 'object' && template !== null
      ? { ...template, samples: [], parameters: [] }
      : template,
  );
}

/**
 * The readable summary of a stripped summary, rendered locally (a model's text may quote lines). A summary
 * of an older shape that cannot be rendered gets its headline only.
 */
export function textWithoutRawText(stripped: Record<string, unknown>): string {
  try {
    return renderSummaryText(stripped as unknown as LogSummary);
  } catch {
    return typeof stripped.headline === 'string' ? stripped.headline : '';
  }
}
