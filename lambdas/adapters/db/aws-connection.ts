/**
 * The database connection of a deployed function: credentials from the RDS-generated secret, the host from
 * the stage (an RDS Proxy endpoint on prod, the Aurora Serverless cluster endpoint on personal stages).
 * Authentication is by password (the proxy checks it against the same secret), not IAM: IAM auth needs
 * `@aws-sdk/rds-signer`, which the project does not depend on.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import postgres from 'postgres';
import { z } from 'zod';
import { type DatabaseConnection, reconnectBackoff, sessionSettings } from './client.ts';
import { guardConnection } from './guard.ts';

/** The fields of the JSON secret that RDS generates (`host` is the instance; functions use DB_HOST). */
const rdsSecretSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  port: z.coerce.number().int().positive().default(5432),
});
type RdsSecret = z.infer<typeof rdsSecretSchema>;

export interface AwsConnectionOptions {
  secretArn: string;
  /** The proxy endpoint or the cluster endpoint. */
  host: string;
  databaseName: string;
  /** Behind RDS Proxy: no prepared statements (the proxy pins a session that prepares one). */
  viaProxy: boolean;
  /** How long a connection attempt waits: longer than a resume where the database pauses. */
  connectTimeoutSeconds?: number;
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
 * postgres.js settings fit for Lambda. TLS with full verification: the proxy's certificate is issued by ACM
 * and chains to public roots; an Aurora cluster's chains to the Amazon RDS CAs, which the stack loads with
 * NODE_EXTRA_CA_CERTS. The client closes a connection idle for `idle_timeout` while the container runs; a
 * frozen container's connection is closed by the server instead (see lazyDatabase).
 */
export const LAMBDA_CONNECTION_SETTINGS = {
  // Longer than the local CONNECTION_LIMITS: a paused personal-stage database takes about 15 s to resume.
  connect_timeout: 10,
  idle_timeout: 60,
  max_lifetime: 15 * 60,
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

export async function connectWithSecret(options: AwsConnectionOptions): Promise<DatabaseConnection> {
  const maxAge = options.secretMaxAgeSeconds ?? DEFAULT_SECRET_MAX_AGE_SECONDS;
  const initial = await readDatabaseSecret(options.secretArn, maxAge);
  const settings = {
    host: options.host,
    port: initial.port,
    database: options.databaseName,
    username: initial.username,
    password: async () => (await readDatabaseSecret(options.secretArn, maxAge)).password,
    ...LAMBDA_CONNECTION_SETTINGS,
    backoff: reconnectBackoff,
    connect_timeout: options.connectTimeoutSeconds ?? LAMBDA_CONNECTION_SETTINGS.connect_timeout,
    prepare: !options.viaProxy,
    // Postgres notices (e.g. "relation already exists, skipping") are not errors: keep them out of logs.
    onnotice: () => {},
    connection: sessionSettings(options.statementTimeoutMs),
  };
  const pool = postgres({ ...settings, max: options.maxConnections ?? 1 });
  return guardConnection(pool, { probeClient: () => postgres({ ...settings, max: 1 }) });
}
