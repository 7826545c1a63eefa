import { renderSummaryText, summarizeLog } from '../core/logs/index.ts';
import type { SummarizeLog } from '../core/use-cases/log-entries.ts';

/** The local algorithm: the template miner's summary, no model involved. */
export const localSummarizer: SummarizeLog = async (raw, { format, receivedAt }) => {
  const result = summarizeLog(raw, {
    ...(format ? { format } : {}),
    ...(receivedAt ? { receivedAt: receivedAt.getTime() } : {}),
  });
  return {
    summary: result.summary as unknown as Record<string, unknown>,
    text: renderSummaryText(result.summary),
    templates: result.templates,
    generatedBy: 'local',
  };
};
