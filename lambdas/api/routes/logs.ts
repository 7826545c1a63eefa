import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { getLogEntry, listLogEntries, submitLog } from '../../core/use-cases/log-entries.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { limitArg, nextTokenArg, requireCaller, route } from '../route.ts';
import { logEntryView, logSummaryView } from '../views.ts';

export function registerLogRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  app.onMutation(
    'summarizeLog',
    route(
      z.object({ raw: z.string(), format: z.string().nullish(), idempotencyKey: z.string().nullish() }),
      async ({ raw, format, idempotencyKey }, event) => {
        const caller = requireCaller(event);
        const entry = await submitLog((await deps()).logs, {
          caller,
          raw,
          format,
          idempotencyKey,
          traceId: event.request.headers['x-amzn-trace-id'] ?? null,
        });
        return logEntryView(entry, caller);
      },
    ),
  );
  app.onQuery(
    'logEntry',
    route(z.object({ id: z.string() }), async ({ id }, event) => {
      const caller = requireCaller(event);
      return logEntryView(await getLogEntry((await deps()).logs, { caller, id }), caller);
    }),
  );
  app.onQuery(
    'logEntries',
    route(
      z.object({ limit: limitArg, nextToken: nextTokenArg, status: z.string().nullish() }),
      async (args, event) => {
        const caller = requireCaller(event);
        const page = await listLogEntries((await deps()).logs, { caller, ...args });
        return { items: page.items.map((entry) => logEntryView(entry, caller)), nextToken: page.nextToken };
      },
    ),
  );
  app.onQuery(
    'logSummary',
    route(z.object({ id: z.string() }), async ({ id }, event) => {
      const caller = requireCaller(event);
      return logSummaryView(await getLogEntry((await deps()).logs, { caller, id }));
    }),
  );
}
