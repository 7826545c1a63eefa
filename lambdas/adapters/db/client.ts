import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

export type Database = PostgresJsDatabase<typeof schema>;
export type Sql = postgres.Sql;

export interface DatabaseConnection {
  db: Database;
  sql: Sql;
  close: () => Promise<void>;
}

export interface ConnectOptions {
  url: string;
  /** Lambda: 1 (one request at a time per container). Local runtime: more. */
  maxConnections?: number;
  /** RDS Proxy pins sessions that use prepared statements, so deployed functions turn them off. */
  prepare?: boolean;
  ssl?: boolean | 'require';
}

export function connectDatabase(options: ConnectOptions): DatabaseConnection {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 1,
    prepare: options.prepare ?? true,
    ssl: options.ssl ?? false,
    idle_timeout: 20,
    connect_timeout: 10,
    // Postgres notices (e.g. "relation already exists, skipping") are not errors: keep them out of logs.
    onnotice: () => {},
    connection: { application_name: 'ai-ops' },
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
