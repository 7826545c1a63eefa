/**
 * Configuration is read from the environment once per container and validated with zod; a bad or missing
 * value fails the cold start with a message naming the variable. Each handler picks the sections it needs.
 */
import { z } from 'zod';
import type { QueueAddresses } from '../core/jobs/ports.ts';
import { JOB_KIND_NAMES } from '../core/jobs/registry.ts';
import { NETWORK_REDACTIONS } from '../core/redaction/redact.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function parseConfig<T extends z.ZodType>(schema: T, env: Env, section: string): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid ${section} configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

export const databaseConfigSchema = z
  .object({
    /** A full connection URL (local runtime, tests, or a manual override). */
    DATABASE_URL: z.string().url().optional(),
    /** On AWS: the RDS-generated secret (username/password/host/port/dbname) … */
    DB_SECRET_ARN: z.string().min(1).optional(),
    /** … and the host the functions connect to: an RDS Proxy endpoint, or the Aurora cluster endpoint. */
    DB_HOST: z.string().min(1).optional(),
    DB_NAME: z.string().min(1).default('aiops'),
    /** Connections per container: 1 in Lambda (one request at a time); the local runtime serves many at once. */
    DB_POOL_MAX: z.coerce.number().int().min(1).max(50).default(1),
    /** `true` when DB_HOST is an RDS Proxy, which pins sessions that prepare statements. */
    DB_PROXY: flag,
    /**
     * AWS: how long a connection attempt waits. Longer than a resume (about 15 s) where the database pauses
     * and the function's timeout allows it.
     */
    DB_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
    /**
     * AWS: the server (idle_session_timeout) or the proxy closes a client connection idle this long; a
     * Lambda container frozen longer than that opens a fresh connection instead of writing to a dead one.
     */
    DB_IDLE_SESSION_SECONDS: z.coerce.number().int().min(10).optional(),
  })
  .refine((c) => c.DATABASE_URL || (c.DB_SECRET_ARN && c.DB_HOST), {
    message: 'set DATABASE_URL, or DB_SECRET_ARN together with DB_HOST',
  });
export type DatabaseConfig = z.infer<typeof databaseConfigSchema>;

export const authConfigSchema = z
  .object({
    JWT_ISSUER: z.string().min(1).default('ai-ops'),
    JWT_AUDIENCE: z.string().min(1).default('ai-ops-api'),
    /** Local: a JSON key set on disk. AWS: a Secrets Manager secret holding the same JSON. */
    JWT_KEYS_FILE: z.string().min(1).optional(),
    JWT_KEYS_SECRET_ARN: z.string().min(1).optional(),
    ACCESS_TOKEN_TTL_SECONDS: seconds(900),
    REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
    /** Upper bound of the authorizer cache; role changes and logout take effect within it. */
    AUTHORIZER_TTL_SECONDS: seconds(60),
    BCRYPT_COST: z.coerce.number().int().min(12).max(15).default(12),
  })
  .refine((c) => c.JWT_KEYS_FILE || c.JWT_KEYS_SECRET_ARN, {
    message: 'set JWT_KEYS_FILE or JWT_KEYS_SECRET_ARN',
  });
export type AuthConfig = z.infer<typeof authConfigSchema>;

