import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './client.ts';

/**
 * Where the drizzle-kit migrations live: the repository's `migrations/` folder when run from source,
 * or a `migrations/` folder copied next to the bundle when deployed.
 */
export function defaultMigrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../../migrations'), join(here, 'migrations'), resolve('migrations')];
  const found = candidates.find((dir) => existsSync(join(dir, 'meta', '_journal.json')));
  if (!found) throw new Error(`No migrations folder found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Applies every migration not yet applied; a second run is a no-op. */
export async function applyMigrations(
  db: Database,
  migrationsFolder = defaultMigrationsFolder(),
): Promise<void> {
  await migrate(db, { migrationsFolder });
}
