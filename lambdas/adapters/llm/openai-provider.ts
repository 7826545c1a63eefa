/**
 * The LLM adapter: the `openai` package against any OpenAI-compatible endpoint. One client per container
 * (per key, so a rotated key gets a new one), the SDK's retries off and its timeout sized for a Lambda; our
 * own retry (exponential backoff, full jitter, Retry-After honoured) within a deadline per call.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import {
  type LlmClient,
  type LlmCompletion,
  LlmError,
  type LlmMetrics,
  type LlmRequest,
} from '../../core/llm/ports.ts';
import { parseRetryAfter, type RetryClock, systemRetryClock, withRetry } from '../../core/llm/retry.ts';
import { type LlmConfig, reasoningEffortFor, temperatureFor } from '../../shared/config.ts';

/** The value the CDK writes into the key secret until someone stores a real key: no LLM. */
export const KEY_PLACEHOLDER = 'not-set';

export type SecretReader = (arn: string, maxAgeSeconds: number) => Promise<string | undefined>;

/** Powertools Parameters, loaded only when a secret is configured (local runs never pull in the AWS SDK). */
export const readSecretWithPowertools: SecretReader = async (arn, maxAgeSeconds) => {
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(arn, { maxAge: maxAgeSeconds });
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : new TextDecoder().decode(value);
};

export interface WarnLog {
  warn(message: string, details: Record<string, unknown>): void;
}

export interface OpenAiProviderDeps {
  metrics: LlmMetrics;
  readSecret?: SecretReader;
  clock?: RetryClock;
  log?: WarnLog;
}

const usableKey = (key: string | undefined): string | null => {
  const trimmed = key?.trim();
  return trimmed && trimmed !== KEY_PLACEHOLDER ? trimmed : null;
};

