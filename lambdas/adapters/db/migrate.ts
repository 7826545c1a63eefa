import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Database, Sql } from './client.ts';

/**
 * Where the drizzle-kit migrations live: the repository's `migrations/` folder when run from source,
 * or a `migrations/` folder copied next to the bundle when deployed.
 */
let defaultFolder: string | undefined;

export function defaultMigrationsFolder(): string {
  defaultFolder ??= findMigrationsFolder();
  return defaultFolder;
}

function findMigrationsFolder(): string {
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

const journalLengths = new Map<string, number>();

/** How many migrations a folder holds; read once per process, since readiness asks on every probe. */
function journalLength(migrationsFolder: string): number {
  let length = journalLengths.get(migrationsFolder);
  if (length === undefined) {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries?: unknown[];
    };
    length = journal.entries?.length ?? 0;
    journalLengths.set(migrationsFolder, length);
  }
  return length;
}

/** Migrations of the folder that the database has not recorded as applied (drizzle's own journal table). */
export async function pendingMigrationCount(
  sql: Sql,
  migrationsFolder = defaultMigrationsFolder(),
): Promise<number> {
  const expected = journalLength(migrationsFolder);
  const [table] = await sql<{ present: boolean }[]>`
    select to_regclass('drizzle.__drizzle_migrations') is not null as present`;
  if (!table?.present) return expected;
  const [row] = await sql<
    { applied: number }[]
  >`select count(*)::int as applied from drizzle.__drizzle_migrations`;
  return Math.max(0, expected - (row?.applied ?? 0));
}
