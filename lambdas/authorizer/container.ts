/**
 * The authorizer as the container builds it: configuration object in, instrumented handler out. The
 * database and key set are reached on first use, the database within AUTHORIZER_DATABASE_WAIT_MS; a configuration error is logged at cold start and answered
 * with a denial on every call, never thrown (AppSync would turn a throw into an opaque failure).
 */
import { authSettingsFromConfig, systemClock } from '../adapters/auth-dependencies.ts';
import { createSessionRepo } from '../adapters/db/auth-repos.ts';
import type { DatabaseConnection } from '../adapters/db/client.ts';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { keyProviderFromConfig } from '../adapters/keys/from-config.ts';
import type { SessionRepo } from '../core/auth/ports.ts';
import { CONFIG_SECTIONS, type ConfigOf, configFromEnv } from '../shared/config.ts';
import { databaseUnavailable, isDatabaseUnavailable } from '../shared/dependency-errors.ts';
import { type Handler, instrument, logger } from '../shared/observability.ts';
import { type AuthorizerDeps, createAuthorizerHandler } from './authorizer.ts';

const AUTHORIZER_CONFIG = { database: CONFIG_SECTIONS.database, auth: CONFIG_SECTIONS.auth };
export type AuthorizerConfig = ConfigOf<typeof AUTHORIZER_CONFIG>;

type AuthorizerHandler = ReturnType<typeof createAuthorizerHandler>;

/**
 * How long the authorizer waits for the database (connection included) before it answers from the token
 * alone: AppSync gives an authorizer 10 seconds, and a paused database takes about 15 to resume. The
 * connection attempt goes on in the background and wakes the database for the requests that follow.
 */
export const AUTHORIZER_DATABASE_WAIT_MS = 4000;

/** Session reads that end in ServiceUnavailableError when the database cannot answer within `waitMs`. */
export function boundedSessions(
  open: () => Promise<DatabaseConnection>,
  waitMs: number,
): Pick<SessionRepo, 'getSessionWithUser'> {
  return {
    async getSessionWithUser(sessionId) {
      const read = open().then((connection) =>
        createSessionRepo(connection.db).getSessionWithUser(sessionId),
      );
      // The read may finish (or fail) after the deadline: nobody waits for it then.
      read.catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(databaseUnavailable()), waitMs);
      });
      try {
        return await Promise.race([read, deadline]);
      } catch (error: unknown) {
        throw isDatabaseUnavailable(error) ? databaseUnavailable(error) : error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function lazyDeps(config: AuthorizerConfig): () => Promise<AuthorizerDeps> {
  const keys = keyProviderFromConfig(config.auth, {
    onStale: (error) => logger.warn('JWT key set refresh failed; using the cached one', { error }),
  });
  const deps: AuthorizerDeps = {
    sessions: boundedSessions(lazyDatabase(config.database), AUTHORIZER_DATABASE_WAIT_MS),
    keys,
    clock: systemClock,
    config: authSettingsFromConfig(config.auth),
  };
  return async () => deps;
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
