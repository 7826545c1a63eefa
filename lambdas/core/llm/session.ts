/**
 * The model calls of one job: counts tokens, latency and calls for the provenance record, and refuses a call
 * that would take the job past its token budget (estimated before the call, settled from the usage after).
 */
import { AnswerRejected } from './answers.ts';
import {
  describeLlmFailure,
  type LlmClient,
  type LlmCompletion,
  LlmError,
  type LlmMessage,
  type LlmProvenance,
  type LlmRequest,
  type LlmTask,
} from './ports.ts';
import { promptId } from './prompts/prompt.ts';
import { countMessageTokens } from './tokens.ts';

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
  ) {}

  get spent(): number {
    return this.promptTokens + this.completionTokens;
  }

  async complete(
    messages: LlmMessage[],
    options: { maxTokens: number; jsonSchema?: LlmRequest['jsonSchema'] },
  ): Promise<LlmCompletion> {
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
    const completion = await this.client.complete(request);
    this.promptTokens += completion.promptTokens;
    this.completionTokens += completion.completionTokens;
    this.latencyMs += completion.latencyMs;
    this.answeredBy = completion.model || this.model;
    return completion;
  }

  provenance(prompt: { name: string; version: string }, fallbackReason: string | null): LlmProvenance {
    return {
      task: this.task,
      model: fallbackReason === null ? (this.answeredBy ?? this.model) : this.answeredBy,
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
  if (error instanceof AnswerRejected) return `rejected: ${error.message}`;
  if (error instanceof TokenBudgetExceeded) return `token budget: ${error.message}`;
  if (error instanceof LlmError) return `provider: ${describeLlmFailure(error)}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}
