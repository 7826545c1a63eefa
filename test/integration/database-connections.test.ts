import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyDatabase } from '../../lambdas/adapters/db/connection-from-config.ts';
import { toErrorEnvelope } from '../../lambdas/shared/appsync-errors.ts';
import { databaseConfigSchema } from '../../lambdas/shared/config.ts';
import { isDatabaseUnavailable } from '../../lambdas/shared/dependency-errors.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { until } from '../support/eventually.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await database.close();
});

const noMetrics = { addMetric: () => {} };

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('database connections of a Lambda container', () => {
  it('opens a fresh connection after an idle time the server would have ended, and closes the old one', async () => {
    let now = 1_000_000;
    const config = databaseConfigSchema.parse({ DATABASE_URL: database.url, DB_IDLE_SESSION_SECONDS: '30' });
    const open = lazyDatabase(config, { now: () => now });
    const first = await open();
    now += 15_000;
    expect(await open()).toBe(first);
    // 25 s idle: past the server's 30 s less the 10 s margin.
    now += 25_000;
    const second = await open();
    expect(second).not.toBe(first);
    expect(await second.sql`select 1 as one`).toEqual([{ one: 1 }]);
    await expect(first.sql`select 1`).rejects.toThrow();
    await second.close();
  });

  it('keeps one connection for the life of the container when no idle limit is configured', async () => {
    let now = 0;
    const open = lazyDatabase(databaseConfigSchema.parse({ DATABASE_URL: database.url }), { now: () => now });
    const first = await open();
    now += 24 * 3600 * 1000;
    expect(await open()).toBe(first);
    await first.close();
  });

  it('reads a session the server ended as "unavailable": the answer is the retryable ServiceUnavailable', async () => {
    const open = lazyDatabase(databaseConfigSchema.parse({ DATABASE_URL: database.url }));
    const connection = await open();
    const [backend] = await connection.sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    // Ended while a query runs (postgres.js quietly reconnects a connection it already saw closed).
    const running = failureOf(() => connection.db.execute('select pg_sleep(10)'));
    await until(async () => {
      const rows =
        await database.sql`select 1 from pg_stat_activity where pid = ${backend?.pid ?? 0} and state = 'active'`;
      return rows.length === 1 ? true : undefined;
    });
    await database.sql`select pg_terminate_backend(${backend?.pid ?? 0}, 5000)`;
    const error = await running;
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(toErrorEnvelope(error, noMetrics)).toMatchObject({ __error: { type: 'ServiceUnavailable' } });
    await connection.sql.end({ timeout: 0 });
  });

  it('answers ServiceUnavailable, not InternalError, when nothing listens on the database port', async () => {
    const closed = database.url.replace(/:(\d+)\//, ':1/');
    const open = lazyDatabase(databaseConfigSchema.parse({ DATABASE_URL: closed }));
    const error = await failureOf(async () => (await open()).sql`select 1`);
    expect(isDatabaseUnavailable(error)).toBe(true);
    const envelope = toErrorEnvelope(error, noMetrics);
    expect(envelope.__error.type).toBe('ServiceUnavailable');
    expect(envelope.__error.message).toMatch(/retry/i);
  });

  it('keeps a query error an InternalError, counted for the alarm', async () => {
    const open = lazyDatabase(databaseConfigSchema.parse({ DATABASE_URL: database.url }));
    const connection = await open();
    const error = await failureOf(() => connection.db.execute('select * from no_such_table'));
    expect(isDatabaseUnavailable(error)).toBe(false);
    const counted: string[] = [];
    expect(toErrorEnvelope(error, { addMetric: (name) => counted.push(name) })).toEqual({
      __error: { type: 'InternalError', message: 'Internal error' },
    });
    expect(counted).toEqual(['InternalErrors']);
    await connection.close();
  });
});
