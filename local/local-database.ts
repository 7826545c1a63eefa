import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import postgres from 'postgres';
import { APP_ROLE, appRoleExists, appRoleUrl, setAppRoleLogin } from '../lambdas/adapters/db/app-role.ts';
import type { Sql } from '../lambdas/adapters/db/client.ts';
import { runningServer, startEmbeddedPostgres } from './embedded-postgres.ts';
import { ensureDataDir } from './local-files.ts';

export const LOCAL_DATABASE_NAME = 'aiops';

export interface LocalDatabase {
  url: string;
  /** True when the runtime started the embedded server (and so stops it). */
  embedded: boolean;
  /** Shutdown has begun: the embedded server exiting from now on (Ctrl-C reaches it too) is expected. */
  beginStop: () => void;
  stop: () => Promise<void>;
}

/** DATABASE_URL when given; otherwise the embedded PostgreSQL kept under `<dataDir>/postgres`. */
export async function startLocalDatabase(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  onLog?: (line: string) => void;
  /** What the user is told, e.g. that a server left running by an earlier run was stopped. */
  onNotice?: (line: string) => void;
  /**
   * Use the server a running `ai-ops start` keeps on this data dir instead of refusing it (for commands that
   * only read, such as `tickets export-corrections`).
   */
  joinRunning?: boolean | undefined;
}): Promise<LocalDatabase> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, beginStop: () => {}, stop: async () => {} };
  }
  ensureDataDir(options.dataDir);
  const running = options.joinRunning ? runningServer(join(options.dataDir, 'postgres')) : undefined;
  if (running !== undefined) {
    return { url: running(LOCAL_DATABASE_NAME), embedded: false, beginStop: () => {}, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dataDir: join(options.dataDir, 'postgres'),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.onNotice ? { onOrphan: options.onNotice, onRestart: options.onNotice } : {}),
  });
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    const existing = await admin`select 1 from pg_database where datname = ${LOCAL_DATABASE_NAME}`;
    if (existing.length === 0) await admin.unsafe(`create database ${LOCAL_DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
  return {
    url: server.urlFor(LOCAL_DATABASE_NAME),
    embedded: true,
    beginStop: server.beginStop,
    stop: server.stop,
  };
}

/**
 * The URL the handlers connect with: the application's role (lambdas/adapters/db/app-role.ts), given a login
 * here if it has none or its password differs. The password is derived from the owner's, so every start
 * against one server agrees on it without a file, and it is as secret as the owner's own. When the
 * migrations could not create the role (a DATABASE_URL user without CREATEROLE), the owner's URL, with a
 * warning: the audit log then stays append-only through its trigger alone.
 */
export async function appDatabaseUrl(
  owner: { sql: Sql; url: string },
  warn: (message: string) => void,
): Promise<string> {
  if (!(await appRoleExists(owner.sql))) {
    warn(
      `The database role ${APP_ROLE} does not exist (the migrating user lacks CREATEROLE); connecting as the owner`,
    );
    return owner.url;
  }
  const ownerPassword = decodeURIComponent(new URL(owner.url).password);
  const password = createHmac('sha256', ownerPassword).update(`${APP_ROLE}:local`).digest('base64url');
  const url = appRoleUrl(owner.url, password);
  if (await canConnect(url)) return url;
  await setAppRoleLogin(owner.sql, password);
  return url;
}

async function canConnect(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}