export const queueConfigSchema = z.object({
  /** `sqs` on AWS; `postgres` for the local queue with SQS semantics. */
  QUEUE_DRIVER: z.enum(['sqs', 'postgres']).default('sqs'),
  /**
   * SQS only: JSON map of job kind to queue URL, e.g. {"summarize-log":"https://…"}. The local queues are
   * named by the job-kind registry.
   */
  JOB_QUEUE_URLS: z
    .string()
    .default('{}')
    .transform((text, ctx): QueueAddresses => {
      try {
        return z.partialRecord(z.enum(JOB_KIND_NAMES), z.string().min(1)).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `must be a JSON object of job kind (${JOB_KIND_NAMES.join(', ')}) to queue URL`,
        });
        return z.NEVER;
      }
    }),
});
export type QueueConfig = z.infer<typeof queueConfigSchema>;

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
/** A whole number from 1 to `max`; the message says so whatever the mistake (`abc`, `0`, `1.5`, too big). */
const positive = (fallback: number, max: number) => {
  const error = `must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error }).int({ error }).positive({ error }).max(max, { error }).default(fallback);
};

/** A whole number from `min` to `max`, with one message for any mistake. */
const wholeNumber = (min: number, max: number, fallback: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback);
};

/**
 * The request parameter that carries the answer-token limit. OpenAI deprecated `max_tokens` in favour of
 * `max_completion_tokens`, and its reasoning models (o1, o3, o4-mini, gpt-5) reject `max_tokens`; many
 * OpenAI-compatible servers (older vLLM, llama.cpp server, some proxies) only understand `max_tokens`.
 */
export const TOKEN_LIMIT_PARAMS = ['max_tokens', 'max_completion_tokens'] as const;
export type TokenLimitParam = (typeof TOKEN_LIMIT_PARAMS)[number];

const OPENAI_API_HOST = 'api.openai.com';

/** `max_completion_tokens` for OpenAI's own API (no base URL, or api.openai.com), else `max_tokens`. */
export function defaultTokenLimitParam(baseUrl: string | undefined): TokenLimitParam {
  if (baseUrl === undefined) return 'max_completion_tokens';
  return new URL(baseUrl).hostname === OPENAI_API_HOST ? 'max_completion_tokens' : 'max_tokens';
}

/**
 * Whether a model name looks like one of OpenAI's reasoning models: o1, o3, o4(-mini), the gpt-5 family
 * (a case-insensitive prefix of the name). These reject any temperature but the default and spend hidden
 * reasoning tokens out of `max_completion_tokens`. It decides the defaults of LLM_TEMPERATURE and
 * LLM_REASONING_EFFORT per request; a name it misses (a router's `openai/o4-mini`, an Azure deployment name)
 * needs the two variables set explicitly.
 */
export function isReasoningModel(model: string): boolean {
  return /^(?:o1|o3|o4|gpt-5)/i.test(model.trim());
}

/** The sampling temperature sent to ordinary models when LLM_TEMPERATURE is unset. */
export const DEFAULT_TEMPERATURE = 0.2;
/** LLM_TEMPERATURE / LLM_REASONING_EFFORT value that sends no such parameter (the model's own default). */
export const OMIT = 'omit';

/**
 * The `reasoning_effort` values of the openai package (v6, `Shared.ReasoningEffort`), plus `omit`. Not every
 * model takes every value (per the package's docs): models before gpt-5.1 do not take `none`, `xhigh` is
 * for models after gpt-5.1-codex-max, and gpt-5-pro takes only `high`.
 */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', OMIT] as const;
export type ReasoningEffortSetting = (typeof REASONING_EFFORTS)[number];
/** Sent to reasoning models when LLM_REASONING_EFFORT is unset: leaves the answer most of the token limit. */
export const DEFAULT_REASONING_EFFORT = 'low';

const TEMPERATURE_TEXT = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** The temperature a request to `model` carries (undefined: none): the setting, else the model default. */
export function temperatureFor(setting: number | typeof OMIT | undefined, model: string): number | undefined {
  if (setting === OMIT) return undefined;
  if (setting !== undefined) return setting;
  return isReasoningModel(model) ? undefined : DEFAULT_TEMPERATURE;
}

/**
 * The reasoning effort a request to `model` carries (undefined: none): the setting, else
 * DEFAULT_REASONING_EFFORT for a reasoning model and none for any other.
 */
export function reasoningEffortFor(
  setting: ReasoningEffortSetting | undefined,
  model: string,
): Exclude<ReasoningEffortSetting, typeof OMIT> | undefined {
  if (setting === OMIT) return undefined;
  if (setting !== undefined) return setting;
  return isReasoningModel(model) ? DEFAULT_REASONING_EFFORT : undefined;
}

/**
 * The optional LLM (DESIGN §6). With no key (OPENAI_API_KEY unset, or the secret holding "not-set"), every
 * task uses the local algorithms. Timeouts and retries are sized for a Lambda, not the SDK's defaults.
 */
const llmEnvSchema = z.object({
  /** Any OpenAI-compatible endpoint; unset means api.openai.com. */
  OPENAI_BASE_URL: optionalText.pipe(z.string().url().optional()),
  /** Local runs and tests; on AWS the key comes from the secret below. */
  OPENAI_API_KEY: optionalText,
  OPENAI_API_KEY_SECRET_ARN: optionalText,
  AI_SUMMARY_MODEL: z.string().min(1).default('gpt-4o-mini'),
  AI_TRIAGE_MODEL: z.string().min(1).default('gpt-4o-mini'),
  AI_CHANGELOG_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Parameter carrying the answer-token limit; unset: chosen from the base URL (defaultTokenLimitParam). */
  LLM_TOKEN_LIMIT_PARAM: optionalText.pipe(
    z.enum(TOKEN_LIMIT_PARAMS, { error: `must be one of ${TOKEN_LIMIT_PARAMS.join(', ')}` }).optional(),
  ),
  /**
   * Sampling temperature, 0–2, or `omit` to send none; unset: none for reasoning models (isReasoningModel),
   * else DEFAULT_TEMPERATURE. An explicit value goes to every task's model.
   */
  LLM_TEMPERATURE: optionalText.transform((text, ctx): number | typeof OMIT | undefined => {
    if (text === undefined || text === OMIT) return text;
    const value = TEMPERATURE_TEXT.test(text) ? Number(text) : Number.NaN;
    if (value >= 0 && value <= 2) return value;
    ctx.addIssue({ code: 'custom', message: `must be a number from 0 to 2, or ${OMIT}` });
    return z.NEVER;
  }),
  /**
   * `reasoning_effort`, or `omit` to send none; unset: DEFAULT_REASONING_EFFORT for reasoning models
   * (isReasoningModel), none for others. An explicit value goes to every task's model.
   */
  LLM_REASONING_EFFORT: optionalText.pipe(
    z.enum(REASONING_EFFORTS, { error: `must be one of ${REASONING_EFFORTS.join(', ')}` }).optional(),
  ),
  /** One HTTP attempt. */
  LLM_TIMEOUT_MS: positive(20_000, 600_000),
  /** Attempts per call, the first included (our retries; the SDK's are off). */
  LLM_MAX_ATTEMPTS: positive(3, 10),
  LLM_RETRY_BASE_MS: positive(500, 60_000),
  LLM_RETRY_MAX_MS: positive(8_000, 43_200),
  /** All attempts and waits of one call; keep it under the function's timeout. */
  LLM_CALL_BUDGET_MS: positive(45_000, 900_000),
  /**
   * After a call fails for good (provider down), further calls in this container fail at once for this long,
   * so a batch falls back to local results quickly instead of waiting out every timeout. 0 turns it off.
   */
  LLM_CIRCUIT_OPEN_SECONDS: wholeNumber(0, 3600, 30),
  /** Prompt tokens of one call before a log digest is summarized in chunks. */
  LLM_MAX_PROMPT_TOKENS: positive(12_000, 1_000_000),
  /** Prompt and answer tokens all calls of one job may spend. */
  LLM_JOB_TOKEN_BUDGET: positive(24_000, 2_000_000),
  /**
   * The answer-token limit of one call. Reasoning models spend their hidden reasoning tokens out of it too,
   * so raise it for them (docs/llm.md).
   */
  LLM_MAX_ANSWER_TOKENS: positive(900, 100_000),
  /** How long feature flags are cached per container. */
  FLAG_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Seconds the Secrets Manager key is cached (a rotated key is picked up within it). */
  OPENAI_KEY_CACHE_SECONDS: wholeNumber(0, 86_400, 300),
});
/** The LLM variables, with the token-limit parameter resolved: the provider sends exactly this one. */
export const llmConfigSchema = llmEnvSchema.transform((config) => ({
  ...config,
  LLM_TOKEN_LIMIT_PARAM: config.LLM_TOKEN_LIMIT_PARAM ?? defaultTokenLimitParam(config.OPENAI_BASE_URL),
}));
export type LlmConfig = z.infer<typeof llmConfigSchema>;
/** The name of an LLM variable (`LLM_TIMEOUT_MS`): what a deploy flag maps to (bin/stages.ts). */
export type LlmVariable = keyof z.input<typeof llmEnvSchema>;

/** A review threshold from 0 to 1 (0 never abstains); unset: the classifier's default. */
const optionalThreshold = optionalText.transform((text, ctx): number | undefined => {
  const value = text === undefined ? undefined : Number(text);
  if (value === undefined || (value >= 0 && value <= 1)) return value;
  ctx.addIssue({ code: 'custom', message: 'must be a number from 0 to 1' });
  return z.NEVER;
});

/** A comma-separated list of names, trimmed, empty names dropped. */
const namesOf = (text: string): string[] =>
  text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

/** The ticket classifier the triage worker uses, and how the worker answers (docs/triage.md). */
export const ticketTriageConfigSchema = z.object({
  /** A model retrained with `ai-ops tickets train`; unset: the shipped one. */
  TICKET_MODEL_PATH: optionalText,
  /**
   * Category confidence below which the worker answers NEEDS_REVIEW instead of guessing; 0 never abstains.
   * Unset: the classifier's default (DEFAULT_REVIEW_THRESHOLD in core/tickets/classifier.ts).
   */
  TRIAGE_REVIEW_THRESHOLD: optionalThreshold,
  /**
   * Confidence of an extra output (the team of a model trained with `--label-column team`) below which the
   * worker leaves `Ticket.team` unset for a person to route; 0 always fills it. Unset: the same default as
   * the category's.
   */
  TRIAGE_EXTRA_REVIEW_THRESHOLD: optionalThreshold,
  /** Comma-separated: the categories the worker chooses among, a subset of the model's; unset: all of them. */
  TRIAGE_CATEGORIES: optionalText.transform((text) => (text === undefined ? undefined : namesOf(text))),
});
export type TicketTriageConfig = z.infer<typeof ticketTriageConfigSchema>;

/**
 * The resolver's view of triage: the categories the triage worker answers (canonical names), which a
 * person's correction must be one of. The stack and the local runtime set it from the ticket model and
 * TRIAGE_CATEGORIES, so the resolver never loads the model.
 */
export const ticketCorrectionConfigSchema = z.object({
  TICKET_CATEGORIES: z
    .string()
    .transform(namesOf)
    .pipe(z.array(z.string()).min(1, 'must name at least one category')),
});
export type TicketCorrectionConfig = z.infer<typeof ticketCorrectionConfigSchema>;

/**
 * How logs and tickets treat IP addresses and host names (DESIGN §6): pseudonymise (default: `<IP#1>`, `<HOST#1>`,
 * consistent within an entry), keep, or remove. Read by the resolver (redaction when a log is accepted) and
 * the workers (the summary's header host fields), so both treat them alike.
 */
export const redactionConfigSchema = z.object({
  NETWORK_REDACTION: z
    .enum(NETWORK_REDACTIONS, { message: `must be one of ${NETWORK_REDACTIONS.join(', ')}` })
    .default('pseudonymise'),
});
export type RedactionConfig = z.infer<typeof redactionConfigSchema>;

/**
 * Where uploaded logs go (createLogUpload): on AWS the uploads bucket; locally a directory under the data dir
 * and the key that signs the local endpoint's upload URLs. Neither set: uploads are off (a clear error).
 */
export const uploadConfigSchema = z.object({
  UPLOAD_BUCKET: z.string().min(3).optional(),
  UPLOAD_DIR: z.string().min(1).optional(),
  UPLOAD_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
});
export type UploadConfig = z.infer<typeof uploadConfigSchema>;

/**
 * A function's configuration object as sections, each read from the environment by its schema and named in
 * errors by its label. `configFromEnv` is what every AWS handler module calls once.
 */
export type ConfigSections = Record<string, { readonly schema: z.ZodType; readonly label: string }>;
export type ConfigOf<S extends ConfigSections> = { [K in keyof S]: z.infer<S[K]['schema']> };

export function configFromEnv<S extends ConfigSections>(sections: S, env: Env): ConfigOf<S> {
  return Object.fromEntries(
    Object.entries(sections).map(([name, { schema, label }]) => [name, parseConfig(schema, env, label)]),
  ) as ConfigOf<S>;
}

/** The sections functions share; a function picks the ones it needs. */
export const CONFIG_SECTIONS = {
  database: { schema: databaseConfigSchema, label: 'database' },
  auth: { schema: authConfigSchema, label: 'auth' },
  queue: { schema: queueConfigSchema, label: 'queue' },
  llm: { schema: llmConfigSchema, label: 'LLM' },
  triage: { schema: ticketTriageConfigSchema, label: 'ticket triage' },
  correction: { schema: ticketCorrectionConfigSchema, label: 'ticket correction' },
  redaction: { schema: redactionConfigSchema, label: 'redaction' },
  uploads: { schema: uploadConfigSchema, label: 'uploads' },
} as const;
