/**
 * The authorizer as the container builds it: configuration object in, instrumented handler out. The
 * database and key set are reached on first use; a configuration error is logged at cold start and answered
 * with a denial on every call, never thrown (AppSync would turn a throw into an opaque failure).
 */
import { authSettingsFromConfig, systemClock } from '../adapters/auth-dependencies.ts';
import { createSessionRepo } from '../adapters/db/auth-repos.ts';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { keyProviderFromConfig } from '../adapters/keys/from-config.ts';
import { CONFIG_SECTIONS, type ConfigOf, configFromEnv } from '../shared/config.ts';
import { type Handler, instrument, logger } from '../shared/observability.ts';
import { type AuthorizerDeps, createAuthorizerHandler } from './authorizer.ts';

const AUTHORIZER_CONFIG = { database: CONFIG_SECTIONS.database, auth: CONFIG_SECTIONS.auth };
export type AuthorizerConfig = ConfigOf<typeof AUTHORIZER_CONFIG>;

type AuthorizerHandler = ReturnType<typeof createAuthorizerHandler>;

function lazyDeps(config: AuthorizerConfig): () => Promise<AuthorizerDeps> {
  const database = lazyDatabase(config.database);
  const keys = keyProviderFromConfig(config.auth, {
    onStale: (error) => logger.warn('JWT key set refresh failed; using the cached one', { error }),
  });
  const settings = authSettingsFromConfig(config.auth);
  let ready: AuthorizerDeps | undefined;
  return async () => {
    ready ??= {
      sessions: createSessionRepo((await database()).db),
      keys,
      clock: systemClock,
      config: settings,
    };
    return ready;
  };
}

function instrumented(
  authorize: AuthorizerHandler,
): Handler<unknown, Awaited<ReturnType<AuthorizerHandler>>> {
  return instrument('authorizer', async (event) => authorize(event));
}

export function createAuthorizer(config: AuthorizerConfig) {
  return instrumented(createAuthorizerHandler({ deps: lazyDeps(config) }));
}

export function authorizerFromEnv(env: Record<string, string | undefined>) {
  try {
    return createAuthorizer(configFromEnv(AUTHORIZER_CONFIG, env));
  } catch (error: unknown) {
    logger.error('authorizer configuration is invalid', { error });
    return instrumented(createAuthorizerHandler({ deps: () => Promise.reject(error) }));
  }
}
