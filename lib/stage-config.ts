import type { aws_logs as logs } from 'aws-cdk-lib';
// The LLM settings' allowed values come from the handlers' own config schema (types only, nothing runs).
import type { OMIT, ReasoningEffortSetting, TokenLimitParam } from '../lambdas/shared/config.ts';

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
