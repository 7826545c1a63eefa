import { describe, expect, it } from 'vitest';
import { llmSetup, triageAnswerTokens } from '../../../lambdas/adapters/llm/llm-from-config.ts';
import {
  ConfigError,
  isReasoningModel,
  llmConfigSchema,
  parseConfig,
  reasoningEffortFor,
  temperatureFor,
} from '../../../lambdas/shared/config.ts';

/** What a handler's cold start does with its LLM variables. */
const llmSetupFromEnv = (env: Record<string, string>, deps: Parameters<typeof llmSetup>[1]) =>
  llmSetup(parseConfig(llmConfigSchema, env, 'LLM'), deps);

const noMetrics = {
  singleMetric: () => ({ addDimension: () => {}, addDimensions: () => {}, addMetric: () => {} }),
};
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

describe('the reasoning-model rule', () => {
  it('matches the o1, o3, o4 and gpt-5 families by a case-insensitive prefix', () => {
    for (const model of [
      'o1',
      'o1-mini',
      'o3',
      'o3-mini',
      'o4-mini',
      'O4-MINI',
      'gpt-5',
      'GPT-5-nano',
      ' o3 ',
    ]) {
      expect(isReasoningModel(model)).toBe(true);
    }
  });

  it('leaves other models alone', () => {
    for (const model of [
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-3.5-turbo',
      'llama-3-o1',
      'mistral',
      'openai/o4-mini',
    ]) {
      expect(isReasoningModel(model)).toBe(false);
    }
  });
});

describe('the LLM temperature setting', () => {
  const temperature = (env: Record<string, string>) => llmConfigSchema.parse(env).LLM_TEMPERATURE;

  it('is unset by default: 0.2 for ordinary models, none for reasoning models', () => {
    expect(temperature({})).toBeUndefined();
    expect(temperature({ LLM_TEMPERATURE: '  ' })).toBeUndefined();
    expect(temperatureFor(undefined, 'gpt-4o-mini')).toBe(0.2);
    expect(temperatureFor(undefined, 'o4-mini')).toBeUndefined();
    expect(temperatureFor(undefined, 'gpt-5-mini')).toBeUndefined();
  });

  it('takes a number from 0 to 2, or omit, for every model', () => {
    expect(temperature({ LLM_TEMPERATURE: '0' })).toBe(0);
    expect(temperature({ LLM_TEMPERATURE: ' 0.7 ' })).toBe(0.7);
    expect(temperature({ LLM_TEMPERATURE: '.5' })).toBe(0.5);
    expect(temperature({ LLM_TEMPERATURE: '2' })).toBe(2);
    expect(temperature({ LLM_TEMPERATURE: 'omit' })).toBe('omit');
    expect(temperatureFor(0, 'gpt-4o-mini')).toBe(0);
    expect(temperatureFor(1, 'o4-mini')).toBe(1);
    expect(temperatureFor('omit', 'gpt-4o-mini')).toBeUndefined();
  });

  it('fails the cold start with a message naming the variable when the value is not one', () => {
    for (const value of ['2.1', '-0.2', 'warm', '1e0', '0x1', 'OMIT', 'none', 'NaN']) {
      const setup = () =>
        llmSetupFromEnv({ OPENAI_API_KEY: 'k', LLM_TEMPERATURE: value }, { metrics: noMetrics });
      expect(setup).toThrow(ConfigError);
      expect(setup).toThrow(
        'Invalid LLM configuration: LLM_TEMPERATURE: must be a number from 0 to 2, or omit',
      );
    }
  });
});

describe('the LLM reasoning-effort setting', () => {
  const effort = (env: Record<string, string>) => llmConfigSchema.parse(env).LLM_REASONING_EFFORT;

  it('is unset by default: low for reasoning models, none for ordinary models', () => {
    expect(effort({})).toBeUndefined();
    expect(effort({ LLM_REASONING_EFFORT: '' })).toBeUndefined();
    expect(reasoningEffortFor(undefined, 'o3')).toBe('low');
    expect(reasoningEffortFor(undefined, 'gpt-5')).toBe('low');
    expect(reasoningEffortFor(undefined, 'gpt-4o-mini')).toBeUndefined();
  });

  it("takes the openai package's values, or omit, for every model", () => {
    for (const value of ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const) {
      expect(effort({ LLM_REASONING_EFFORT: ` ${value} ` })).toBe(value);
      expect(reasoningEffortFor(value, 'o4-mini')).toBe(value);
      expect(reasoningEffortFor(value, 'gpt-4o-mini')).toBe(value);
    }
    expect(effort({ LLM_REASONING_EFFORT: 'omit' })).toBe('omit');
    expect(reasoningEffortFor('omit', 'o4-mini')).toBeUndefined();
  });

  it('fails the cold start with a message naming the variable and its values when the value is unknown', () => {
    const setup = () =>
      llmSetupFromEnv({ OPENAI_API_KEY: 'k', LLM_REASONING_EFFORT: 'extreme' }, { metrics: noMetrics });
    expect(setup).toThrow(ConfigError);
    expect(setup).toThrow(
      'Invalid LLM configuration: LLM_REASONING_EFFORT: must be one of none, minimal, low, medium, high, xhigh, omit',
    );
  });
});

describe('the triage answer-token limit', () => {
  const limit = (env: Record<string, string>) => triageAnswerTokens(llmConfigSchema.parse(env));

  it('caps LLM_MAX_ANSWER_TOKENS at 400 for an ordinary model', () => {
    expect(limit({})).toBe(400);
    expect(limit({ LLM_MAX_ANSWER_TOKENS: '4000' })).toBe(400);
    expect(limit({ LLM_MAX_ANSWER_TOKENS: '300' })).toBe(300);
  });

  it('leaves a reasoning model all of LLM_MAX_ANSWER_TOKENS, since its reasoning comes out of it', () => {
    expect(limit({ AI_TRIAGE_MODEL: 'o4-mini' })).toBe(900);
    expect(limit({ AI_TRIAGE_MODEL: 'gpt-5-mini', LLM_MAX_ANSWER_TOKENS: '4000' })).toBe(4000);
  });
});
