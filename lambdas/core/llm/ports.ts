/**
 * The LLM port: what use cases may ask of a model. Only adapters (lambdas/adapters/llm) know the SDK; the
 * domain sees tasks, messages, an optional JSON schema and token counts.
 */

import type { Role } from '../auth/roles.ts';
import type { LLM_METRICS } from '../metrics.ts';

/** One task per kind of work, each with its own model, flag and metrics dimension. */
export const LLM_TASKS = ['summary', 'triage', 'changelog'] as const;
export type LlmTask = (typeof LLM_TASKS)[number];

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  task: LlmTask;
  model: string;
  messages: LlmMessage[];
  /** Structured output: the answer must be JSON valid against this schema (response_format json_schema). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  /** Upper bound of the answer's tokens. */
  maxTokens: number;
}

export interface LlmCompletion {
  text: string;
  promptTokens: number;
  completionTokens: number;
  /** The model the provider says answered (may carry a dated suffix). */
  model: string;
  latencyMs: number;
  /** `stop` for a complete answer; `length` means it was cut at maxTokens. */
  finishReason: string;
  /** HTTP attempts it took, retries included. */
  attempts: number;
}

export interface LlmClient {
  /** False when no key is configured (e.g. the secret still holds its placeholder): use local algorithms. */
  available(): Promise<boolean>;
  complete(request: LlmRequest): Promise<LlmCompletion>;
}

/** Why a call failed, as far as retrying is concerned. */
export type LlmErrorKind =
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'malformed_response'
  | 'client'
  | 'not_configured'
  /** The provider failed for good moments ago: calls are skipped for a while (circuit open). */
  | 'unavailable';

const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set([
  'rate_limited',
  'server',
  'timeout',
  'connection',
  'malformed_response',
]);

export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status: number | null;
  /** From the provider's Retry-After (or retry-after-ms) header, in milliseconds. */
  readonly retryAfterMs: number | null;
  /** HTTP attempts made before giving up. */
  attempts: number;
  /**
   * Time the call took before it failed, retries and waits included; null when no request went out (the
   * circuit breaker skipped it, no key, no time left in the job's share of the invocation).
   */
  latencyMs: number | null;
  constructor(
    kind: LlmErrorKind,
    message: string,
    options: { status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.attempts = 1;
    this.latencyMs = null;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** The model metrics (core/metrics.ts), by name. */
export type LlmMetricName = (typeof LLM_METRICS)[number]['name'];

/**
 * How a model call ended, the `outcome` dimension of `LlmLatency`: an answer that was used, a provider failure
 * (after its retries), a timeout, or an answer that came back and was rejected (truncated, not JSON, outside
 * the schema, citing what it was not shown).
 */
export const LLM_OUTCOMES = ['ok', 'error', 'timeout', 'rejected'] as const;
export type LlmOutcome = (typeof LLM_OUTCOMES)[number];

/**
 * Where LLM metrics go (Powertools Metrics in the adapters, a recorder in tests); dimension: task, and for
 * `LlmLatency` also the call's outcome.
 */
export interface LlmMetrics {
  record(task: LlmTask, name: LlmMetricName, value: number, outcome?: LlmOutcome): void;
}

/** Where the LLM layer tells operators what the model did (the handler's logger). */
export interface LlmLog {
  warn(message: string, details: Record<string, unknown>): void;
  info(message: string, details: Record<string, unknown>): void;
}

export const noLlmMetrics: LlmMetrics = { record: () => {} };

/**
 * Whether the model may be used for this task and this user (feature flags). `subject` is the user the work
 * is for: the caller in the API, the job's owner in a worker.
 */
export type LlmGate = (
  task: LlmTask,
  subject: { userId: string | null; role?: Role | null },
) => Promise<boolean>;

/** Models per task: several may serve at once (a cheap one for triage, a stronger one for summaries). */
export type LlmModels = Record<LlmTask, string>;

/** What a use case needs to use a model: the client (null when none is configured), models, flags, metrics. */
export interface LlmAccess {
  client: LlmClient | null;
  models: LlmModels;
  gate: LlmGate;
  metrics: LlmMetrics;
  /** Warns once per job whose result falls back to the local algorithm; none in tests that do not care. */
  log?: LlmLog;
}

/** Recorded on every result that involved (or could have involved) a model. */
export interface LlmProvenance {
  task: LlmTask;
  /**
   * The model whose answer the result uses; null when it uses the local algorithm's (a fallback), even when
   * the model answered and the answer was rejected (see `rejectedModel`).
   */
  model: string | null;
  /** The model whose answer was rejected (a fallback whose reason starts with `rejected:`); null otherwise. */
  rejectedModel: string | null;
  prompt: { name: string; version: string };
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  calls: number;
  /** True when the local result was kept because the model failed or its answer was rejected. */
  fallback: boolean;
  fallbackReason: string | null;
}

export function describeLlmFailure(error: unknown): string {
  if (error instanceof LlmError) {
    const attempts = error.attempts === 1 ? '1 attempt' : `${error.attempts} attempts`;
    return `${error.kind}${error.status ? ` (HTTP ${error.status})` : ''} after ${attempts}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
