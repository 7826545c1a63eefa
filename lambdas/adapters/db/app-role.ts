/**
 * The application's database role (migration 0006_app_role creates it without a login): what the functions
 * and the local runtime connect as, so that the audit log is append-only for them. Whoever runs the
 * migrations (the owner of the tables) gives it a login: the migrator on deploy, from the app's database
 * secret; the local runtime at start, with a password of its own.
 */
import type { Sql } from './client.ts';

export const APP_ROLE = 'ai_ops_app';

/** Whether the migrations could create the role (they skip it when the migrating user lacks CREATEROLE). */
export async function appRoleExists(sql: Sql): Promise<boolean> {
  const rows = await sql`select 1 from pg_roles where rolname = ${APP_ROLE}`;
  return rows.length > 0;
}

/** Gives the role a login with this password (the statement cannot take parameters, hence `format`). */
export async function setAppRoleLogin(sql: Sql, password: string): Promise<void> {
  const [row] = await sql<{ statement: string }[]>`
    select format('alter role %I with login password %L', ${APP_ROLE}::text, ${password}::text) as statement`;
  if (!row) throw new Error('Could not prepare the app role statement');
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sql.unsafe(row.statement);
      return;
    } catch (error: unknown) {
      // Two starts on one server may alter the role at the same moment ("tuple concurrently updated").
      if (attempt >= 3 || !String((error as { message?: unknown }).message).includes('concurrently'))
        throw error;
    }
  }
}

/** The same database URL with the app role's credentials. */
export function appRoleUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}
