import { aws_logs as logs } from 'aws-cdk-lib';
import { ValidationError } from '../lambdas/core/errors.ts';
import { JOB_KINDS } from '../lambdas/core/jobs/registry.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/core/metrics.ts';
import { createTriagePolicy } from '../lambdas/core/tickets/index.ts';
import { type LlmConfig, llmConfigSchema, ticketTriageConfigSchema } from '../lambdas/shared/config.ts';
import { loadTicketClassifier } from '../lambdas/triage/local-classifier.ts';
import {
  LLM_SETTING_VARIABLES,
  type LlmSetting,
  type LlmSettings,
  type LlmSettingValue,
  type StageConfig,
} from '../lib/stage-config.ts';

/** The one durable stage; every other name is a personal, disposable stage. */
export const PROD_STAGE = 'prod';
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const DAY_MS = 24 * 3600 * 1000;

export interface StageInputs {
  name: string;
  alarmEmail?: string | undefined;
  adminEmail?: string | undefined;
  /** `-c networkRedaction=`: pseudonymise (default), keep or remove addresses and host names in logs. */
  networkRedaction?: string | undefined;
  /** `-c triageReviewThreshold=`: category confidence below which a ticket is NEEDS_REVIEW (0–1). */
  triageReviewThreshold?: string | undefined;
  /** `-c triageExtraReviewThreshold=`: team confidence below which `Ticket.team` stays unset (0–1). */
  triageExtraReviewThreshold?: string | undefined;
  /** `-c triageCategories=BUG,FEATURE`: the categories the triage worker chooses among. */
  triageCategories?: string | undefined;
  /** The `-c llm…` flags that were given (LLM_FLAGS), as written. */
  llm?: Partial<Record<LlmFlag, string>> | undefined;
  /** The synth time; the API key expiry counts from the start of its UTC day so a day's synths agree. */
  now?: Date;
}

export function assertStageName(name: string): string {
  if (!STAGE_NAME.test(name)) {
    throw new Error(
      `Stage "${name}" must be 1-20 characters: a lower-case letter, then letters, digits or "-"`,
    );
  }
  return name;
}

/** `$USER` may hold characters a stage cannot: `Jane.Doe` becomes `jane-doe`. */
export function stageNameFromUser(user: string | undefined): string {
  const cleaned = (user ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 20)
    .replace(/-+$/, '');
  return cleaned || 'dev';
}

function expiresAfterDays(now: Date, days: number): Date {
  const startOfDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(startOfDay + days * DAY_MS);
}

/**
 * The `service` dimension of a stage's application metrics: `ai-ops-alice`. CloudWatch keys a metric by
 * namespace, name and dimensions, so with one service for every stage of an account each stage's alarms
 * would count the others' failures.
 */
export function stageService(name: string): string {
  return `${SERVICE_NAME}-${name}`;
}

const NETWORK_REDACTIONS = ['pseudonymise', 'keep', 'remove'] as const;

function networkRedaction(value: string): (typeof NETWORK_REDACTIONS)[number] {
  const mode = NETWORK_REDACTIONS.find((m) => m === value);
  if (!mode) throw new Error(`networkRedaction "${value}" must be one of ${NETWORK_REDACTIONS.join(', ')}`);
  return mode;
}

/**
 * The `-c llm…` flag of each LLM setting of the stage config (`LLM_SETTING_VARIABLES` in lib/stage-config.ts
 * maps each setting to the handlers' variable, docs/llm.md), and of the name of an existing key secret.
 */
const LLM_FLAGS = {
  baseUrl: 'llmBaseUrl',
  summaryModel: 'llmSummaryModel',
  triageModel: 'llmTriageModel',
  changelogModel: 'llmChangelogModel',
  tokenLimitParam: 'llmTokenLimitParam',
  temperature: 'llmTemperature',
  reasoningEffort: 'llmReasoningEffort',
  timeoutMs: 'llmTimeoutMs',
  maxAttempts: 'llmMaxAttempts',
  retryBaseMs: 'llmRetryBaseMs',
  retryMaxMs: 'llmRetryMaxMs',
  callBudgetMs: 'llmCallBudgetMs',
  circuitOpenSeconds: 'llmCircuitOpenSeconds',
  maxPromptTokens: 'llmMaxPromptTokens',
  jobTokenBudget: 'llmJobTokenBudget',
  maxAnswerTokens: 'llmMaxAnswerTokens',
  keyCacheSeconds: 'llmKeyCacheSeconds',
  apiKeySecretName: 'llmApiKeySecretName',
} as const satisfies Record<LlmSetting | 'apiKeySecretName', string>;
type LlmFlag = (typeof LLM_FLAGS)[keyof typeof LLM_FLAGS];

