import type { aws_logs as logs } from 'aws-cdk-lib';
// The LLM settings' allowed values come from the handlers' own config schema (types only, nothing runs).
import type { OMIT, ReasoningEffortSetting, TokenLimitParam } from '../lambdas/shared/config.ts';

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
    /** RDS wants subnets in two AZs even for a single-AZ instance, so this is at least 2. */
    readonly maxAzs: number;
    /** Lambdas reach SQS, Secrets Manager and the LLM endpoint through NAT: one is enough off prod. */
    readonly natGateways: number;
  };
  readonly database: {
    /** An EC2-style class without the `db.` prefix, e.g. `t4g.micro`. */
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
  };
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
  };
  /**
   * The optional LLM (docs/llm.md): an OpenAI-compatible endpoint and a model per task. Unset values use the
   * defaults (api.openai.com, gpt-4o-mini). The key lives in the OpenAI secret either way.
   */
  readonly llm?: {
    readonly baseUrl?: string;
    readonly summaryModel?: string;
    readonly triageModel?: string;
    readonly changelogModel?: string;
    /**
     * The request parameter carrying the answer-token limit (`LLM_TOKEN_LIMIT_PARAM`). Unset: the handlers
     * pick `max_completion_tokens` for api.openai.com and `max_tokens` for any other base URL.
     */
    readonly tokenLimitParam?: TokenLimitParam;
    /**
     * The sampling temperature (`LLM_TEMPERATURE`), 0–2, or `omit` to send none. Unset: the handlers send
     * none to OpenAI reasoning models (o1, o3, o4, gpt-5…) and 0.2 to other models.
     */
    readonly temperature?: number | typeof OMIT;
    /**
     * `reasoning_effort` (`LLM_REASONING_EFFORT`), or `omit` to send none. Unset: the handlers send `low` to
     * OpenAI reasoning models and nothing to other models.
     */
    readonly reasoningEffort?: ReasoningEffortSetting;
    /**
     * Answer tokens per call, reasoning included (`LLM_MAX_ANSWER_TOKENS`, default 900), and prompt plus
     * answer tokens per job (`LLM_JOB_TOKEN_BUDGET`, default 24000). Raise both for reasoning models.
     */
    readonly maxAnswerTokens?: number;
    readonly jobTokenBudget?: number;
  };
  /** How the triage worker answers (docs/triage.md); unset values keep the classifier's defaults. */
  readonly triage?: {
    /** `TRIAGE_REVIEW_THRESHOLD`: category confidence below which the answer is NEEDS_REVIEW (default 0.5). */
    readonly reviewThreshold?: number;
    /** `TRIAGE_CATEGORIES`: the categories the worker chooses among, a subset of the model's (default: all). */
    readonly categories?: readonly string[];
  };
  /**
   * `NETWORK_REDACTION` of the resolver and workers: IP addresses and host names in logs are pseudonymised
   * (default), kept or removed (`-c networkRedaction=`).
   */
  readonly redaction?: { readonly network?: 'pseudonymise' | 'keep' | 'remove' };
  /** E-mail subscribed to the alarm topic (`-c alarmEmail=`). */
  readonly alarmEmail: string | undefined;
  /** E-mail of the first admin, written into the bootstrap secret (`-c adminEmail=`). */
  readonly adminEmail: string;
}
