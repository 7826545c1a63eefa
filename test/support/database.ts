import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { inject } from 'vitest';
import { connectDatabase, type Database, type DatabaseConnection } from '../../lambdas/adapters/db/client.ts';
import { applyMigrations } from '../../lambdas/adapters/db/migrate.ts';
import * as schema from '../../lambdas/adapters/db/schema.ts';
import { users } from '../../lambdas/adapters/db/schema.ts';

export interface TestDatabase extends DatabaseConnection {
  url: string;
}

/** A fresh, migrated database on the run's embedded Postgres server. Close it in `afterAll`. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const connection = connectDatabase({ url, maxConnections: 10 });
  if (options.migrate ?? true) await applyMigrations(connection.db);
  return { ...connection, url };
}

/** The test database's pool seen through a logger: `statements` collects every statement a call sends. */
export function loggedDatabase(database: TestDatabase): { db: Database; statements: string[] } {
  const statements: string[] = [];
  const db: Database = drizzle(database.sql, {
    schema,
    logger: { logQuery: (query) => statements.push(query) },
  });
  return { db, statements };
}

/** A user to own what a test creates. */
export async function insertUser(
  database: TestDatabase,
  email: string,
): Promise<{ id: string; email: string }> {
  const [user] = await database.db.insert(users).values({ email, passwordHash: 'fake$x' }).returning();
  if (!user) throw new Error('no user');
  return user;
}
