import { ConfigError, type DatabaseConfig } from '../../shared/config.ts';
import { connectWithSecret } from './aws-connection.ts';
import { connectDatabase, type DatabaseConnection } from './client.ts';

export interface OpenDatabaseOptions {
  /** Lambda handles one request at a time per container, hence one connection by default (DB_POOL_MAX). */
  maxConnections?: number;
  /** Server-side statement limit; 0 turns it off (migrations). Default CONNECTION_LIMITS.statementTimeoutMs. */
  statementTimeoutMs?: number;
}

/**
 * Opens the database described by the configuration: DATABASE_URL locally, or on AWS DB_HOST (a proxy or
 * the cluster) with the credentials from Secrets Manager (async, hence the promise).
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
      prepare: !config.DB_PROXY,
      ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
    });
  }
  if (config.DB_SECRET_ARN && config.DB_HOST) {
    return connectWithSecret({
      secretArn: config.DB_SECRET_ARN,
      host: config.DB_HOST,
      databaseName: config.DB_NAME,
      viaProxy: config.DB_PROXY,
      connectTimeoutSeconds: config.DB_CONNECT_TIMEOUT_SECONDS,
      maxConnections: options.maxConnections ?? config.DB_POOL_MAX,
      ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
    });
  }
  throw new ConfigError('set DATABASE_URL, or DB_SECRET_ARN together with DB_HOST');
}

/** Seconds before the server's idle limit at which a connection is no longer trusted. */
const IDLE_MARGIN_SECONDS = 10;

/**
 * One connection per container, opened on first use rather than at import, so a cold start that only fails
 * to reach the database can succeed on the next invocation. Call it at the start of every invocation: after
 * a pause longer than the server's idle limit (DB_IDLE_SESSION_SECONDS, less a margin) the connection is
 * closed and a fresh one opened. A frozen Lambda container cannot notice that the server or the proxy
 * ended its session, and the first query would be written to a dead socket. Callers rebuild whatever they
 * built on the connection when they get a different one.
 */
export function lazyDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions & { now?: () => number } = {},
): () => Promise<DatabaseConnection> {
  const now = options.now ?? Date.now;
  const idleLimitMs =
    config.DB_IDLE_SESSION_SECONDS === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(1, config.DB_IDLE_SESSION_SECONDS - IDLE_MARGIN_SECONDS) * 1000;
  let opening: Promise<DatabaseConnection> | undefined;
  let lastUse = now();
  return () => {
    const at = now();
    if (opening && at - lastUse > idleLimitMs) {
      const stale = opening;
      opening = undefined;
      stale.then((connection) => connection.close()).catch(() => {});
    }
    lastUse = at;
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
