import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type DatabaseHealth, guardConnection } from './guard.ts';
import type * as schema from './schema.ts';

export type Database = PostgresJsDatabase<typeof schema>;
export type Sql = postgres.Sql;

export interface DatabaseConnection {
  db: Database;
  sql: Sql;
  close: () => Promise<void>;
  /** Whether the server is reachable, as the pool's guard knows it (adapters/db/guard.ts). */
  health?: DatabaseHealth;
}

export interface ConnectOptions {
  url: string;
  /** Lambda: 1 (one request at a time per container). Local runtime: more. */
  maxConnections?: number;
  /** RDS Proxy pins sessions that use prepared statements, so deployed functions turn them off. */
  prepare?: boolean;
  ssl?: boolean | 'require';
  /** Server-side limit of one statement; 0 turns it off (migrations). */
  statementTimeoutMs?: number;
}

/**
 * Bounds on every connection (docs/reliability.md). A connection attempt gives up after 3 s; a statement
 * after 15 s, a lock wait after 5 s, a transaction left idle after 30 s, all enforced by the server. A pool
 * closes a connection nobody used for 20 s.
 */
export const CONNECTION_LIMITS = {
  connectTimeoutSeconds: 3,
  idleTimeoutSeconds: 20,
  statementTimeoutMs: 15_000,
  lockTimeoutMs: 5_000,
  idleInTransactionMs: 30_000,
} as const;

/**
 * Seconds before a closed connection reconnects. postgres.js's default grows to 20 s with every failure, and
 * statements waiting for that connection wait as long, then run long after their callers gave up.
 */
export const reconnectBackoff = (): number => 0.1 + Math.random() * 0.15;

/** The session settings sent with every connection's start-up message. */
export function sessionSettings(statementTimeoutMs: number = CONNECTION_LIMITS.statementTimeoutMs) {
  return {
    application_name: 'ai-ops',
    statement_timeout: statementTimeoutMs,
    lock_timeout: CONNECTION_LIMITS.lockTimeoutMs,
    idle_in_transaction_session_timeout: CONNECTION_LIMITS.idleInTransactionMs,
  };
}

export function connectDatabase(options: ConnectOptions): DatabaseConnection & { health: DatabaseHealth } {
  const settings = {
    prepare: options.prepare ?? true,
    ssl: options.ssl ?? false,
    idle_timeout: CONNECTION_LIMITS.idleTimeoutSeconds,
    connect_timeout: CONNECTION_LIMITS.connectTimeoutSeconds,
    backoff: reconnectBackoff,
    // Postgres notices (e.g. "relation already exists, skipping") are not errors: keep them out of logs.
    onnotice: () => {},
    connection: sessionSettings(options.statementTimeoutMs),
  };
  const pool = postgres(options.url, { ...settings, max: options.maxConnections ?? 1 });
  return guardConnection(pool, { probeClient: () => postgres(options.url, { ...settings, max: 1 }) });
}
