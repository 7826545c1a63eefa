import { connectDatabase, type Database } from '../../lambdas/adapters/db/client.ts';
import { applyMigrations } from '../../lambdas/adapters/db/migrate.ts';
import { startLocalDatabase } from '../../local/local-database.ts';

/**
 * DATABASE_URL, or the embedded PostgreSQL under `dataDir`, with every migration applied (a database never
 * started before has its tables), for the duration of `use`; then closed and stopped. With `joinRunning`, the
 * server of an `ai-ops start` running on `dataDir` is used (and left running) instead of refusing the dir.
 */
export async function withMigratedDatabase<T>(
  dataDir: string,
  use: (db: Database) => Promise<T>,
  options: { joinRunning?: boolean } = {},
): Promise<T> {
  const database = await startLocalDatabase({
    dataDir,
    databaseUrl: process.env.DATABASE_URL,
    joinRunning: options.joinRunning,
  });
  // Migrations and a command's batch work are not requests: no per-statement limit (issue 13 sets one for those).
  const connection = connectDatabase({ url: database.url, statementTimeoutMs: 0 });
  try {
    await applyMigrations(connection.db);
    return await use(connection.db);
  } finally {
    await connection.close();
    await database.stop();
  }
}
