import type { aws_logs as logs } from 'aws-cdk-lib';
// The LLM settings' types come from the handlers' own config schema (types only, nothing runs).
import type { LlmConfig, LlmVariable } from '../lambdas/shared/config.ts';

/**
 * Each LLM setting of a stage with the handlers' variable it becomes (meanings and defaults: docs/llm.md).
 * A value has the type the handlers' schema parses the variable to, so what a stage holds the handlers accept.
 * Reasoning models need room: raise `maxAnswerTokens` (LLM_MAX_ANSWER_TOKENS) and `jobTokenBudget` together.
 */
export const LLM_SETTING_VARIABLES = {
  baseUrl: 'OPENAI_BASE_URL',
  summaryModel: 'AI_SUMMARY_MODEL',
  triageModel: 'AI_TRIAGE_MODEL',
  changelogModel: 'AI_CHANGELOG_MODEL',
  tokenLimitParam: 'LLM_TOKEN_LIMIT_PARAM',
  temperature: 'LLM_TEMPERATURE',
  reasoningEffort: 'LLM_REASONING_EFFORT',
  timeoutMs: 'LLM_TIMEOUT_MS',
  maxAttempts: 'LLM_MAX_ATTEMPTS',
  retryBaseMs: 'LLM_RETRY_BASE_MS',
  retryMaxMs: 'LLM_RETRY_MAX_MS',
  callBudgetMs: 'LLM_CALL_BUDGET_MS',
  circuitOpenSeconds: 'LLM_CIRCUIT_OPEN_SECONDS',
  maxPromptTokens: 'LLM_MAX_PROMPT_TOKENS',
  jobTokenBudget: 'LLM_JOB_TOKEN_BUDGET',
  maxAnswerTokens: 'LLM_MAX_ANSWER_TOKENS',
  keyCacheSeconds: 'OPENAI_KEY_CACHE_SECONDS',
} as const satisfies Record<string, LlmVariable>;
export type LlmSetting = keyof typeof LLM_SETTING_VARIABLES;

/** The value of one setting: what the handlers' schema parses its variable to. */
export type LlmSettingValue<K extends LlmSetting> = NonNullable<LlmConfig[(typeof LLM_SETTING_VARIABLES)[K]]>;

export type LlmSettings = {
  readonly [K in LlmSetting]?: LlmSettingValue<K>;
} & {
  /**
   * The name of an existing Secrets Manager secret holding the raw key (one secret shared by several stages,
   * or one the provider's team manages). Unset: the stack's own `OpenAiApiKey` secret. Functions may read
   * only the secret in use.
   */
  readonly apiKeySecretName?: string;
};

export interface NatGatewayEgress {
  readonly kind: 'nat-gateway';
  readonly count: number;
}

export interface NatInstanceEgress {
  readonly kind: 'nat-instance';
  /** An EC2 type, e.g. `t4g.nano` (burstable, 32 Mbit/s baseline: enough for model calls and AWS APIs). */
  readonly instanceType: string;
}

/** PostgreSQL on an RDS instance behind an RDS Proxy: always on (prod). */
export interface InstanceDatabase {
  readonly kind: 'instance';
  /** An EC2-style class without the `db.` prefix, e.g. `t4g.medium`. */
  readonly instanceClass: string;
  readonly multiAz: boolean;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly backupRetentionDays: number;
  /** Days between automatic rotations of the master credentials; undefined turns rotation off. */
  readonly rotationDays: number | undefined;
  /** Enhanced monitoring interval in seconds (0 = off). */
  readonly monitoringIntervalSeconds: number;
  /** Alarm when `DatabaseConnections` exceeds this (about 80% of the class's max_connections). */
  readonly connectionsAlarmThreshold: number;
  /** The proxy drops a client connection idle this long (Lambda containers freeze with theirs open). */
  readonly proxyIdleClientTimeoutSeconds: number;
}

/**
 * Aurora PostgreSQL Serverless v2 with minimum capacity 0: it pauses when no connection is open for
 * `autoPauseSeconds` and resumes (about 15 s) on the next connection. Functions connect directly (a proxy
 * would keep it awake).
 */
export interface ServerlessDatabase {
  readonly kind: 'aurora-serverless';
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  /** Idle time before the instance pauses (300 s at least). */
  readonly autoPauseSeconds: number;
  readonly backupRetentionDays: number;
  /**
   * `idle_session_timeout`: the server closes a session idle this long, so connections of frozen Lambda
   * containers do not keep the database awake; functions open a fresh one after such an idle time.
   */
  readonly idleSessionTimeoutSeconds: number;
  readonly connectionsAlarmThreshold: number;
}

/**
 * Everything that differs between stages. The values live in `bin/stages.ts` (the only place that reads
 * context or the environment); constructs receive this record and never look anything up themselves.
 */
