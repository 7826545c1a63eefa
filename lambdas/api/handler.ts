/**
 * The GraphQL resolver Lambda: AppSync (or the local endpoint) invokes it with a direct Lambda resolver event;
 * Powertools' AppSync resolver routes it by `Type.field` to a use case. Errors come back as the error envelope.
 */
import { AppSyncGraphQLResolver } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Context } from 'aws-lambda';
import { logger, metrics } from '../shared/observability.ts';
import { apiDependencyFactory } from './dependencies.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerChangelogRoutes } from './routes/changelogs.ts';
import { registerFlagRoutes } from './routes/flags.ts';
import { registerLogRoutes } from './routes/logs.ts';
import { registerTicketRoutes } from './routes/tickets.ts';

const deps = apiDependencyFactory(process.env);
const app = new AppSyncGraphQLResolver({ logger });
registerAuthRoutes(app, deps);
registerAdminRoutes(app, deps);
registerLogRoutes(app, deps);
registerChangelogRoutes(app, deps);
registerTicketRoutes(app, deps);
registerFlagRoutes(app, deps);

export const handler = async (event: unknown, context: Context): Promise<unknown> => {
  logger.addContext(context);
  const headers = (event as { request?: { headers?: Record<string, string> } }).request?.headers;
  logger.setCorrelationId(headers?.['x-amzn-requestid'] ?? context.awsRequestId);
  try {
    return await app.resolve(event, context);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
