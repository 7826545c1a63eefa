import { ConfigError, type DatabaseConfig } from '../../shared/config.ts';
import { connectDatabase, type DatabaseConnection } from './client.ts';

export interface OpenDatabaseOptions {
  /** Lambda handles one request at a time per container, hence one connection by default. */
  maxConnections?: number;
}

/**
 * Opens the database described by the configuration. Async because on AWS the credentials come from
 * Secrets Manager; for now only DATABASE_URL is supported.
 */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseConnection> {
  if (config.DATABASE_URL) {
    return connectDatabase({
      url: config.DATABASE_URL,
      maxConnections: options.maxConnections ?? 1,
      // RDS Proxy pins a session that prepares statements, which defeats the proxy.
      prepare: !config.DB_PROXY_ENDPOINT,
    });
  }
  throw new ConfigError(
    'Connecting through DB_SECRET_ARN and DB_PROXY_ENDPOINT is not available yet: set DATABASE_URL',
  );
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
