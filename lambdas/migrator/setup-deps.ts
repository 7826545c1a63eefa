import { and, eq, isNotNull } from 'drizzle-orm';
import { createUserRepo } from '../adapters/db/auth-repos.ts';
import type { DatabaseConnection } from '../adapters/db/client.ts';
import { applyMigrations } from '../adapters/db/migrate.ts';
import { users } from '../adapters/db/schema.ts';
import { normalizeEmail } from '../core/auth/email.ts';
import { createBcryptHasher } from '../core/auth/password.ts';
import { bootstrapAdmin } from '../core/auth/service.ts';
import type { DeploySetupDeps } from './deploy-setup.ts';

export interface SetupOptions {
  bcryptCost: number;
  /** Reads the bootstrap secret; absent when the stage has none. */
  readBootstrapSecret?: () => Promise<unknown>;
  /** Overwrites the bootstrap secret (to consume it); absent: never consumed. */
  writeBootstrapSecret?: (value: string) => Promise<void>;
  migrationsFolder?: string;
}

/** The real adapters behind runDeploySetup: drizzle migrations and the auth use case on Postgres. */
export function deploySetupDeps(connection: DatabaseConnection, options: SetupOptions): DeploySetupDeps {
  const passwords = createBcryptHasher(options.bcryptCost);
  const write = options.writeBootstrapSecret;
  return {
    migrate: () => applyMigrations(connection.db, options.migrationsFolder),
    ...(options.readBootstrapSecret ? { readBootstrapSecret: options.readBootstrapSecret } : {}),
    bootstrapAdmin: (input) => bootstrapAdmin({ users: createUserRepo(connection.db), passwords }, input),
    adminHasSignedIn: async (email) => {
      const [row] = await connection.db
        .select({ id: users.id })
        .from(users)
        .where(
          and(eq(users.email, normalizeEmail(email)), eq(users.role, 'ADMIN'), isNotNull(users.lastLoginAt)),
        )
        .limit(1);
      return row !== undefined;
    },
    ...(write ? { consumeBootstrapSecret: (value) => write(JSON.stringify(value)) } : {}),
  };
}
