import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { aws_logs as logs } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  assertStageName,
  CONTEXT_FLAGS,
  stageConfig,
  stageInputsFromContext,
  stageNameFromUser,
} from '../../bin/stages.ts';
import { visibilityTimeoutSeconds } from '../../lambdas/core/jobs/kind.ts';
import { JOB_KINDS } from '../../lambdas/core/jobs/registry.ts';
import { llmConfigSchema, ticketTriageConfigSchema } from '../../lambdas/shared/config.ts';
import { llmEnvironment, triageEnvironment } from '../../lib/ai-ops-stack.ts';
import { REPO_ROOT } from '../../lib/app-function.ts';

const NOW = new Date('2026-03-10T17:45:00Z');

describe('stage config', () => {
  it('derives a valid stage name from $USER', () => {
    expect(stageNameFromUser('alice')).toBe('alice');
    expect(stageNameFromUser('Jane.Doe')).toBe('jane-doe');
    expect(stageNameFromUser('1bot_user')).toBe('bot-user');
    expect(stageNameFromUser(undefined)).toBe('dev');
  });

  it('rejects stage names that cannot name a stack and its resources', () => {
    expect(() => assertStageName('Alice')).toThrow(/lower-case/);
    expect(() => assertStageName('a'.repeat(21))).toThrow();
    expect(() => assertStageName('alice_1')).toThrow();
    expect(assertStageName('alice-1')).toBe('alice-1');
  });

  it('makes every stage but prod small, disposable and cheap at rest', () => {
    const alice = stageConfig({ name: 'alice', now: NOW });
    expect(alice).toMatchObject({
      durable: false,
      network: { egress: { kind: 'nat-instance' } },
      database: { kind: 'aurora-serverless', minCapacityAcu: 0, autoPauseSeconds: 300 },
      api: { introspection: true, wafRateLimitPer5Minutes: undefined },
      functions: { gradualDeployment: false, logRetention: logs.RetentionDays.ONE_WEEK },
    });
  });

  it('makes prod durable, multi-AZ, backed up for 7+ days, introspection off, WAF on and deployed gradually', () => {
    const prod = stageConfig({ name: 'prod', now: NOW });
    expect(prod).toMatchObject({
      durable: true,
      network: { egress: { kind: 'nat-gateway', count: 2 } },
      database: { kind: 'instance', instanceClass: 't4g.medium', multiAz: true, rotationDays: 30 },
      api: { introspection: false },
      functions: { gradualDeployment: true },
    });
    expect(prod.database.backupRetentionDays).toBeGreaterThanOrEqual(7);
    expect(prod.api.wafRateLimitPer5Minutes).toBeGreaterThan(0);
  });

  it("files each stage's application metrics under a service of its own, in the one namespace", () => {
    const alice = stageConfig({ name: 'alice', now: NOW }).metrics;
    const bob = stageConfig({ name: 'bob', now: NOW }).metrics;
    const prod = stageConfig({ name: 'prod', now: NOW }).metrics;
    expect(alice).toEqual({ namespace: 'AiOps', service: 'ai-ops-alice' });
    expect(new Set([alice.service, bob.service, prod.service]).size).toBe(3);
    expect(new Set([alice.namespace, bob.namespace, prod.namespace])).toEqual(new Set(['AiOps']));
  });

  it('counts the API key expiry from the start of the UTC day, so synths on one day agree', () => {
    const early = stageConfig({ name: 'alice', now: new Date('2026-03-10T00:01:00Z') });
    const late = stageConfig({ name: 'alice', now: NOW });
    expect(late.api.apiKeyExpiresAt.toISOString()).toBe('2026-06-08T00:00:00.000Z');
    expect(early.api.apiKeyExpiresAt).toEqual(late.api.apiKeyExpiresAt);
    expect(stageConfig({ name: 'prod', now: NOW }).api.apiKeyExpiresAt.toISOString()).toBe(
      '2027-03-10T00:00:00.000Z',
    );
  });

  it('takes the alarm and admin e-mails from context, with a placeholder admin address', () => {
    expect(
      stageConfig({ name: 'alice', alarmEmail: 'ops@example.com', adminEmail: 'me@example.com' }),
    ).toMatchObject({
      alarmEmail: 'ops@example.com',
      adminEmail: 'me@example.com',
    });
    expect(stageConfig({ name: 'alice' })).toMatchObject({
      alarmEmail: undefined,
      adminEmail: 'admin@example.com',
    });
  });
});

