/**
 * The GraphQL resolver: AppSync (or the local endpoint) invokes it with a direct Lambda resolver event;
 * Powertools' AppSync resolver routes it by `Type.field` to a use case. Errors come back as the error envelope.
 */
import { AppSyncGraphQLResolver } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Context } from 'aws-lambda';
import { toErrorEnvelope } from '../shared/appsync-errors.ts';
import { type Handler, instrument, logger } from '../shared/observability.ts';
import { requestBudgetMs, withDeadline } from '../shared/request-deadline.ts';
import { apiDependencyFactory, type ResolverConfig, type ResolverHost } from './dependencies.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerChangelogRoutes } from './routes/changelogs.ts';
import { registerFlagRoutes } from './routes/flags.ts';
import { registerLogRoutes } from './routes/logs.ts';
import { registerOperationsRoutes } from './routes/operations.ts';
import { registerTicketRoutes } from './routes/tickets.ts';
import { confirmSession } from './session-check.ts';

/** The AppSync request id, which AppSync sends as a request header. */
function requestIdOf(event: unknown): string | undefined {
  return (event as { request?: { headers?: Record<string, string> } }).request?.headers?.['x-amzn-requestid'];
}

/** AppSync gives a resolver 30 s; answer before that, with time to spare for the response. */
export const REQUEST_DEADLINE_MS = 25_000;

export function createResolver(config: ResolverConfig, host: ResolverHost = {}): Handler<unknown, unknown> {
  const deps = apiDependencyFactory(config, host);
  const app = new AppSyncGraphQLResolver({ logger });
  registerAuthRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerLogRoutes(app, deps);
  registerChangelogRoutes(app, deps);
  registerTicketRoutes(app, deps);
  registerFlagRoutes(app, deps);
  registerOperationsRoutes(app, deps);
  const sessions = async () => {
    const { auth } = await deps();
    return { sessions: auth.sessions, clock: auth.clock };
  };
  // Every request runs under a deadline: past it the caller gets ServiceUnavailable and the database guard
  // refuses the request's remaining statements.
  const resolve = async (event: unknown, context: Context) => {
    try {
      return await withDeadline(requestBudgetMs(context, REQUEST_DEADLINE_MS), async () => {
        const confirmed = await confirmSession(event, sessions);
        return '__error' in confirmed ? confirmed : app.resolve(confirmed.event, context);
      });
    } catch (error: unknown) {
      return toErrorEnvelope(error);
    }
  };
  return instrument('resolver', resolve, {
    correlationId: (event, context) => requestIdOf(event) ?? context.awsRequestId,
  });
}
