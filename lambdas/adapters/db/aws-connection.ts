/**
 * The database connection of a deployed function: credentials from the RDS-generated secret, host from the
 * RDS Proxy endpoint. Authentication is by password (the proxy checks it against the same secret), not IAM:
 * IAM auth needs `@aws-sdk/rds-signer`, which the project does not depend on.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import postgres from 'postgres';
import { z } from 'zod';
import { CONNECTION_LIMITS, type DatabaseConnection, reconnectBackoff, sessionSettings } from './client.ts';
import { guardConnection } from './guard.ts';

/** The fields of the JSON secret that RDS generates (`host` is the instance; functions use the proxy). */
const rdsSecretSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  port: z.coerce.number().int().positive().default(5432),
});
type RdsSecret = z.infer<typeof rdsSecretSchema>;

export interface ProxyConnectionOptions {
  secretArn: string;
  proxyEndpoint: string;
  databaseName: string;
  /** One request at a time per Lambda container: one connection. */
  maxConnections?: number;
  statementTimeoutMs?: number;
  /**
   * How long a fetched secret is reused. The password is read again for every new connection, so after a
   * rotation a container picks up the new password within this many seconds.
   */
  secretMaxAgeSeconds?: number;
}

export const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;

/**
 * postgres.js settings fit for Lambda behind RDS Proxy. `prepare: false` because the proxy pins a client
 * to one database connection once it prepares a statement, which defeats the pooling. TLS with full
 * verification: the proxy's certificate is issued by ACM and chains to Amazon roots that Node trusts.
 */
export const LAMBDA_CONNECTION_SETTINGS = {
  connect_timeout: CONNECTION_LIMITS.connectTimeoutSeconds,
  idle_timeout: 60,
  max_lifetime: 15 * 60,
  prepare: false,
  ssl: 'verify-full',
} as const;

export class DatabaseSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseSecretError';
  }
}

async function readDatabaseSecret(secretArn: string, maxAge: number): Promise<RdsSecret> {
  const value = await getSecret(secretArn, { maxAge, transform: 'json' });
  const result = rdsSecretSchema.safeParse(value);
  if (!result.success) {
    // Name the missing fields only: the secret's values must never reach a log line.
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new DatabaseSecretError(`Database secret ${secretArn} is missing or invalid: ${fields.join(', ')}`);
  }
  return result.data;
}

export async function connectThroughProxy(options: ProxyConnectionOptions): Promise<DatabaseConnection> {
  const maxAge = options.secretMaxAgeSeconds ?? DEFAULT_SECRET_MAX_AGE_SECONDS;
  const initial = await readDatabaseSecret(options.secretArn, maxAge);
  const settings = {
    host: options.proxyEndpoint,
    port: initial.port,
    database: options.databaseName,
    username: initial.username,
    password: async () => (await readDatabaseSecret(options.secretArn, maxAge)).password,
    ...LAMBDA_CONNECTION_SETTINGS,
    backoff: reconnectBackoff,
    // Postgres notices (e.g. "relation already exists, skipping") are not errors: keep them out of logs.
    onnotice: () => {},
    connection: sessionSettings(options.statementTimeoutMs),
  };
  const pool = postgres({ ...settings, max: options.maxConnections ?? 1 });
  return guardConnection(pool, { probeClient: () => postgres({ ...settings, max: 1 }) });
}
