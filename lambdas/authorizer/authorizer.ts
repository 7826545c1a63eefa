/**
 * The AppSync Lambda authorizer as a function of its dependencies: parse the event, run the use case, log
 * and count the outcome. It never throws (AppSync would turn that into an opaque failure): every problem,
 * including a bad configuration, is a logged denial. `handler.ts` wires it to the container.
 */
import { z } from 'zod';
import {
  type AuthorizationDeps,
  type AuthorizerAnswer,
  evaluateAuthorization,
} from '../core/auth/service.ts';
import { METRICS } from '../core/metrics.ts';
import {
  emit,
  type MetricsSink,
  logger as sharedLogger,
  metrics as sharedMetrics,
} from '../shared/observability.ts';

export type AuthorizerDeps = AuthorizationDeps;

export const authorizerEventSchema = z.object({
  authorizationToken: z.string(),
  requestContext: z.object({
    apiId: z.string(),
    accountId: z.string(),
    requestId: z.string(),
    queryString: z.string(),
    operationName: z.string().nullish(),
    variables: z.record(z.string(), z.unknown()).nullish(),
  }),
  requestHeaders: z.record(z.string(), z.string().optional()).optional(),
});

export interface AuthorizerHandlerOptions {
  /** Resolves the use case's dependencies; rejects when they cannot be built (bad config, no database). */
  deps: () => Promise<AuthorizerDeps>;
  logger?: Pick<typeof sharedLogger, 'info' | 'warn' | 'error' | 'setCorrelationId'>;
  metrics?: Pick<MetricsSink, 'addMetric' | 'publishStoredMetrics'>;
}

const DENIED: AuthorizerAnswer = { isAuthorized: false };

export function createAuthorizerHandler(options: AuthorizerHandlerOptions) {
  const log = options.logger ?? sharedLogger;
  const metrics = options.metrics ?? sharedMetrics;

  async function decide(event: unknown): Promise<AuthorizerAnswer> {
    const parsed = authorizerEventSchema.safeParse(event);
    if (!parsed.success) {
      log.warn('authorizer event rejected', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
      return DENIED;
    }
    const { requestContext } = parsed.data;
    log.setCorrelationId(requestContext.requestId);
    let deps: AuthorizerDeps;
    try {
      deps = await options.deps();
    } catch (error: unknown) {
      log.error('authorizer cannot start', { error });
      return { isAuthorized: false, ttlOverride: 0 };
    }
    const decision = await evaluateAuthorization(deps, {
      authorizationToken: parsed.data.authorizationToken,
      requestContext,
    });
    const context = { operationName: requestContext.operationName ?? undefined };
    if (decision.error !== undefined) {
      log.error('authorizer failed', { ...context, error: decision.error });
    } else if (!decision.answer.isAuthorized) {
      log.info('request denied', { ...context, reason: decision.denyReason });
    }
    return decision.answer;
  }

  return async function authorize(event: unknown): Promise<AuthorizerAnswer> {
    let answer: AuthorizerAnswer = DENIED;
    try {
      answer = await decide(event);
    } catch (error: unknown) {
      try {
        log.error('authorizer failed', { error });
      } catch {
        // Logging must not turn a denial into a throw.
      }
      answer = { isAuthorized: false, ttlOverride: 0 };
    }
    try {
      emit(metrics, answer.isAuthorized ? METRICS.authorizerAllowed : METRICS.authorizerDenied, 1);
      metrics.publishStoredMetrics();
    } catch {
      // A metrics failure must not change the answer.
    }
    return answer;
  };
}
