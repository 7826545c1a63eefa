import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiProvider } from '../../../lambdas/adapters/llm/openai-provider.ts';
import type { LlmError, LlmMetricName, LlmOutcome, LlmRequest } from '../../../lambdas/core/llm/ports.ts';
import { llmTriage } from '../../../lambdas/core/llm/ticket-triage.ts';
import { llmConfigSchema } from '../../../lambdas/shared/config.ts';
import { withDeadline } from '../../../lambdas/shared/deadline.ts';
import { answer, type FakeOpenAi, startFakeOpenAi } from '../../support/fake-openai.ts';
import { LOCAL_TRIAGE_ANSWER } from '../../support/triage.ts';

describe('the OpenAI provider against a fake OpenAI-compatible server', () => {
  let fake: FakeOpenAi;
  let metrics: { name: LlmMetricName; value: number; outcome?: LlmOutcome }[] = [];
  let logged: { level: 'warn' | 'info'; message: string }[] = [];
  const log = {
    warn: (message: string) => logged.push({ level: 'warn', message }),
    info: (message: string) => logged.push({ level: 'info', message }),
  };
  const recordMetric = (_t: unknown, name: LlmMetricName, value: number, outcome?: LlmOutcome) =>
    metrics.push(outcome === undefined ? { name, value } : { name, value, outcome });

  const provider = (env: Record<string, string> = {}) => {
    const config = llmConfigSchema.parse({
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'test-key',
      LLM_TIMEOUT_MS: '400',
      LLM_MAX_ATTEMPTS: '3',
      LLM_RETRY_BASE_MS: '10',
      LLM_RETRY_MAX_MS: '50',
      LLM_CALL_BUDGET_MS: '5000',
      ...env,
    });
    const client = createOpenAiProvider(config, { metrics: { record: recordMetric }, log });
    if (!client) throw new Error('expected a provider');
    return client;
  };
  const request: LlmRequest = {
    task: 'summary',
    model: 'gpt-test',
    messages: [
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hello' },
    ],
    maxTokens: 50,
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => error as LlmError,
    );

  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterEach(() => {
    fake.reset();
    metrics = [];
    logged = [];
  });
  afterAll(async () => fake.close());

  it('returns the answer with usage, model and finish reason, sending the key and our limits', async () => {
    fake.script(answer('hi there', { promptTokens: 42, completionTokens: 7 }));
    const completion = await provider().complete(request);
    expect(completion).toMatchObject({
      text: 'hi there',
      promptTokens: 42,
      completionTokens: 7,
      finishReason: 'stop',
      attempts: 1,
    });
    expect(completion.model).toBe('gpt-test-2024-07-18');
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer test-key');
    expect(fake.requests[0]?.body).toMatchObject({ model: 'gpt-test', max_tokens: 50 });
    expect(metrics).toEqual(
      expect.arrayContaining([
        { name: 'LlmCalls', value: 1 },
        { name: 'LlmPromptTokens', value: 42 },
        { name: 'LlmCompletionTokens', value: 7 },
      ]),
    );
  });

  it('sends a JSON schema as a strict response_format', async () => {
    fake.script(answer({ ok: true }));
    await provider().complete({ ...request, jsonSchema: { name: 'thing', schema: { type: 'object' } } });
    expect(fake.requests[0]?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'thing', schema: { type: 'object' }, strict: true },
    });
  });

  it('sends the answer-token limit as max_tokens, and not max_completion_tokens, when configured so', async () => {
    fake.script(answer('ok'));
    await provider({ LLM_TOKEN_LIMIT_PARAM: 'max_tokens' }).complete(request);
    expect(fake.requests[0]?.body.max_tokens).toBe(50);
    expect(fake.requests[0]?.body).not.toHaveProperty('max_completion_tokens');
  });

  it('sends the answer-token limit as max_completion_tokens, and not max_tokens, when configured so', async () => {
    fake.script(answer('ok'));
    await provider({ LLM_TOKEN_LIMIT_PARAM: 'max_completion_tokens' }).complete(request);
    expect(fake.requests[0]?.body.max_completion_tokens).toBe(50);
    expect(fake.requests[0]?.body).not.toHaveProperty('max_tokens');
  });

  it('sends max_tokens by default to a compatible server that is not api.openai.com', async () => {
    fake.script(answer('ok'), answer('ok'));
    await provider().complete(request);
    await provider({ LLM_TOKEN_LIMIT_PARAM: '  ' }).complete(request);
    for (const recorded of fake.requests) {
      expect(recorded.body.max_tokens).toBe(50);
      expect(recorded.body).not.toHaveProperty('max_completion_tokens');
    }
    expect(fake.requests).toHaveLength(2);
  });

  it('sends temperature 0.2 and no reasoning_effort by default to an ordinary model', async () => {
    fake.script(answer('ok'), answer('ok'));
    await provider().complete(request);
    await provider({ LLM_TEMPERATURE: ' ', LLM_REASONING_EFFORT: '' }).complete({
      ...request,
      model: 'gpt-4o-mini',
    });
    expect(fake.requests).toHaveLength(2);
    for (const recorded of fake.requests) {
      expect(recorded.body.temperature).toBe(0.2);
      expect(recorded.body).not.toHaveProperty('reasoning_effort');
    }
  });

  it('sends no temperature and reasoning_effort low by default to a reasoning model', async () => {
    const models = ['o1', 'o3-mini', 'o4-mini', 'O4-Mini-2025-04-16', 'gpt-5', 'gpt-5-mini'];
    fake.script(...models.map(() => answer('ok')));
    for (const model of models) await provider().complete({ ...request, model });
    expect(fake.requests.map((recorded) => recorded.body.model)).toEqual(models);
    for (const recorded of fake.requests) {
      expect(recorded.body).not.toHaveProperty('temperature');
      expect(recorded.body.reasoning_effort).toBe('low');
    }
  });

  it("gets an answer from a reasoning model that, like OpenAI's, rejects any temperature but 1", async () => {
    fake.setDefault((recorded) =>
      recorded.body.temperature !== undefined && recorded.body.temperature !== 1
        ? {
            kind: 'status',
            status: 400,
            message: `Unsupported value: 'temperature' does not support ${recorded.body.temperature} with this model. Only the default (1) value is supported.`,
          }
        : answer('reasoned'),
    );
    const completion = await provider().complete({ ...request, model: 'o4-mini' });
    expect(completion.text).toBe('reasoned');
    expect(completion.attempts).toBe(1);
    // The same server turns the old request down for good (a 400 is not retried).
    const error = await failure(
      provider({ LLM_TEMPERATURE: '0.2' }).complete({ ...request, model: 'o4-mini' }),
    );
    expect(error).toMatchObject({ kind: 'client', status: 400 });
    expect(fake.requests).toHaveLength(2);
  });

  it('sends the configured temperature to any model, 0 included, and none when set to omit', async () => {
    fake.setDefault(answer('ok'));
    await provider({ LLM_TEMPERATURE: '0.7' }).complete(request);
    await provider({ LLM_TEMPERATURE: '1' }).complete({ ...request, model: 'o4-mini' });
    await provider({ LLM_TEMPERATURE: '0' }).complete(request);
    await provider({ LLM_TEMPERATURE: 'omit' }).complete(request);
    expect(fake.requests.map((recorded) => recorded.body.temperature)).toEqual([0.7, 1, 0, undefined]);
    expect(fake.requests[3]?.body).not.toHaveProperty('temperature');
  });

  it('sends the configured reasoning effort to any model, and none when set to omit', async () => {
    fake.setDefault(answer('ok'));
    await provider({ LLM_REASONING_EFFORT: 'high' }).complete({ ...request, model: 'o3' });
    await provider({ LLM_REASONING_EFFORT: 'minimal' }).complete(request);
    await provider({ LLM_REASONING_EFFORT: 'omit' }).complete({ ...request, model: 'gpt-5-mini' });
    expect(fake.requests.map((recorded) => recorded.body.reasoning_effort)).toEqual([
      'high',
      'minimal',
      undefined,
    ]);
    expect(fake.requests[2]?.body).not.toHaveProperty('reasoning_effort');
    // The temperature keeps its own per-model default.
    expect(fake.requests.map((recorded) => recorded.body.temperature)).toEqual([undefined, 0.2, undefined]);
  });

  it('waits out a 429 for its Retry-After and then succeeds', async () => {
    fake.script(
      { kind: 'status', status: 429, headers: { 'retry-after-ms': '120' } },
      answer('late but fine'),
    );
    const completion = await provider().complete(request);
    expect(completion.text).toBe('late but fine');
    expect(completion.attempts).toBe(2);
    expect(fake.requests).toHaveLength(2);
    expect(metrics).toContainEqual({ name: 'LlmErrors', value: 1 });
  });

  it('gives up at once on a 429 whose Retry-After is past the call budget', async () => {
    fake.script({ kind: 'status', status: 429, headers: { 'retry-after': '60' } });
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 60_000, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 500s and reports a server error after the last attempt', async () => {
    fake.setDefault({ kind: 'status', status: 500, message: 'internal' });
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ kind: 'server', status: 500, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it('skips calls for a while after the provider failed for good, so a batch falls back quickly', async () => {
    fake.setDefault({ kind: 'status', status: 503 });
    const client = provider({ LLM_MAX_ATTEMPTS: '1', LLM_CIRCUIT_OPEN_SECONDS: '60' });
    expect(await failure(client.complete(request))).toMatchObject({ kind: 'server' });
    expect(await failure(client.complete(request))).toMatchObject({ kind: 'unavailable' });
    expect(fake.requests).toHaveLength(1);
  });

  it('half-opens after the cool-down: one trial call at a time; a failed trial re-opens, an answer closes', async () => {
    fake.script({ kind: 'status', status: 503 }, { kind: 'hang' }, answer('back'), answer('again'));
    const client = provider({ LLM_MAX_ATTEMPTS: '1', LLM_CIRCUIT_OPEN_SECONDS: '1' });
    const coolDown = () => new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await failure(client.complete(request))).toMatchObject({ kind: 'server' });
    expect(await failure(client.complete(request))).toMatchObject({ kind: 'unavailable' });

    await coolDown();
    const trial = failure(client.complete(request));
    expect(await failure(client.complete(request))).toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/trial call/),
    });
    expect(await trial).toMatchObject({ kind: 'timeout' });
    expect(await failure(client.complete(request))).toMatchObject({ kind: 'unavailable' });

    await coolDown();
    expect((await client.complete(request)).text).toBe('back');
    expect((await client.complete(request)).text).toBe('again');
    expect(fake.requests).toHaveLength(4);
  });

  it('logs one line when the circuit opens and one when it closes, none for the calls it skips', async () => {
    fake.script({ kind: 'status', status: 503 }, answer('back'));
    const client = provider({ LLM_MAX_ATTEMPTS: '1', LLM_CIRCUIT_OPEN_SECONDS: '1' });
    await failure(client.complete(request));
    await failure(client.complete(request));
    await failure(client.complete(request));
    expect(logged).toEqual([
      {
        level: 'warn',
        message: 'LLM circuit open: model calls are skipped for 1s and use the local algorithms',
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await client.complete(request)).text).toBe('back');
    expect(logged.map((line) => line.level)).toEqual(['warn', 'info']);
    expect(logged[1]?.message).toBe('LLM circuit closed: the provider answered; model calls resume');
  });

  it('tells the time a failed call spent, every attempt and wait included; none when the circuit skipped it', async () => {
    fake.setDefault({ kind: 'hang' });
    const client = provider({ LLM_MAX_ATTEMPTS: '2', LLM_TIMEOUT_MS: '200', LLM_CIRCUIT_OPEN_SECONDS: '60' });
    const error = await failure(client.complete(request));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2 });
    expect(error?.latencyMs).toBeGreaterThanOrEqual(390);
    expect(await failure(client.complete(request))).toMatchObject({ kind: 'unavailable', latencyMs: null });
  });

  it('does not retry a request the provider refuses (401)', async () => {
    fake.setDefault({ kind: 'status', status: 401, message: 'bad key' });
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ kind: 'client', status: 401, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('times out a hanging provider with the client timeout, then retries', async () => {
    fake.setDefault({ kind: 'hang' });
    const error = await failure(provider({ LLM_MAX_ATTEMPTS: '2', LLM_TIMEOUT_MS: '200' }).complete(request));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2 });
    expect(fake.requests).toHaveLength(2);
  });

  it("stops a hanging call at the job record's deadline, before its own timeout and budget", async () => {
    fake.setDefault({ kind: 'hang' });
    const client = provider({ LLM_MAX_ATTEMPTS: '3', LLM_TIMEOUT_MS: '5000', LLM_CALL_BUDGET_MS: '20000' });
    const started = Date.now();
    const error = await withDeadline(started + 1300, () => failure(client.complete(request)));
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(fake.requests).toHaveLength(1);
  });

  it('makes no call, and opens no circuit, when the record has less than a second left', async () => {
    fake.script(answer('fine'));
    const client = provider({ LLM_CIRCUIT_OPEN_SECONDS: '60' });
    const error = await withDeadline(Date.now() + 500, () => failure(client.complete(request)));
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(fake.requests).toHaveLength(0);
    expect((await client.complete(request)).text).toBe('fine');
  });

  it('treats a body that is not JSON as a malformed response worth a retry', async () => {
    fake.script({ kind: 'malformed' }, answer('second time lucky'));
    const completion = await provider().complete(request);
    expect(completion.text).toBe('second time lucky');
    expect(completion.attempts).toBe(2);
  });

  it('reports a truncated answer as finish_reason length, for the caller to reject', async () => {
    fake.script(answer('{"overview": "cut', { finishReason: 'length' }));
    const completion = await provider().complete(request);
    expect(completion.finishReason).toBe('length');
  });

  it.each([
    ['the initial value the stack generates', '{"unset":true,"nonce":"Xq3bH8rT0mZk2WvY7pLd5NcA9sFg4JeQ"}'],
    ['the not-set an operator puts back', 'not-set'],
  ])('is not available when the key secret holds %s', async (_, value) => {
    const config = llmConfigSchema.parse({
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:x',
    });
    const client = createOpenAiProvider(config, {
      metrics: { record: () => {} },
      readSecret: async () => value,
    });
    expect(await client?.available()).toBe(false);
    const error = await failure(client?.complete(request) ?? Promise.resolve());
    expect(error).toMatchObject({ kind: 'not_configured' });
  });

  it('is absent when no key and no secret are configured', () => {
    expect(createOpenAiProvider(llmConfigSchema.parse({}), { metrics: { record: () => {} } })).toBeNull();
  });

  describe('triage answers over real HTTP', () => {
    const local = LOCAL_TRIAGE_ANSWER;
    const triage = () =>
      llmTriage(
        {
          client: provider(),
          models: { summary: 's', triage: 'gpt-triage', changelog: 'c' },
          gate: async () => true,
          metrics: { record: recordMetric },
        },
        { categories: ['BUG', 'FEATURE'], maxAnswerTokens: 200, jobTokenBudget: 4000 },
      )({ title: 'Add CSV export', body: 'Please add export.' }, local, { userId: 'u' });

    it('keeps the local answer when the structured answer violates the schema', async () => {
      fake.script(
        answer({ category: 'FEATURE', priority: 'urgent', labels: [], confidence: 2, rationale: '' }),
      );
      const { answer: result, model } = await triage();
      expect(model).toBeNull();
      expect(result.category).toBe('BUG');
      expect(result.details.llm).toMatchObject({
        fallback: true,
        fallbackReason: expect.stringContaining('schema'),
      });
      expect(metrics).toContainEqual({ name: 'LlmFallbacks', value: 1 });
    });

    it('records the latency of a hung call as a timeout, and stores it on the fallback', async () => {
      fake.setDefault({ kind: 'hang' });
      const { answer: result } = await triage();
      const latency = metrics.filter((m) => m.name === 'LlmLatency');
      expect(latency).toEqual([{ name: 'LlmLatency', value: expect.any(Number), outcome: 'timeout' }]);
      // Three attempts of LLM_TIMEOUT_MS (400) each, plus the backoff between them.
      expect(latency[0]?.value).toBeGreaterThanOrEqual(1190);
      expect(result.details.llm).toMatchObject({
        fallback: true,
        latencyMs: Math.round(latency[0]?.value ?? 0),
      });
    });

    it('keeps the local answer when the answer was truncated', async () => {
      fake.script(answer('{"category":"FEATURE","priority":"P2"', { finishReason: 'length' }));
      const { answer: result } = await triage();
      expect(result.category).toBe('BUG');
      expect(result.details.llm).toMatchObject({ fallbackReason: expect.stringContaining('truncated') });
    });

    it('uses a valid structured answer', async () => {
      fake.script(
        answer({
          category: 'FEATURE',
          priority: 'P3',
          labels: ['export'],
          confidence: 0.9,
          rationale: 'asks for export',
        }),
      );
      const { answer: result, model } = await triage();
      expect(model).toBe('gpt-triage-2024-07-18');
      expect(result).toMatchObject({ category: 'FEATURE', labels: ['export'] });
    });
  });
});
