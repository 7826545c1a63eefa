import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import { createTicket } from '../../core/jobs/kinds/triage-ticket/accept.ts';
import { isRealInstant } from '../../core/text.ts';
import { TICKET_LIMITS, validateTicketInput } from '../../core/tickets/input.ts';
import {
  correctTriage,
  getTicket,
  listTickets,
  normalisedProject,
  PRIORITIES,
  TICKET_STATUSES,
  ticketAt,
  ticketHistory,
  updateTicketStatus,
} from '../../core/use-cases/tickets.ts';
import { idArg, idempotencyKeyArg, pageArgs, toPage } from '../args.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { requireCaller, route, traceIdOf } from '../route.ts';
import { changeView, ticketView } from '../views.ts';

/** A given project is trimmed and must not be blank; the classifier's limits apply to what remains. */
const projectArg = z.string().trim().min(1, 'must not be blank (omit it instead)');

const word = z.string().regex(/^[\w .:/-]{1,64}$/, 'must be 1-64 letters, digits or . _ : / -');

/** Title, body and project under the classifier's own limits (`validateTicketInput`, one message per rule). */
const newTicketArgs = z
  .object({
    title: z.string(),
    body: z.string(),
    project: projectArg.nullish(),
    idempotencyKey: idempotencyKeyArg,
  })
  .transform(({ idempotencyKey, ...ticket }) => {
    const { title, body, project } = validateTicketInput(ticket);
    return { title, body, project: project ?? null, idempotencyKey };
  });

const filterArg = z
  .object({
    status: z.enum(TICKET_STATUSES).nullish(),
    category: word.transform((category) => category.toUpperCase()).nullish(),
    priority: z.enum(PRIORITIES).nullish(),
    label: word.transform((label) => label.toLowerCase()).nullish(),
    project: projectArg
      .max(TICKET_LIMITS.projectMaxChars, `must be at most ${TICKET_LIMITS.projectMaxChars} characters`)
      .transform((project) => normalisedProject(project))
      .nullish(),
  })
  .nullish()
  .transform((filter) => filter ?? {});

const versionArg = z.number().int().min(1, 'must be a positive integer (the version you read)');

const correctionArgs = z.object({
  id: idArg,
  category: z.string(),
  priority: z
    .enum(PRIORITIES)
    .nullish()
    .transform((priority) => priority ?? null),
  labels: z
    .array(word.transform((label) => label.toLowerCase()))
    .max(20, 'must be a list of at most 20 labels')
    .nullish()
    .transform((labels) => labels ?? null),
  expectedVersion: versionArg,
});

const instantArg = z
  .string()
  .refine(isRealInstant, 'must be an ISO 8601 date-time of a real calendar day, e.g. 2026-03-01T10:00:00Z')
  .transform((at) => new Date(at));

export function registerTicketRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  app.onMutation(
    'triageTicket',
    route(newTicketArgs, async (args, event) =>
      ticketView(
        await createTicket((await deps()).tickets, requireCaller(event), {
          ...args,
          traceId: traceIdOf(event),
        }),
      ),
    ),
  );
  app.onQuery(
    'ticket',
    route(z.object({ id: idArg }), async ({ id }, event) =>
      ticketView(await getTicket((await deps()).tickets, { caller: requireCaller(event), id })),
    ),
  );
  app.onQuery(
    'tickets',
    route(z.object({ filter: filterArg, ...pageArgs }), async (args, event) => {
      const page = await listTickets((await deps()).tickets, {
        caller: requireCaller(event),
        filter: args.filter,
        page: toPage(args),
      });
      return { items: page.items.map(ticketView), nextToken: page.nextToken };
    }),
  );
  app.onMutation(
    'updateTicketStatus',
    route(
      z.object({ id: idArg, status: z.enum(TICKET_STATUSES), expectedVersion: versionArg }),
      async (args, event) =>
        ticketView(
          await updateTicketStatus((await deps()).tickets, { caller: requireCaller(event), ...args }),
        ),
    ),
  );
  app.onMutation(
    'correctTriage',
    route(correctionArgs, async (args, event) =>
      ticketView(await correctTriage((await deps()).tickets, { caller: requireCaller(event), ...args })),
    ),
  );
  app.onQuery(
    'ticketHistory',
    route(z.object({ id: idArg }), async ({ id }, event) =>
      (await ticketHistory((await deps()).tickets, { caller: requireCaller(event), id })).map(changeView),
    ),
  );
  app.onQuery(
    'ticketAt',
    route(z.object({ id: idArg, at: instantArg }), async ({ id, at }, event) =>
      ticketView(await ticketAt((await deps()).tickets, { caller: requireCaller(event), id, at })),
    ),
  );
}
