import type { SummarizeText } from '../core/jobs/kinds/summarize-log/run.ts';
import { renderSummaryText, summarizeText } from '../core/logs/index.ts';

/** The local algorithm: the template miner's summary of the stored text, no model involved. */
export const localSummarizer: SummarizeText = (text, { format, redactions }) => {
  const result = summarizeText(text, format ? { format, redactions } : { redactions });
  return {
    summary: result.summary as unknown as Record<string, unknown>,
    text: renderSummaryText(result.summary),
    templates: result.templates,
    generatedBy: 'local',
  };
};