/**
 * The `-c` flags `bin/app.ts` reads, each with the `StageInputs` field it sets. Only these are read: a flag
 * spelt otherwise is ignored by CDK, so the list is in docs/deploy.md.
 */
export const CONTEXT_FLAGS = [
  'stage',
  'alarmEmail',
  'adminEmail',
  'networkRedaction',
  'triageReviewThreshold',
  'triageExtraReviewThreshold',
  'triageCategories',
  ...Object.values(LLM_FLAGS),
] as const;
type ContextFlag = (typeof CONTEXT_FLAGS)[number];

/**
 * The stage inputs from CDK context (`-c flag=value`, or `context` in cdk.json, where a number or a boolean
 * may stand unquoted). Blank values count as unset; a list or an object is refused, naming the flag.
 */
export function stageInputsFromContext(
  context: (flag: string) => unknown,
  user: string | undefined,
): StageInputs {
  const read = (flag: ContextFlag): string | undefined => {
    const value = context(flag);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(`-c ${flag}: must be a single value, not ${JSON.stringify(value)}`);
    }
    const text = String(value).trim();
    return text === '' ? undefined : text;
  };
  return {
    name: read('stage') ?? stageNameFromUser(user),
    alarmEmail: read('alarmEmail'),
    adminEmail: read('adminEmail'),
    networkRedaction: read('networkRedaction'),
    triageReviewThreshold: read('triageReviewThreshold'),
    triageExtraReviewThreshold: read('triageExtraReviewThreshold'),
    triageCategories: read('triageCategories'),
    llm: givenLlmFlags(read),
  };
}

function givenLlmFlags(read: (flag: LlmFlag) => string | undefined): StageInputs['llm'] {
  const given: Partial<Record<LlmFlag, string>> = {};
  for (const flag of Object.values(LLM_FLAGS)) {
    const value = read(flag);
    if (value !== undefined) given[flag] = value;
  }
  return Object.keys(given).length === 0 ? undefined : given;
}

const TRIAGE_FLAGS = {
  reviewThreshold: 'triageReviewThreshold',
  extraReviewThreshold: 'triageExtraReviewThreshold',
  categories: 'triageCategories',
} as const satisfies Record<string, ContextFlag>;

/** The worker's variable behind each triage flag. */
const TRIAGE_VARIABLES: Readonly<Record<string, ContextFlag>> = {
  TRIAGE_REVIEW_THRESHOLD: TRIAGE_FLAGS.reviewThreshold,
  TRIAGE_EXTRA_REVIEW_THRESHOLD: TRIAGE_FLAGS.extraReviewThreshold,
  TRIAGE_CATEGORIES: TRIAGE_FLAGS.categories,
};

const refused = (inputs: StageInputs, flag: ContextFlag, problem: string) =>
  new Error(`-c ${flag}=${inputs[flag as keyof StageInputs]}: ${problem}`);

/**
 * The triage settings of `-c triage…=` flags, checked once at synth as the worker checks its variables at cold
 * start (the worker's own schema, then the shipped model): a bad value fails the synth naming its flag,
 * instead of every triage job of the deployed stage. Categories are kept in the model's spelling (`bug` → `BUG`).
 */
