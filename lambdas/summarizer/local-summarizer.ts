import type { SummarizeText } from '../core/jobs/kinds/summarize-log/run.ts';
import { storedCensus } from '../core/logs/baseline.ts';
import { renderSummaryText, summarizeText } from '../core/logs/index.ts';
import type { NetworkRedaction } from '../core/redaction/index.ts';

/**
 * The local algorithm: the template miner's summary of the stored text, no model involved. The text passed
 * the API's checks and was redacted before storage; the summary counts those redactions with its own.
 */
export const createLocalSummarizer =
  (network: NetworkRedaction): SummarizeText =>
  (text, { format, redactions, receivedAt, baseline }) => {
    // A summary stored before censuses existed cannot be compared with: no `changes` then.
    const census = baseline ? storedCensus(baseline.summary) : null;
    const result = summarizeText(text, {
      ...(format ? { format } : {}),
      priorRedactions: redactions,
      network,
      receivedAt: receivedAt.getTime(),
      ...(census && baseline
        ? { baseline: { census, label: `entry ${baseline.entryId} (${baseline.createdAt.toISOString()})` } }
        : {}),
    });
    return {
      summary: result.summary as unknown as Record<string, unknown>,
      text: renderSummaryText(result.summary),
      templates: result.templates,
      generatedBy: 'local',
    };
  };

/** With the default treatment of addresses and host names (pseudonymised). */
export const localSummarizer: SummarizeText = createLocalSummarizer('pseudonymise');
