import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { connectDatabase, type DatabaseConnection } from '../../lambdas/adapters/db/client.ts';
import { applyMigrations } from '../../lambdas/adapters/db/migrate.ts';

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