describe('stage settings from -c flags', () => {
  const fromContext = (context: Record<string, unknown>) =>
    stageConfig({ ...stageInputsFromContext((flag) => context[flag], 'alice'), now: NOW });

  it('reads every flag from context, blank as unset, and a number cdk.json gives unquoted as its text', () => {
    const keys = new Set<string>();
    const inputs = stageInputsFromContext((flag) => {
      keys.add(flag);
      return flag === 'triageReviewThreshold' ? 0.3 : flag === 'adminEmail' ? '  ' : undefined;
    }, 'Jane.Doe');
    expect([...keys]).toEqual([...CONTEXT_FLAGS]);
    expect(inputs).toMatchObject({ name: 'jane-doe', adminEmail: undefined, triageReviewThreshold: '0.3' });
  });

  it('sets the triage thresholds and categories, 0 included, in the spelling the worker accepts', () => {
    const stage = fromContext({
      triageReviewThreshold: '0.25',
      triageExtraReviewThreshold: '0',
      triageCategories: 'bug, Feature ,question',
    });
    expect(stage.triage).toEqual({
      reviewThreshold: 0.25,
      extraReviewThreshold: 0,
      categories: ['BUG', 'FEATURE', 'QUESTION'],
    });
    expect(ticketTriageConfigSchema.parse(triageEnvironment(stage))).toMatchObject({
      TRIAGE_REVIEW_THRESHOLD: 0.25,
      TRIAGE_EXTRA_REVIEW_THRESHOLD: 0,
      TRIAGE_CATEGORIES: ['BUG', 'FEATURE', 'QUESTION'],
    });
    expect(fromContext({}).triage).toBeUndefined();
    expect(fromContext({ triageReviewThreshold: 1 }).triage).toEqual({ reviewThreshold: 1 });
  });

  it('refuses a bad triage value with an error that names its flag and the value', () => {
    expect(() => fromContext({ triageReviewThreshold: '1.5' })).toThrow(
      '-c triageReviewThreshold=1.5: must be a number from 0 to 1',
    );
    expect(() => fromContext({ triageExtraReviewThreshold: 'high' })).toThrow(
      '-c triageExtraReviewThreshold=high: must be a number from 0 to 1',
    );
    expect(() => fromContext({ triageReviewThreshold: '-0.1' })).toThrow(/^-c triageReviewThreshold=-0\.1: /);
    expect(() => fromContext({ triageCategories: 'BUG,DOCS' })).toThrow(
      /^-c triageCategories=BUG,DOCS: unknown category "DOCS"; this model knows BUG, /,
    );
    expect(() => fromContext({ triageCategories: ',' })).toThrow(
      '-c triageCategories=,: must name at least one category',
    );
    expect(() => fromContext({ triageCategories: ['BUG'] })).toThrow(
      '-c triageCategories: must be a single value, not ["BUG"]',
    );
  });

  it('sets every LLM setting from its -c llm flag, as the values the handlers parse its variable to', () => {
    const stage = fromContext({
      llmBaseUrl: 'https://llm.internal/v1',
      llmSummaryModel: 'big',
      llmTriageModel: 'small',
      llmChangelogModel: 'mid',
      llmTokenLimitParam: 'max_tokens',
      llmTemperature: 0,
      llmReasoningEffort: 'omit',
      llmTimeoutMs: '5000',
      llmMaxAttempts: 2,
      llmRetryBaseMs: '250',
      llmRetryMaxMs: '4000',
      llmCallBudgetMs: '9000',
      llmCircuitOpenSeconds: '0',
      llmMaxPromptTokens: '8000',
      llmJobTokenBudget: '48000',
      llmMaxAnswerTokens: '4000',
      llmKeyCacheSeconds: '60',
      llmApiKeySecretName: 'team/llm-key',
    });
    expect(stage.llm).toEqual({
      baseUrl: 'https://llm.internal/v1',
      summaryModel: 'big',
      triageModel: 'small',
      changelogModel: 'mid',
      tokenLimitParam: 'max_tokens',
      temperature: 0,
      reasoningEffort: 'omit',
      timeoutMs: 5000,
      maxAttempts: 2,
      retryBaseMs: 250,
      retryMaxMs: 4000,
      callBudgetMs: 9000,
      circuitOpenSeconds: 0,
      maxPromptTokens: 8000,
      jobTokenBudget: 48000,
      maxAnswerTokens: 4000,
      keyCacheSeconds: 60,
      apiKeySecretName: 'team/llm-key',
    });
    // What the functions get is what the handlers read back.
    const env = llmEnvironment(stage);
    expect(Object.keys(env)).toHaveLength(17);
    expect(llmConfigSchema.parse(env)).toMatchObject({
      OPENAI_BASE_URL: 'https://llm.internal/v1',
      LLM_TEMPERATURE: 0,
      LLM_CIRCUIT_OPEN_SECONDS: 0,
      LLM_TIMEOUT_MS: 5000,
      OPENAI_KEY_CACHE_SECONDS: 60,
    });
    expect(fromContext({}).llm).toBeUndefined();
    expect(fromContext({ llmTimeoutMs: ' ' }).llm).toBeUndefined();
  });

  it('refuses a bad LLM value with an error that names its flag and the value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ llmBaseUrl: 'llm.internal' }, '-c llmBaseUrl=llm.internal: '],
      [{ llmTemperature: '3' }, '-c llmTemperature=3: must be a number from 0 to 2, or omit'],
      [{ llmReasoningEffort: 'max' }, '-c llmReasoningEffort=max: must be one of none, minimal, low'],
      [{ llmTokenLimitParam: 'tokens' }, '-c llmTokenLimitParam=tokens: must be one of max_tokens'],
      [{ llmTimeoutMs: 'abc' }, '-c llmTimeoutMs=abc: must be a whole number from 1 to 600000'],
      [{ llmTimeoutMs: '1.5' }, '-c llmTimeoutMs=1.5: must be a whole number from 1 to 600000'],
      [{ llmMaxAttempts: '0' }, '-c llmMaxAttempts=0: must be a whole number from 1 to 10'],
      [{ llmCircuitOpenSeconds: '-1' }, '-c llmCircuitOpenSeconds=-1: must be a whole number from 0 to 3600'],
      [
        { llmCallBudgetMs: '45000' },
        '-c llmCallBudgetMs=45000: must be below 30000 (half the shortest worker',
      ],
      [
        { llmApiKeySecretName: 'arn:aws:secretsmanager:eu-west-1:1:secret:k' },
        '-c llmApiKeySecretName=arn:aws:secretsmanager:eu-west-1:1:secret:k: must be a Secrets Manager secret name',
      ],
      [{ llmSummaryModel: ['a'] }, '-c llmSummaryModel: must be a single value, not ["a"]'],
      [
        { llmApiKeySecretName: 'team/llm-abc123' },
        '-c llmApiKeySecretName=team/llm-abc123: ends like the random suffix',
      ],
    ];
    for (const [context, message] of cases) {
      expect(() => fromContext(context), message).toThrow(message);
    }
  });

  /** Runs the CDK app as `cdk synth -c …` does (context and output folder in the environment); its stderr. */
  async function synthRefusal(context: Record<string, unknown>): Promise<unknown> {
    const out = mkdtempSync(join(tmpdir(), 'ai-ops-app-'));
    try {
      const run = promisify(execFile)(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: out },
      });
      return await run.then(
        () => null,
        (error: unknown) => error,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }

  it('stops `cdk synth -c llmTemperature=3` at the app with an error naming the flag, before building anything', async () => {
    expect(await synthRefusal({ stage: 'alice', llmTemperature: 3 })).toMatchObject({
      stderr: expect.stringContaining('Error: -c llmTemperature=3: must be a number from 0 to 2, or omit'),
    });
  });

  it('stops `cdk synth -c triageReviewThreshold=2` at the app with that error, before building anything', async () => {
    expect(await synthRefusal({ stage: 'alice', triageReviewThreshold: '2' })).toMatchObject({
      stderr: expect.stringContaining('Error: -c triageReviewThreshold=2: must be a number from 0 to 1'),
    });
  });
});

describe('job kinds', () => {
  it('name one worker handler per kind, each a file of this checkout', () => {
    expect(new Set(JOB_KINDS.map((k) => k.kind)).size).toBe(JOB_KINDS.length);
    expect(new Set(JOB_KINDS.map((k) => k.queue.name)).size).toBe(JOB_KINDS.length);
    for (const kind of JOB_KINDS) expect(existsSync(join(REPO_ROOT, kind.worker.entry))).toBe(true);
  });

  it('keep worker timeouts within what a 12-hour SQS visibility can cover', () => {
    for (const kind of JOB_KINDS) {
      expect(visibilityTimeoutSeconds(kind)).toBeLessThan(43_200);
      expect(kind.queue.batchSize).toBeGreaterThan(0);
    }
  });
});
