import { describe, expect, it } from 'vitest';
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
});
