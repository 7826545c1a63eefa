/**
 * Configuration is read from the environment once per container and validated with zod; a bad or missing
 * value fails the cold start with a message naming the variable. Each handler picks the sections it needs.
 */
import { z } from 'zod';

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

export const databaseConfigSchema = z
  .object({
    /** A full connection URL (local runtime, tests, or a manual override). */
    DATABASE_URL: z.string().url().optional(),
    /** On AWS: the RDS-generated secret (username/password/host/port/dbname) … */
    DB_SECRET_ARN: z.string().min(1).optional(),
    /** … and the RDS Proxy endpoint the functions connect through. */
    DB_PROXY_ENDPOINT: z.string().min(1).optional(),
    DB_NAME: z.string().min(1).default('aiops'),
  })
  .refine((c) => c.DATABASE_URL || (c.DB_SECRET_ARN && c.DB_PROXY_ENDPOINT), {
    message: 'set DATABASE_URL, or DB_SECRET_ARN together with DB_PROXY_ENDPOINT',
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
  /** JSON map of job kind to queue URL (SQS) or queue name (postgres), e.g. {"summarize-log":"…"}. */
  JOB_QUEUE_URLS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return z.record(z.string(), z.string().min(1)).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of job kind to queue URL' });
        return z.NEVER;
      }
    }),
});
export type QueueConfig = z.infer<typeof queueConfigSchema>;

export const observabilityConfigSchema = z.object({
  STAGE: z.string().min(1).default('local'),
  POWERTOOLS_SERVICE_NAME: z.string().default('ai-ops'),
  POWERTOOLS_METRICS_NAMESPACE: z.string().default('AiOps'),
});
