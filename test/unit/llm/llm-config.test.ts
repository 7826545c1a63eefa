import { describe, expect, it } from 'vitest';
import { llmSetupFromEnv } from '../../../lambdas/adapters/llm/llm-from-config.ts';
import { ConfigError, llmConfigSchema } from '../../../lambdas/shared/config.ts';

const noMetrics = { singleMetric: () => ({ addDimension: () => {}, addMetric: () => {} }) };
const tokenLimitParam = (env: Record<string, string>) => llmConfigSchema.parse(env).LLM_TOKEN_LIMIT_PARAM;

describe('the LLM token-limit parameter setting', () => {
  it("defaults to max_completion_tokens for OpenAI's own API", () => {
    expect(tokenLimitParam({})).toBe('max_completion_tokens');
    expect(tokenLimitParam({ OPENAI_BASE_URL: 'https://api.openai.com/v1' })).toBe('max_completion_tokens');
    expect(tokenLimitParam({ OPENAI_BASE_URL: 'https://API.OpenAI.com/v1/' })).toBe('max_completion_tokens');
  });

  it('defaults to max_tokens for any other OpenAI-compatible base URL', () => {
    expect(tokenLimitParam({ OPENAI_BASE_URL: 'http://localhost:8000/v1' })).toBe('max_tokens');
    expect(tokenLimitParam({ OPENAI_BASE_URL: 'https://llm.internal.example.com/v1' })).toBe('max_tokens');
    expect(tokenLimitParam({ OPENAI_BASE_URL: 'https://api.openai.com.proxy.example/v1' })).toBe(
      'max_tokens',
    );
  });

  it('uses an explicit setting whatever the base URL', () => {
    expect(tokenLimitParam({ LLM_TOKEN_LIMIT_PARAM: 'max_tokens' })).toBe('max_tokens');
    expect(
      tokenLimitParam({
        OPENAI_BASE_URL: 'http://localhost:8000/v1',
        LLM_TOKEN_LIMIT_PARAM: ' max_completion_tokens ',
      }),
    ).toBe('max_completion_tokens');
  });

  it('treats a blank setting as unset', () => {
    expect(tokenLimitParam({ LLM_TOKEN_LIMIT_PARAM: '' })).toBe('max_completion_tokens');
    expect(tokenLimitParam({ OPENAI_BASE_URL: 'http://localhost:8000/v1', LLM_TOKEN_LIMIT_PARAM: ' ' })).toBe(
      'max_tokens',
    );
  });

  it('fails the cold start with a message naming the variable and its values when the value is unknown', () => {
    const setup = () =>
      llmSetupFromEnv(
        { OPENAI_API_KEY: 'k', LLM_TOKEN_LIMIT_PARAM: 'max_output_tokens' },
        { metrics: noMetrics },
      );
    expect(setup).toThrow(ConfigError);
    expect(setup).toThrow(
      'Invalid LLM configuration: LLM_TOKEN_LIMIT_PARAM: must be one of max_tokens, max_completion_tokens',
    );
  });
});