function triageSettings(inputs: StageInputs): StageConfig['triage'] {
  const parsed = ticketTriageConfigSchema.safeParse({
    TRIAGE_REVIEW_THRESHOLD: inputs.triageReviewThreshold,
    TRIAGE_EXTRA_REVIEW_THRESHOLD: inputs.triageExtraReviewThreshold,
    TRIAGE_CATEGORIES: inputs.triageCategories,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = TRIAGE_VARIABLES[String(issue?.path[0])] ?? TRIAGE_FLAGS.reviewThreshold;
    throw refused(inputs, flag, issue?.message ?? 'invalid value');
  }
  const {
    TRIAGE_REVIEW_THRESHOLD: reviewThreshold,
    TRIAGE_EXTRA_REVIEW_THRESHOLD: extraReviewThreshold,
    TRIAGE_CATEGORIES: categories,
  } = parsed.data;
  if (categories !== undefined && categories.length === 0) {
    throw refused(inputs, TRIAGE_FLAGS.categories, 'must name at least one category');
  }
  if (reviewThreshold === undefined && extraReviewThreshold === undefined && categories === undefined) {
    return undefined;
  }
  try {
    const policy = createTriagePolicy(
      loadTicketClassifier(undefined),
      { reviewThreshold, extraReviewThreshold, categories },
      TRIAGE_FLAGS,
    );
    return {
      ...(reviewThreshold === undefined ? {} : { reviewThreshold }),
      ...(extraReviewThreshold === undefined ? {} : { extraReviewThreshold }),
      ...(categories === undefined ? {} : { categories: policy.categories }),
    };
  } catch (error: unknown) {
    if (!(error instanceof ValidationError)) throw error;
    const flag = Object.values(TRIAGE_FLAGS).find((f) => f === error.field) ?? TRIAGE_FLAGS.categories;
    throw refused(inputs, flag, error.problem);
  }
}

/** Secrets Manager's rule for a secret name; an ARN is not a name (the flag takes the name). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/**
 * A name is imported as a partial ARN (no random suffix) that IAM and GetSecretValue match with `-??????`; a
 * name that itself ends in a hyphen and six characters is read as a complete ARN and denied (CDK's
 * `fromSecretNameV2` documents it).
 */
const SUFFIX_LIKE = /-[A-Za-z0-9]{6}$/;
/** A model call must leave a worker half its time (for the local fallback): the shortest worker's half. */
const CALL_BUDGET_LIMIT_MS = (Math.min(...JOB_KINDS.map((kind) => kind.worker.timeoutSeconds)) * 1000) / 2;

/**
 * The LLM settings of `-c llm…` flags, checked once at synth with the handlers' own schema (llmConfigSchema),
 * as a cold start checks their variables: a bad value fails the synth naming its flag, instead of every
 * model call (or cold start) of the deployed stage. Values keep the types the handlers parse them to.
 */
function llmSettings(given: StageInputs['llm']): StageConfig['llm'] {
  if (given === undefined) return undefined;
  const settings = Object.keys(LLM_SETTING_VARIABLES) as LlmSetting[];
  const parsed = parsedLlmVariables(given, settings);
  const llm: LlmSettings = {};
  for (const setting of settings) {
    if (given[LLM_FLAGS[setting]] !== undefined) copySetting(setting, parsed, llm);
  }
  const callBudget = llm.callBudgetMs;
  if (callBudget !== undefined && callBudget >= CALL_BUDGET_LIMIT_MS)
    throw new Error(
      `-c ${LLM_FLAGS.callBudgetMs}=${callBudget}: must be below ${CALL_BUDGET_LIMIT_MS} (half the shortest worker timeout, so a call that fails for good leaves the worker time for the local fallback)`,
    );
  const secretName = given.llmApiKeySecretName;
  if (secretName !== undefined && !SECRET_NAME.test(secretName))
    throw new Error(
      `-c ${LLM_FLAGS.apiKeySecretName}=${secretName}: must be a Secrets Manager secret name (up to 512 letters, digits and /_+=.@-), not an ARN`,
    );
  if (secretName !== undefined && SUFFIX_LIKE.test(secretName))
    throw new Error(
      `-c ${LLM_FLAGS.apiKeySecretName}=${secretName}: ends like the random suffix Secrets Manager adds to ARNs (-abc123), so the partial ARN the functions are given would be denied; use a secret whose name does not`,
    );
  return secretName === undefined ? llm : { ...llm, apiKeySecretName: secretName };
}

/** The given flags as the handlers' variables, parsed by their schema; the first problem names its flag. */
function parsedLlmVariables(
  given: NonNullable<StageInputs['llm']>,
  settings: readonly LlmSetting[],
): LlmConfig {
  const env: Record<string, string> = {};
  for (const setting of settings) {
    const value = given[LLM_FLAGS[setting]];
    if (value !== undefined) env[LLM_SETTING_VARIABLES[setting]] = value;
  }
  const parsed = llmConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const setting = settings.find((s) => LLM_SETTING_VARIABLES[s] === issue?.path[0]) ?? 'baseUrl';
  const flag = LLM_FLAGS[setting];
  throw new Error(`-c ${flag}=${given[flag]}: ${issue?.message ?? 'invalid value'}`);
}

/** One setting, from the handlers' parsed variables (the value has the type LlmSettingValue<K> names). */
function copySetting<K extends LlmSetting>(setting: K, data: LlmConfig, into: LlmSettings): void {
  const value: LlmSettingValue<K> | undefined = data[LLM_SETTING_VARIABLES[setting]] ?? undefined;
  if (value !== undefined) Object.assign(into, { [setting]: value });
}

export function stageConfig(inputs: StageInputs): StageConfig {
  const name = assertStageName(inputs.name);
  const now = inputs.now ?? new Date();
  const common = {
    name,
    alarmEmail: inputs.alarmEmail,
    adminEmail: inputs.adminEmail ?? 'admin@example.com',
    metrics: { namespace: METRICS_NAMESPACE, service: stageService(name) },
    ...(inputs.networkRedaction === undefined
      ? {}
      : { redaction: { network: networkRedaction(inputs.networkRedaction) } }),
  };
  const triage = triageSettings(inputs);
  if (triage) Object.assign(common, { triage });
  const llm = llmSettings(inputs.llm);
  if (llm) Object.assign(common, { llm });
  if (name === PROD_STAGE) {
    return {
      ...common,
      durable: true,
      network: { maxAzs: 2, egress: { kind: 'nat-gateway', count: 2 } },
      database: {
        kind: 'instance',
        instanceClass: 't4g.medium',
        multiAz: true,
        allocatedStorageGiB: 50,
        maxAllocatedStorageGiB: 500,
        backupRetentionDays: 14,
        rotationDays: 30,
        monitoringIntervalSeconds: 60,
        // max_connections on db.t4g.medium (4 GiB) is about 410.
        connectionsAlarmThreshold: 320,
        proxyIdleClientTimeoutSeconds: 300,
      },
      api: {
        introspection: false,
        apiKeyExpiresAt: expiresAfterDays(now, 365),
        authorizerCacheTtlSeconds: 120,
        queryDepthLimit: 10,
        resolverCountLimit: 50,
        wafRateLimitPer5Minutes: 2000,
        traceSampling: { perSecond: 1, rate: 0.02 },
      },
      functions: { logRetention: logs.RetentionDays.THREE_MONTHS, logLevel: 'INFO', gradualDeployment: true },
      workers: { maxConcurrency: 10, tracing: 'active' },
    };
  }
  return {
    ...common,
    durable: false,
    network: { maxAzs: 2, egress: { kind: 'nat-instance', instanceType: 't4g.nano' } },
    database: {
      kind: 'aurora-serverless',
      minCapacityAcu: 0,
      maxCapacityAcu: 2,
      autoPauseSeconds: 300,
      backupRetentionDays: 1,
      idleSessionTimeoutSeconds: 120,
      // max_connections at 2 ACU (4 GiB) is about 400; a personal stage opens a handful.
      connectionsAlarmThreshold: 100,
    },
    api: {
      introspection: true,
      apiKeyExpiresAt: expiresAfterDays(now, 90),
      authorizerCacheTtlSeconds: 60,
      queryDepthLimit: 10,
      resolverCountLimit: 50,
      wafRateLimitPer5Minutes: undefined,
      traceSampling: { perSecond: 0, rate: 0.05 },
    },
    functions: { logRetention: logs.RetentionDays.ONE_WEEK, logLevel: 'INFO', gradualDeployment: false },
    workers: { maxConcurrency: 2, tracing: 'pass-through' },
  };
}
