import type { SummarizeText } from '../core/jobs/kinds/summarize-log/run.ts';
import { renderSummaryText, summarizeText } from '../core/logs/index.ts';

/**
 * The local algorithm: the template miner's summary of the stored text, no model involved. The text passed
 * the API's checks and was redacted before storage; the summary counts those redactions with its own.
 */
export const localSummarizer: SummarizeText = (text, { format, redactions, receivedAt }) => {
  const result = summarizeText(text, {
    ...(format ? { format } : {}),
    priorRedactions: redactions,
    receivedAt: receivedAt.getTime(),
  });
  return {
    summary: result.summary as unknown as Record<string, unknown>,
    text: renderSummaryText(result.summary),
    templates: result.templates,
    generatedBy: 'local',
  };
};
