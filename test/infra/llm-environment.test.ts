import { describe, expect, it } from 'vitest';
import { llmConfigSchema } from '../../lambdas/shared/config.ts';
import { llmEnvironment } from '../../lib/ai-ops-stack.ts';
import type { StageConfig } from '../../lib/stage-config.ts';

describe('the LLM stage settings', () => {
  const stage = (llm: StageConfig['llm']) => ({ llm }) as StageConfig;

  it('become the variables the handlers read, leaving unset ones to the defaults', () => {
    expect(llmEnvironment(stage(undefined))).toEqual({});
    expect(
      llmEnvironment(
        stage({ baseUrl: 'https://llm.internal/v1', summaryModel: 'big', triageModel: 'small' }),
      ),
    ).toEqual({
      OPENAI_BASE_URL: 'https://llm.internal/v1',
      AI_SUMMARY_MODEL: 'big',
      AI_TRIAGE_MODEL: 'small',
    });
  });

  it('passes the token-limit parameter through as a value the handlers accept', () => {
    const env = llmEnvironment(
      stage({ baseUrl: 'https://llm.internal/v1', tokenLimitParam: 'max_completion_tokens' }),
    );
    expect(env).toEqual({
      OPENAI_BASE_URL: 'https://llm.internal/v1',
      LLM_TOKEN_LIMIT_PARAM: 'max_completion_tokens',
    });
    expect(llmConfigSchema.parse(env).LLM_TOKEN_LIMIT_PARAM).toBe('max_completion_tokens');
  });

  it('passes the temperature (0 included) and the reasoning effort through as values the handlers accept', () => {
    const env = llmEnvironment(stage({ temperature: 0, reasoningEffort: 'medium' }));
    expect(env).toEqual({ LLM_TEMPERATURE: '0', LLM_REASONING_EFFORT: 'medium' });
    expect(llmConfigSchema.parse(env)).toMatchObject({ LLM_TEMPERATURE: 0, LLM_REASONING_EFFORT: 'medium' });

    const omitted = llmEnvironment(stage({ temperature: 'omit', reasoningEffort: 'omit' }));
    expect(omitted).toEqual({ LLM_TEMPERATURE: 'omit', LLM_REASONING_EFFORT: 'omit' });
    expect(llmConfigSchema.parse(omitted)).toMatchObject({
      LLM_TEMPERATURE: 'omit',
      LLM_REASONING_EFFORT: 'omit',
    });

    expect(llmConfigSchema.parse(llmEnvironment(stage({ temperature: 1.3 }))).LLM_TEMPERATURE).toBe(1.3);
  });

  it('passes the token budgets through, for a reasoning model that needs room to think', () => {
    const env = llmEnvironment(
      stage({ summaryModel: 'o4-mini', maxAnswerTokens: 4000, jobTokenBudget: 48000 }),
    );
    expect(env).toEqual({
      AI_SUMMARY_MODEL: 'o4-mini',
      LLM_MAX_ANSWER_TOKENS: '4000',
      LLM_JOB_TOKEN_BUDGET: '48000',
    });
    expect(llmConfigSchema.parse(env)).toMatchObject({
      LLM_MAX_ANSWER_TOKENS: 4000,
      LLM_JOB_TOKEN_BUDGET: 48000,
    });
  });
});
