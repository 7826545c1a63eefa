/**
 * The deployed AppSync Lambda authorizer. Configuration, database and key provider are set up once per
 * container; a configuration error is logged at cold start and answered with a denial on every call.
 */
import { authSettingsFromConfig, systemClock } from '../adapters/auth-dependencies.ts';
import { createSessionRepo } from '../adapters/db/auth-repos.ts';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { keyProviderFromConfig } from '../adapters/keys/from-config.ts';
import { authConfigSchema, databaseConfigSchema, parseConfig } from '../shared/config.ts';
import { logger } from '../shared/observability.ts';
import { type AuthorizerDeps, createAuthorizerHandler } from './authorizer.ts';

/** Built once per container. Configuration errors are kept and reported on every call, never thrown. */
function containerDeps(): () => Promise<AuthorizerDeps> {
  try {
    const auth = parseConfig(authConfigSchema, process.env, 'auth');
    const database = lazyDatabase(parseConfig(databaseConfigSchema, process.env, 'database'));
    const keys = keyProviderFromConfig(auth, {
      onStale: (error) => logger.warn('JWT key set refresh failed; using the cached one', { error }),
    });
    const config = authSettingsFromConfig(auth);
    let ready: AuthorizerDeps | undefined;
    return async () => {
      ready ??= { sessions: createSessionRepo((await database()).db), keys, clock: systemClock, config };
      return ready;
    };
  } catch (error: unknown) {
    logger.error('authorizer configuration is invalid', { error });
    return () => Promise.reject(error);
  }
}

export const handler = createAuthorizerHandler({ deps: containerDeps() });
