/**
 * Wires the auth use cases to Postgres, the key set, bcrypt and Powertools metrics. Handlers (resolver,
 * authorizer) and the local runtime call this once per container.
 */
import type { KeyProvider } from '../core/auth/keys.ts';
import { type BcryptCompute, createBcryptHasher } from '../core/auth/password.ts';
import type { AuthEvents } from '../core/auth/ports.ts';
import type { AuthDeps, AuthSettings } from '../core/auth/service.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { WarningLog } from '../core/jobs/ports.ts';
import { METRICS } from '../core/metrics.ts';
import type { AuthConfig } from '../shared/config.ts';
import { emit, type MetricsSink } from '../shared/observability.ts';
import { createAuthRepos } from './db/auth-repos.ts';
import type { Database } from './db/client.ts';
import { loginAuditEvents } from './db/login-audit.ts';
import { keyProviderFromConfig } from './keys/from-config.ts';

export function authSettingsFromConfig(config: AuthConfig): AuthSettings {
  return {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    authorizerTtlSeconds: config.AUTHORIZER_TTL_SECONDS,
  };
}

/**
 * `LoginFailures` for every refused login (wrong credentials or locked), `LoginThrottles` for those refused
 * because the account is throttled, `RefreshTokenReuse` for theft signals.
 */
export function metricsAuthEvents(metrics: Pick<MetricsSink, 'addMetric'>): AuthEvents {
  return {
    loginFailed: (reason) => {
      emit(metrics, METRICS.loginFailures, 1);
      if (reason === 'locked') emit(metrics, METRICS.loginThrottles, 1);
    },
    refreshTokenReused: () => emit(metrics, METRICS.refreshTokenReuse, 1),
  };
}

export { systemClock } from '../core/clock.ts';

export interface AuthDependencyOptions {
  db: Database;
  config: AuthConfig;
  keys?: KeyProvider;
  metrics?: Pick<MetricsSink, 'addMetric'>;
  clock?: Clock;
  /** Where a failure to write an audit record is reported (the login goes on). */
  log?: WarningLog;
  /** Where bcrypt runs: on this thread by default (Lambda), a worker-thread pool on the local server. */
  bcrypt?: BcryptCompute;
}

/** Metrics for every failed login, and the aggregated audit records of repeated failures and throttling. */
function authEvents(options: AuthDependencyOptions): AuthEvents {
  const metered = options.metrics ? metricsAuthEvents(options.metrics) : undefined;
  const audited = loginAuditEvents(options.db, options.log ?? { warn: () => {} });
  return {
    async loginFailed(reason, account) {
      await metered?.loginFailed(reason, account);
      await audited.loginFailed(reason, account);
    },
    refreshTokenReused: (sessionId) => metered?.refreshTokenReused?.(sessionId),
  };
}

export function createAuthDependencies(options: AuthDependencyOptions): AuthDeps {
  const passwords = createBcryptHasher(options.config.BCRYPT_COST, options.bcrypt);
  return {
    ...createAuthRepos(options.db),
    passwords,
    keys: options.keys ?? keyProviderFromConfig(options.config),
    clock: options.clock ?? systemClock,
    config: authSettingsFromConfig(options.config),
    events: authEvents(options),
  };
}
