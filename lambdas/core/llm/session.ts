/**
 * The model calls of one job: counts tokens, latency and calls for the provenance record, records each call's
 * latency with its outcome, and refuses a call that would take the job past its token budget (estimated
 * before the call, settled from the usage after).
 */
import { AnswerRejected } from './answers.ts';
import {
  describeLlmFailure,
  type LlmClient,
  type LlmCompletion,
  LlmError,
  type LlmLog,
  type LlmMessage,
  type LlmMetrics,
  type LlmOutcome,
  type LlmProvenance,
  type LlmRequest,
  type LlmTask,
} from './ports.ts';
import { promptId } from './prompts/prompt.ts';
import { countMessageTokens } from './tokens.ts';

/** How the reason of a rejected answer starts (fallbackReason). */
const REJECTED = 'rejected:';

export class TokenBudgetExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenBudgetExceeded';
  }
}

export class LlmSession {
  promptTokens = 0;
  completionTokens = 0;
  latencyMs = 0;
  calls = 0;
  /** The model the provider reported for the last answer. */
  answeredBy: string | null = null;

  constructor(
    private readonly client: LlmClient,
    readonly task: LlmTask,
    readonly model: string,
    /** Prompt plus answer tokens all calls of this job may spend. */
    readonly tokenBudget: number,
    private readonly metrics: LlmMetrics,
  ) {}

  get spent(): number {
    return this.promptTokens + this.completionTokens;
  }

  /**
   * One call, its answer checked by `accept` (which throws AnswerRejected for an answer it cannot use). The
   * call's latency is recorded whatever happened, so a provider outage shows on the latency panel, except
   * when no request went out (circuit open, no time left): an instant non-call would only pull the p99 down
   * exactly while the provider is failing, and LlmFallbacks counts those.
   */
  async complete<T>(
    messages: LlmMessage[],
    options: { maxTokens: number; jsonSchema?: LlmRequest['jsonSchema'] },
    accept: (completion: LlmCompletion) => T,
  ): Promise<T> {
    const estimate = countMessageTokens(messages) + options.maxTokens;
    if (this.spent + estimate > this.tokenBudget) {
      throw new TokenBudgetExceeded(
        `the next call needs up to ${estimate} tokens; ${this.tokenBudget - this.spent} of the job's ${this.tokenBudget} are left`,
      );
    }
    const request: LlmRequest = {
      task: this.task,
      model: this.model,
      messages,
      maxTokens: options.maxTokens,
    };
    if (options.jsonSchema) request.jsonSchema = options.jsonSchema;
    this.calls += 1;
    let completion: LlmCompletion;
    try {
      completion = await this.client.complete(request);
    } catch (error: unknown) {
      if (error instanceof LlmError && error.latencyMs !== null) {
        this.latencyMs += error.latencyMs;
        this.#recordLatency(error.latencyMs, error.kind === 'timeout' ? 'timeout' : 'error');
      }
      throw error;
    }
    this.promptTokens += completion.promptTokens;
    this.completionTokens += completion.completionTokens;
    this.latencyMs += completion.latencyMs;
    this.answeredBy = completion.model || this.model;
    try {
      const accepted = accept(completion);
      this.#recordLatency(completion.latencyMs, 'ok');
      return accepted;
    } catch (error: unknown) {
      this.#recordLatency(completion.latencyMs, error instanceof AnswerRejected ? 'rejected' : 'error');
      throw error;
    }
  }

  #recordLatency(latencyMs: number, outcome: LlmOutcome): void {
    this.metrics.record(this.task, 'LlmLatency', latencyMs, outcome);
  }

  provenance(prompt: { name: string; version: string }, fallbackReason: string | null): LlmProvenance {
    return {
      task: this.task,
      model: fallbackReason === null ? (this.answeredBy ?? this.model) : null,
      rejectedModel: fallbackReason?.startsWith(REJECTED) ? this.answeredBy : null,
      prompt: promptId(prompt),
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      latencyMs: Math.round(this.latencyMs),
      calls: this.calls,
      fallback: fallbackReason !== null,
      fallbackReason,
    };
  }
}

/** Why the model's answer was not used: provider failures, rejected answers and budgets alike. */
export function fallbackReason(error: unknown): string {
  if (error instanceof AnswerRejected) return `${REJECTED} ${error.message}`;
  if (error instanceof TokenBudgetExceeded) return `token budget: ${error.message}`;
  if (error instanceof LlmError) return `provider: ${describeLlmFailure(error)}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * One WARN for a job whose result falls back to the local one: the provider logs only the retries, and a
 * fallback is otherwise seen only in the result's provenance and the LlmFallbacks counter. Calls the open
 * circuit skips are left out: the provider logs once when it opens and once when it closes.
 */
export function warnFallback(
  log: LlmLog | undefined,
  session: LlmSession,
  error: unknown,
  localResult: string,
): void {
  if (!log || (error instanceof LlmError && error.kind === 'unavailable')) return;
  const reason = fallbackReason(error);
  const what = (): string => {
    if (error instanceof AnswerRejected) return `answer rejected (${error.message})`;
    if (!(error instanceof LlmError)) return `gave no usable answer (${reason})`;
    // No request went out (no time left in the job's share, no key): there were no attempts to count.
    if (error.latencyMs === null) return `call not made (${error.kind}: ${error.message})`;
    const attempts = error.attempts === 1 ? '1 attempt' : `${error.attempts} attempts`;
    return `call failed after ${attempts} (${error.kind}${error.status ? ` HTTP ${error.status}` : ''})`;
  };
  log.warn(`LLM ${session.task} ${what()}; using the local ${localResult}`, {
    task: session.task,
    model: session.model,
    reason,
    calls: session.calls,
    latencyMs: Math.round(session.latencyMs),
  });
}
