import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../lambdas/adapters/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('migrations', () => {
  let database: TestDatabase | undefined;
  afterAll(async () => database?.close());

  it('apply to an empty database and re-run as a no-op', async () => {
    database = await createTestDatabase({ migrate: false });
    await applyMigrations(database.db);
    const tables = await database.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'users',
        'sessions',
        'refresh_tokens',
        'jobs',
        'queue_messages',
        'change_events',
      ]),
    );
    const [before] = await database.sql<
      { n: number }[]
    >`select count(*)::int as n from drizzle.__drizzle_migrations`;
    await applyMigrations(database.db);
    const [after] = await database.sql<
      { n: number }[]
    >`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(after?.n).toBe(before?.n);
    expect(before?.n).toBeGreaterThan(0);
  });
});
