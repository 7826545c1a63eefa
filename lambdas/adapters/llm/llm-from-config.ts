/**
 * Builds what use cases need to use a model, once per container: the provider (or none), models per task,
 * the feature-flag gate and metrics. Handlers call this and never touch the SDK.
 */

import { flagGate } from '../../core/llm/gate.ts';
import type { LlmAccess, LlmLog, LlmMetrics } from '../../core/llm/ports.ts';
import {
  createFlagEvaluator,
  type FeatureFlagRepo,
  type FlagEvaluator,
} from '../../core/use-cases/feature-flags.ts';
import { isReasoningModel, type LlmConfig } from '../../shared/config.ts';
import { powertoolsLlmMetrics } from './metrics.ts';
import { createOpenAiProvider, type OpenAiProviderDeps } from './openai-provider.ts';

export interface LlmSetup {
  config: LlmConfig;
  metrics: LlmMetrics;
  client: ReturnType<typeof createOpenAiProvider>;
  log?: LlmLog;
}

export function llmSetup(
  config: LlmConfig,
  deps: { metrics: Parameters<typeof powertoolsLlmMetrics>[0]; log?: OpenAiProviderDeps['log'] },
): LlmSetup {
  const metrics = powertoolsLlmMetrics(deps.metrics);
  const providerDeps: OpenAiProviderDeps = { metrics };
  if (deps.log) providerDeps.log = deps.log;
  const setup: LlmSetup = { config, metrics, client: createOpenAiProvider(config, providerDeps) };
  if (deps.log) setup.log = deps.log;
  return setup;
}

/** The flag evaluator (cached per container) and the access object use cases take. */
export function llmAccess(
  setup: LlmSetup,
  flags: FeatureFlagRepo,
): { access: LlmAccess; evaluator: FlagEvaluator } {
  const evaluator = createFlagEvaluator({ flags, ttlMs: setup.config.FLAG_CACHE_SECONDS * 1000 });
  return {
    evaluator,
    access: {
      client: setup.client,
      models: {
        summary: setup.config.AI_SUMMARY_MODEL,
        triage: setup.config.AI_TRIAGE_MODEL,
        changelog: setup.config.AI_CHANGELOG_MODEL,
      },
      gate: flagGate(evaluator),
      metrics: setup.metrics,
      ...(setup.log ? { log: setup.log } : {}),
    },
  };
}

/** A triage answer is short, so ordinary models get at most this many answer tokens. */
export const TRIAGE_ANSWER_TOKENS = 400;

/**
 * The triage call's answer-token limit: LLM_MAX_ANSWER_TOKENS capped at TRIAGE_ANSWER_TOKENS, except for a
 * reasoning model (isReasoningModel), which spends hidden reasoning tokens out of the same limit and so gets
 * all of LLM_MAX_ANSWER_TOKENS.
 */
export function triageAnswerTokens(config: LlmConfig): number {
  if (isReasoningModel(config.AI_TRIAGE_MODEL)) return config.LLM_MAX_ANSWER_TOKENS;
  return Math.min(config.LLM_MAX_ANSWER_TOKENS, TRIAGE_ANSWER_TOKENS);
}
