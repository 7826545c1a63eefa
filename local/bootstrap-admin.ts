import { createAuthDependencies } from '../lambdas/adapters/auth-dependencies.ts';
import { openDatabase } from '../lambdas/adapters/db/connection-from-config.ts';
import type { AuthorizerConfig } from '../lambdas/authorizer/container.ts';
import { bootstrapAdmin } from '../lambdas/core/auth/service.ts';

/** Creates the first admin with the same use case the AWS bootstrap secret goes through. */
export async function bootstrapLocalAdmin(
  config: AuthorizerConfig,
  credentials: { email: string; password: string },
): Promise<void> {
  const connection = await openDatabase(config.database);
  try {
    await bootstrapAdmin(createAuthDependencies({ db: connection.db, config: config.auth }), credentials);
  } finally {
    await connection.close();
  }
}