export interface StageConfig {
  /** Stage name: lower case, used in the stack name `AiOps-<name>` and in resource names. */
  readonly name: string;
  /** A durable stage keeps its data when the stack goes away and deploys code gradually (prod). */
  readonly durable: boolean;
  readonly network: {
    /** RDS wants subnets in two AZs even for a single-AZ database, so this is at least 2. */
    readonly maxAzs: number;
    /**
     * How functions in the private subnets reach the internet (the LLM provider, SQS, Secrets Manager,
     * CloudWatch): NAT gateways (one per AZ on prod), or one small NAT instance (a fifth of a gateway's price).
     * S3 is reached through a free gateway endpoint either way.
     */
    readonly egress: NatGatewayEgress | NatInstanceEgress;
  };
  readonly database: InstanceDatabase | ServerlessDatabase;
  readonly api: {
    readonly introspection: boolean;
    /** Explicit API key expiry; bin/ derives it from the deploy day so each deploy pushes it forward. */
    readonly apiKeyExpiresAt: Date;
    /** Authorizer result cache; role changes and logout take effect within it. */
    readonly authorizerCacheTtlSeconds: number;
    readonly queryDepthLimit: number;
    readonly resolverCountLimit: number;
    /** Requests per client IP per 5 minutes before WAF blocks; undefined = no WAF. */
    readonly wafRateLimitPer5Minutes: number | undefined;
    /**
     * X-Ray sampling of API requests (an X-Ray sampling rule on the AppSync API; the resolver follows the
     * API's decision, and so do the workers where `workers.tracing` is `pass-through`). `perSecond` requests each second are traced, then `rate` of the
     * rest. X-Ray's default (1 per second, then 5%) traces nearly every request of a lightly used API.
     */
    readonly traceSampling: { readonly perSecond: number; readonly rate: number };
  };
  readonly functions: {
    readonly logRetention: logs.RetentionDays;
    readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
    /** Alias + CodeDeploy canary rolled back by alarms for the resolver and worker functions. */
    readonly gradualDeployment: boolean;
  };
  readonly workers: {
    /** Upper bound of concurrent worker invocations per queue: protects the database (SQS minimum is 2). */
    readonly maxConcurrency: number;
    /**
     * `pass-through` traces a job only when the API request that enqueued it was sampled (X-Ray cost follows
     * the API's sampling rule); `active` adds Lambda's fixed 1-per-second-then-5% rule on top.
     */
    readonly tracing: 'active' | 'pass-through';
  };
  /**
   * The optional LLM (docs/llm.md): an OpenAI-compatible endpoint, a model per task, limits and timeouts, set
   * with `-c llm…` flags (docs/deploy.md). Unset values keep the handlers' defaults (api.openai.com,
   * gpt-4o-mini, each job kind's own timeouts). The key lives in the stack's OpenAI secret, or in the existing
   * secret named by `apiKeySecretName`.
   */
  readonly llm?: LlmSettings;
  /**
   * How the triage worker answers (docs/triage.md); unset values keep the classifier's defaults. Set with
   * `-c triageReviewThreshold=`, `-c triageExtraReviewThreshold=`, `-c triageCategories=` (docs/deploy.md),
   * checked against the shipped model by `stageConfig`; categories in the model's spelling.
   */
  readonly triage?: {
    /** `TRIAGE_REVIEW_THRESHOLD`: category confidence below which the answer is NEEDS_REVIEW (default 0.4). */
    readonly reviewThreshold?: number;
    /** `TRIAGE_EXTRA_REVIEW_THRESHOLD`: team confidence below which `Ticket.team` stays unset (default 0.4). */
    readonly extraReviewThreshold?: number;
    /** `TRIAGE_CATEGORIES`: the categories the worker chooses among, a subset of the model's (default: all). */
    readonly categories?: readonly string[];
  };
  /**
   * `NETWORK_REDACTION` of the resolver and workers: IP addresses and host names in logs are pseudonymised
   * (default), kept or removed (`-c networkRedaction=`).
   */
  readonly redaction?: { readonly network?: 'pseudonymise' | 'keep' | 'remove' };
  /**
   * What the application metrics of this stage are filed under in CloudWatch: the namespace and the `service`
   * dimension Powertools adds to every metric (`POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_SERVICE_NAME` of
   * every function). The alarms and dashboard read the same two values. The service names the stage, so the
   * stages of one account (each engineer's, prod) never count each other's jobs and errors.
   */
  readonly metrics: { readonly namespace: string; readonly service: string };
  /** E-mail subscribed to the alarm topic (`-c alarmEmail=`). */
  readonly alarmEmail: string | undefined;
  /** E-mail of the first admin, written into the bootstrap secret (`-c adminEmail=`). */
  readonly adminEmail: string;
}
