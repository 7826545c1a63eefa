import { summarizeLogStream } from '../adapters/storage/log-stream.ts';
import type {
  SummarizeContext,
  SummarizeStream,
  SummarizeText,
} from '../core/jobs/kinds/summarize-log/run.ts';
import { storedCensus } from '../core/logs/baseline.ts';
import {
  renderSummaryText,
  type SummarizeOptions,
  type SummarizeResult,
  summarizeText,
} from '../core/logs/index.ts';
import type { NetworkRedaction } from '../core/redaction/index.ts';
import type { LogSummaryResult } from '../core/use-cases/log-entries.ts';

/** The miner's options for one entry: its format, the redactions already made, its year and baseline. */
function minerOptions(network: NetworkRedaction, context: SummarizeContext): SummarizeOptions {
  const { format, redactions, receivedAt, baseline } = context;
  // A summary stored before censuses existed cannot be compared with: no `changes` then.
  const census = baseline ? storedCensus(baseline.summary) : null;
  return {
    ...(format ? { format } : {}),
    priorRedactions: redactions,
    network,
    receivedAt: receivedAt.getTime(),
    ...(census && baseline ? { baseline: { census, label: baselineLabel(baseline.createdAt) } } : {}),
  };
}

/**
 * How the headline names the log it compares with: the source's previous log, by when it was uploaded (the
 * console links it; its id, "entry 264f1c84-…", told a reader nothing).
 */
export const baselineLabel = (createdAt: Date): string =>
  `the previous log of this source (uploaded ${createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;

const localResult = (result: SummarizeResult): LogSummaryResult => ({
  summary: result.summary as unknown as Record<string, unknown>,
  text: renderSummaryText(result.summary),
  templates: result.templates,
  generatedBy: 'local',
});

/**
 * The local algorithm: the template miner's summary of the stored text, no model involved. The text passed
 * the API's checks and was redacted before storage; the summary counts those redactions with its own.
 */
export const createLocalSummarizer =
  (network: NetworkRedaction): SummarizeText =>
  (text, context) =>
    localResult(summarizeText(text, minerOptions(network, context)));

/**
 * The same miner over an uploaded object, streamed line by line (plain or gzip, up to 1 GiB decompressed):
 * the miner redacts as it reads, so the raw upload is never stored in the database.
 */
export const createStreamSummarizer =
  (network: NetworkRedaction): SummarizeStream =>
  async (source, context) => {
    const result = await summarizeLogStream(source, minerOptions(network, context));
    return {
      ...localResult(result),
      lineCount: result.summary.lines.total,
      redactions: { ...result.redactions.byKind },
    };
  };

/** With the default treatment of addresses and host names (pseudonymised). */
export const localSummarizer: SummarizeText = createLocalSummarizer('pseudonymise');
