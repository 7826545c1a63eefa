import { createAuthDependencies } from '../lambdas/adapters/auth-dependencies.ts';
import { openDatabase } from '../lambdas/adapters/db/connection-from-config.ts';
import { bootstrapAdmin } from '../lambdas/core/auth/service.ts';
import { authConfigSchema, databaseConfigSchema, parseConfig } from '../lambdas/shared/config.ts';

/** Creates the first admin with the same use case the AWS bootstrap secret goes through. */
export async function bootstrapLocalAdmin(credentials: { email: string; password: string }): Promise<void> {
  const connection = await openDatabase(parseConfig(databaseConfigSchema, process.env, 'database'));
  try {
    const deps = createAuthDependencies({
      db: connection.db,
      config: parseConfig(authConfigSchema, process.env, 'auth'),
    });
    await bootstrapAdmin(deps, credentials);
  } finally {
    await connection.close();
  }
}
