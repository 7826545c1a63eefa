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
});
