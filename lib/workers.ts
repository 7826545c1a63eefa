import { Duration } from 'aws-cdk-lib';

/** One worker per job kind: its queue, DLQ, function and event source mapping come from this entry. */
export interface WorkerSpec {
  /** The job kind (lambdas/core/jobs/job.ts JOB_KINDS), also the key in JOB_QUEUE_URLS. */
  readonly kind: string;
  /** Handler module relative to the repository root. */
  readonly entry: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** Records per invocation; the worker reports per-record failures. */
  readonly batchSize: number;
  /** How long SQS gathers a batch before invoking. */
  readonly maxBatchingWindow: Duration;
  /** Files the worker reads at run time, copied next to its bundle. */
  readonly assets?: readonly string[];
  /** Variables of this worker only (e.g. LLM time budgets that fit its timeout and batch size). */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * LLM time budgets per function: one HTTP attempt, and all attempts of one call. A batch that meets a
 * provider outage pays this once; later records fall back at once (the adapter's circuit breaker).
 */
export const SUMMARY_LLM_ENV = { LLM_TIMEOUT_MS: '25000', LLM_CALL_BUDGET_MS: '40000' } as const;
export const TRIAGE_LLM_ENV = { LLM_TIMEOUT_MS: '8000', LLM_CALL_BUDGET_MS: '12000' } as const;
/** The resolver writes changelog highlights inside the request: AppSync waits 30 seconds. */
export const RESOLVER_LLM_ENV = {
  LLM_TIMEOUT_MS: '10000',
  LLM_CALL_BUDGET_MS: '15000',
  LLM_MAX_ATTEMPTS: '2',
} as const;

/** The shipped ticket classifier (lambdas/core/tickets DEFAULT_MODEL_PATH finds it next to the bundle). */
export const TICKET_MODEL_ASSET = 'lambdas/core/tickets/default.model.json';

/**
 * Every worker of the system: the one place to add one. Summaries may wait on an LLM, hence the longer
 * timeout and smaller batches; triage is local and fast.
 */
export const WORKERS: readonly WorkerSpec[] = [
  {
    kind: 'summarize-log',
    entry: 'lambdas/summarizer/handler.ts',
    timeout: Duration.minutes(3),
    memorySize: 1024,
    batchSize: 5,
    maxBatchingWindow: Duration.seconds(2),
    environment: SUMMARY_LLM_ENV,
  },
  {
    kind: 'triage-ticket',
    entry: 'lambdas/triage/handler.ts',
    timeout: Duration.seconds(60),
    memorySize: 512,
    batchSize: 10,
    maxBatchingWindow: Duration.seconds(2),
    assets: [TICKET_MODEL_ASSET],
    environment: TRIAGE_LLM_ENV,
  },
];
