import { join } from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export const LOCAL_DATABASE_NAME = 'aiops';

export interface LocalDatabase {
  url: string;
  /** True when the runtime started the embedded server (and so stops it). */
  embedded: boolean;
  stop: () => Promise<void>;
}

/** DATABASE_URL when given; otherwise the embedded PostgreSQL kept under `<dataDir>/postgres`. */
export async function startLocalDatabase(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  onLog?: (line: string) => void;
  /** What the user is told, e.g. that a server left running by an earlier run was stopped. */
  onNotice?: (line: string) => void;
}): Promise<LocalDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({
    dataDir: join(options.dataDir, 'postgres'),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.onNotice ? { onOrphan: options.onNotice } : {}),
  });
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    const existing = await admin`select 1 from pg_database where datname = ${LOCAL_DATABASE_NAME}`;
    if (existing.length === 0) await admin.unsafe(`create database ${LOCAL_DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
  return { url: server.urlFor(LOCAL_DATABASE_NAME), embedded: true, stop: server.stop };
}
