import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import {
  correctTriage,
  createTicket,
  getTicket,
  listTickets,
  ticketAt,
  ticketHistory,
  updateTicketStatus,
} from '../../core/use-cases/tickets.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { limitArg, nextTokenArg, requireCaller, route } from '../route.ts';
import { changeView, ticketView } from '../views.ts';

const idArg = z.object({ id: z.string() });

export function registerTicketRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  app.onMutation(
    'triageTicket',
    route(
      z.object({
        title: z.string(),
        body: z.string(),
        project: z.string().nullish(),
        idempotencyKey: z.string().nullish(),
      }),
      async ({ title, body, project, idempotencyKey }, event) => {
        const ticket = await createTicket((await deps()).tickets, {
          caller: requireCaller(event),
          title,
          body,
          project,
          idempotencyKey,
          traceId: event.request.headers['x-amzn-trace-id'] ?? null,
        });
        return ticketView(ticket);
      },
    ),
  );
  app.onQuery(
    'ticket',
    route(idArg, async ({ id }, event) =>
      ticketView(await getTicket((await deps()).tickets, { caller: requireCaller(event), id })),
    ),
  );
  app.onQuery(
    'tickets',
    route(
      z.object({
        filter: z.record(z.string(), z.unknown()).nullish(),
        limit: limitArg,
        nextToken: nextTokenArg,
      }),
      async (args, event) => {
        const page = await listTickets((await deps()).tickets, { caller: requireCaller(event), ...args });
        return { items: page.items.map(ticketView), nextToken: page.nextToken };
      },
    ),
  );
  app.onMutation(
    'updateTicketStatus',
    route(
      z.object({ id: z.string(), status: z.string(), expectedVersion: z.number() }),
      async (args, event) =>
        ticketView(
          await updateTicketStatus((await deps()).tickets, { caller: requireCaller(event), ...args }),
        ),
    ),
  );
  app.onMutation(
    'correctTriage',
    route(
      z.object({
        id: z.string(),
        category: z.string(),
        priority: z.string().nullish(),
        labels: z.array(z.string()).nullish(),
        expectedVersion: z.number(),
      }),
      async (args, event) =>
        ticketView(await correctTriage((await deps()).tickets, { caller: requireCaller(event), ...args })),
    ),
  );
  app.onQuery(
    'ticketHistory',
    route(idArg, async ({ id }, event) =>
      (await ticketHistory((await deps()).tickets, { caller: requireCaller(event), id })).map(changeView),
    ),
  );
  app.onQuery(
    'ticketAt',
    route(z.object({ id: z.string(), at: z.string() }), async ({ id, at }, event) =>
      ticketView(await ticketAt((await deps()).tickets, { caller: requireCaller(event), id, at })),
    ),
  );
}
