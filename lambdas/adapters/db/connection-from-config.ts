import { ConfigError, type DatabaseConfig } from '../../shared/config.ts';
import { connectThroughProxy } from './aws-connection.ts';
import { connectDatabase, type DatabaseConnection } from './client.ts';

export interface OpenDatabaseOptions {
  /** Lambda handles one request at a time per container, hence one connection by default (DB_POOL_MAX). */
  maxConnections?: number;
  /** Server-side statement limit; 0 turns it off (migrations). Default CONNECTION_LIMITS.statementTimeoutMs. */
  statementTimeoutMs?: number;
}

/**
 * Opens the database described by the configuration: DATABASE_URL locally, or on AWS the RDS Proxy with the
 * credentials from Secrets Manager (async, hence the promise).
 */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseConnection> {
  if (config.DATABASE_URL) {
    return connectDatabase({
      url: config.DATABASE_URL,
      maxConnections: options.maxConnections ?? config.DB_POOL_MAX,
      // RDS Proxy pins a session that prepares statements, which defeats the proxy.
      prepare: !config.DB_PROXY_ENDPOINT,
      ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
    });
  }
  if (config.DB_SECRET_ARN && config.DB_PROXY_ENDPOINT) {
    return connectThroughProxy({
      secretArn: config.DB_SECRET_ARN,
      proxyEndpoint: config.DB_PROXY_ENDPOINT,
      databaseName: config.DB_NAME,
      maxConnections: options.maxConnections ?? config.DB_POOL_MAX,
      ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
    });
  }
  throw new ConfigError('set DATABASE_URL, or DB_SECRET_ARN together with DB_PROXY_ENDPOINT');
}

/**
 * One connection per container, opened on first use rather than at import, so a cold start that only fails
 * to reach the database can succeed on the next invocation.
 */
export function lazyDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): () => Promise<DatabaseConnection> {
  let opening: Promise<DatabaseConnection> | undefined;
  return () => {
    if (!opening) {
      const attempt = openDatabase(config, options);
      opening = attempt;
      attempt.catch(() => {
        if (opening === attempt) opening = undefined;
      });
    }
    return opening;
  };
}