/** Maps whatever the SDK threw onto our error kinds, which decide whether to retry. */
export function toLlmError(error: unknown, now: number = Date.now()): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError('timeout', 'the provider did not answer in time', { cause: error });
  }
  if (error instanceof OpenAI.APIUserAbortError) {
    return new LlmError('timeout', 'the call was aborted', { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new LlmError('connection', `could not reach the provider: ${error.message}`, { cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? null;
    const retryAfterMs = parseRetryAfter(error.headers, now);
    const message = error.message.slice(0, 300);
    if (status === 429) return new LlmError('rate_limited', message, { status, retryAfterMs, cause: error });
    if (status === 408) return new LlmError('timeout', message, { status, retryAfterMs, cause: error });
    if (status !== null && status >= 500) {
      return new LlmError('server', message, { status, retryAfterMs, cause: error });
    }
    return new LlmError('client', message, { status, cause: error });
  }
  // A body that is not JSON (a proxy's error page, a cut connection) is a glitch worth another attempt.
  if (error instanceof SyntaxError) {
    return new LlmError('malformed_response', `the provider's response is not JSON: ${error.message}`, {
      cause: error,
    });
  }
  return new LlmError('client', error instanceof Error ? error.message : String(error), { cause: error });
}

export type OpenAiProvider = LlmClient;

/** Null when neither a key nor a key secret is configured: the system runs without a model. */
export function createOpenAiProvider(config: LlmConfig, deps: OpenAiProviderDeps): OpenAiProvider | null {
  if (!config.OPENAI_API_KEY && !config.OPENAI_API_KEY_SECRET_ARN) return null;
  return new OpenAiClient(config, deps);
}

/** The chat-completion request for one attempt: the token-limit parameter, temperature and effort per model. */
function completionParams(config: LlmConfig, request: LlmRequest): ChatCompletionCreateParamsNonStreaming {
  const params: ChatCompletionCreateParamsNonStreaming = { model: request.model, messages: request.messages };
  // Exactly one of max_tokens / max_completion_tokens: OpenAI's reasoning models reject the first, many
  // compatible servers ignore or reject the second.
  params[config.LLM_TOKEN_LIMIT_PARAM] = request.maxTokens;
  // Per model: reasoning models reject any temperature but their default, and get a low reasoning effort
  // by default so their hidden reasoning leaves room for the answer within the token limit.
  const temperature = temperatureFor(config.LLM_TEMPERATURE, request.model);
  if (temperature !== undefined) params.temperature = temperature;
  const reasoningEffort = reasoningEffortFor(config.LLM_REASONING_EFFORT, request.model);
  if (reasoningEffort !== undefined) params.reasoning_effort = reasoningEffort;
  if (request.jsonSchema) {
    params.response_format = {
      type: 'json_schema',
      json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true },
    };
  }
  return params;
}

class OpenAiClient implements LlmClient {
  readonly #config: LlmConfig;
  readonly #deps: OpenAiProviderDeps;
  readonly #clock: RetryClock;
  readonly #readSecret: SecretReader;
  readonly #clients = new Map<string, OpenAI>();
  /** Until when calls are skipped after the provider failed for good (0: closed). */
  #openUntil = 0;

  constructor(config: LlmConfig, deps: OpenAiProviderDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#clock = deps.clock ?? systemRetryClock;
    this.#readSecret = deps.readSecret ?? readSecretWithPowertools;
  }

  async available(): Promise<boolean> {
    try {
      return (await this.#currentKey()) !== null;
    } catch (error: unknown) {
      this.#deps.log?.warn('Could not read the LLM key; using local algorithms', {
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  async complete(request: LlmRequest): Promise<LlmCompletion> {
    const key = await this.#currentKey();
    if (!key) throw new LlmError('not_configured', 'no LLM API key is configured');
    const client = this.#clientFor(key);
    const clock = this.#clock;
    if (clock.now() < this.#openUntil) {
      const seconds = Math.ceil((this.#openUntil - clock.now()) / 1000);
      throw new LlmError('unavailable', `the provider failed moments ago; calls resume in ${seconds}s`);
    }
    const { metrics } = this.#deps;
    metrics.record(request.task, 'LlmCalls', 1);
    const started = clock.now();
    let attempts = 0;
    try {
      const completion = await withRetry(
        async (n, remainingMs) => {
          attempts = n;
          try {
            return await this.#attempt(client, request, remainingMs);
          } catch (error: unknown) {
            metrics.record(request.task, 'LlmErrors', 1);
            throw error;
          }
        },
        this.#policy(),
        clock,
        (error, delayMs) =>
          this.#deps.log?.warn('LLM call failed; retrying', {
            task: request.task,
            kind: error.kind,
            status: error.status,
            delayMs,
          }),
      );
      const latencyMs = clock.now() - started;
      metrics.record(request.task, 'LlmPromptTokens', completion.promptTokens);
      metrics.record(request.task, 'LlmCompletionTokens', completion.completionTokens);
      metrics.record(request.task, 'LlmLatency', latencyMs);
      return { ...completion, latencyMs, attempts };
    } catch (error: unknown) {
      throw this.#failed(error, attempts);
    }
  }

  #policy() {
    const config = this.#config;
    return {
      maxAttempts: config.LLM_MAX_ATTEMPTS,
      baseDelayMs: config.LLM_RETRY_BASE_MS,
      maxDelayMs: config.LLM_RETRY_MAX_MS,
      budgetMs: config.LLM_CALL_BUDGET_MS,
    };
  }

  /** Provider trouble (not a bad request of ours) opens the circuit: the rest of the batch is spared the wait. */
  #failed(error: unknown, attempts: number): LlmError {
    const failure = toLlmError(error, this.#clock.now());
    failure.attempts = attempts;
    if (failure.retryable && this.#config.LLM_CIRCUIT_OPEN_SECONDS > 0) {
      this.#openUntil = this.#clock.now() + this.#config.LLM_CIRCUIT_OPEN_SECONDS * 1000;
    }
    return failure;
  }

  async #currentKey(): Promise<string | null> {
    const config = this.#config;
    const direct = usableKey(config.OPENAI_API_KEY);
    if (direct) return direct;
    if (!config.OPENAI_API_KEY_SECRET_ARN) return null;
    return usableKey(
      await this.#readSecret(config.OPENAI_API_KEY_SECRET_ARN, config.OPENAI_KEY_CACHE_SECONDS),
    );
  }

  #clientFor(key: string): OpenAI {
    let client = this.#clients.get(key);
    if (!client) {
      // A rotated key replaces the old client rather than piling up.
      this.#clients.clear();
      client = new OpenAI({
        apiKey: key,
        baseURL: this.#config.OPENAI_BASE_URL ?? null,
        timeout: this.#config.LLM_TIMEOUT_MS,
        maxRetries: 0,
      });
      this.#clients.set(key, client);
    }
    return client;
  }

  async #attempt(client: OpenAI, request: LlmRequest, remainingMs: number): Promise<LlmCompletion> {
    const timeout = Math.min(this.#config.LLM_TIMEOUT_MS, remainingMs);
    if (timeout < 1) throw new LlmError('timeout', 'no time left for another attempt');
    const started = performance.now();
    let response: OpenAI.Chat.Completions.ChatCompletion;
    try {
      response = await client.chat.completions.create(completionParams(this.#config, request), {
        timeout,
        maxRetries: 0,
      });
    } catch (error: unknown) {
      throw toLlmError(error, this.#clock.now());
    }
    const choice = response.choices?.[0];
    const text = choice?.message?.content;
    if (!choice || typeof text !== 'string') {
      throw new LlmError('malformed_response', 'the response holds no message content');
    }
    return {
      text,
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
      model: response.model || request.model,
      latencyMs: performance.now() - started,
      finishReason: choice.finish_reason ?? 'unknown',
      attempts: 1,
    };
  }
}
