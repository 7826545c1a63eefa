/**
 * Every application metric, as data: name, unit, what it counts, and its dimensions (besides `service`, which
 * Powertools adds to all of them). Handlers emit only these (`emit` in lambdas/shared/observability.ts); the
 * CloudWatch alarms and dashboard (lib/observability.ts) read them from here, and so can a Prometheus
 * exporter: one definition, no metric name written twice.
 */

/** The CloudWatch namespace of every application metric, and the `service` dimension Powertools adds. */
export const METRICS_NAMESPACE = 'AiOps';
export const SERVICE_NAME = 'ai-ops';

export type MetricUnitName = 'Count' | 'Milliseconds';

export interface MetricDefinition<D extends string = string> {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly description: string;
  readonly dimensions: readonly D[];
}

const metric = <const D extends string>(definition: MetricDefinition<D>): MetricDefinition<D> => definition;

/** The dimension of job metrics: the job kind (registry.ts). */
const KIND = ['kind'] as const;
/** The dimension of model metrics: the task (summary, triage, changelog). */
const TASK = ['task'] as const;

export const METRICS = {
  jobsStarted: metric({
    name: 'JobsStarted',
    unit: 'Count',
    description: 'Job attempts a worker started',
    dimensions: KIND,
  }),
  jobsSucceeded: metric({
    name: 'JobsSucceeded',
    unit: 'Count',
    description: 'Jobs that finished SUCCEEDED',
    dimensions: KIND,
  }),
  jobsFailed: metric({
    name: 'JobsFailed',
    unit: 'Count',
    description: 'Jobs that failed for good (permanent error, or the last allowed delivery)',
    dimensions: KIND,
  }),
  jobRetries: metric({
    name: 'JobRetries',
    unit: 'Count',
    description: 'Failed attempts left to the queue to deliver again, after a backoff',
    dimensions: KIND,
  }),
  poisonMessages: metric({
    name: 'PoisonMessages',
    unit: 'Count',
    description: 'Messages that can never be processed (malformed, wrong queue, no such job)',
    dimensions: KIND,
  }),
  jobDuration: metric({
    name: 'JobDuration',
    unit: 'Milliseconds',
    description: 'Time one attempt of a job took in the worker',
    dimensions: KIND,
  }),
  queueLatency: metric({
    name: 'QueueLatency',
    unit: 'Milliseconds',
    description: 'Time a message waited in its queue before its first delivery',
    dimensions: KIND,
  }),
  jobsReconciled: metric({
    name: 'JobsReconciled',
    unit: 'Count',
    description: 'Accepted jobs the reconciler sent because they never reached their queue',
    dimensions: [],
  }),
  jobsReconcileFailures: metric({
    name: 'JobsReconcileFailures',
    unit: 'Count',
    description: 'Sends the reconciler tried that failed again (retried on its next run)',
    dimensions: [],
  }),
  internalErrors: metric({
    name: 'InternalErrors',
    unit: 'Count',
    description:
      'GraphQL answers with errorType InternalError: AppSync counts them as HTTP 200, so no 5XXError sees them',
    dimensions: [],
  }),
  authorizerAllowed: metric({
    name: 'AuthorizerAllowed',
    unit: 'Count',
    description: 'Requests the Lambda authorizer allowed',
    dimensions: [],
  }),
  authorizerDenied: metric({
    name: 'AuthorizerDenied',
    unit: 'Count',
    description: 'Requests the Lambda authorizer denied',
    dimensions: [],
  }),
  loginFailures: metric({
    name: 'LoginFailures',
    unit: 'Count',
    description: 'Refused logins (wrong credentials or locked)',
    dimensions: [],
  }),
  refreshTokenReuse: metric({
    name: 'RefreshTokenReuse',
    unit: 'Count',
    description: 'A rotated refresh token presented again: a theft signal; its session family is revoked',
    dimensions: [],
  }),
  llmCalls: metric({ name: 'LlmCalls', unit: 'Count', description: 'Calls to the model', dimensions: TASK }),
  llmErrors: metric({
    name: 'LlmErrors',
    unit: 'Count',
    description: 'Failed attempts of model calls (each retry counts)',
    dimensions: TASK,
  }),
  llmFallbacks: metric({
    name: 'LlmFallbacks',
    unit: 'Count',
    description: 'Results kept local because the model failed or its answer was rejected',
    dimensions: TASK,
  }),
  llmPromptTokens: metric({
    name: 'LlmPromptTokens',
    unit: 'Count',
    description: 'Prompt tokens the provider reported',
    dimensions: TASK,
  }),
  llmCompletionTokens: metric({
    name: 'LlmCompletionTokens',
    unit: 'Count',
    description: 'Answer tokens the provider reported',
    dimensions: TASK,
  }),
  llmLatency: metric({
    name: 'LlmLatency',
    unit: 'Milliseconds',
    description: 'Time of a model call, retries and waits included',
    dimensions: TASK,
  }),
} as const;

export const ALL_METRICS: readonly MetricDefinition[] = Object.values(METRICS);

/** The model metrics, by the names the LLM layer records (`LlmMetrics.record`). */
export const LLM_METRICS = [
  METRICS.llmCalls,
  METRICS.llmErrors,
  METRICS.llmFallbacks,
  METRICS.llmPromptTokens,
  METRICS.llmCompletionTokens,
  METRICS.llmLatency,
] as const;
