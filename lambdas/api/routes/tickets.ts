import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { z } from 'zod';
import type { Caller } from '../../core/auth/roles.ts';
import { createTicket } from '../../core/jobs/kinds/triage-ticket/accept.ts';
import { TICKET_LIMITS, validateTicketInput } from '../../core/tickets/input.ts';
import {
  correctTriage,
  getTicket,
  type ListedTicket,
  listTickets,
  markDuplicate,
  normalisedProject,
  PRIORITIES,
  similarTicketsOfEach,
  TEXT_SEARCH_MAX_CHARS,
  TICKET_STATUSES,
  type TicketRecord,
  textSearchWords,
  ticketAt,
  ticketHistory,
  updateTicketStatus,
} from '../../core/use-cases/tickets.ts';
import { checkedBy, idArg, idempotencyKeyArg, instantArg, pageArgs, toPage } from '../args.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { assertFanOutBounded } from '../fan-out.ts';
import { type ResolverEvent, requireCaller, route, traceIdOf } from '../route.ts';
import { changeView, jsonBytes, selectedIn, type TicketView, ticketColumns, ticketView } from '../views.ts';

/** A given project is trimmed and must not be blank; the classifier's limits apply to what remains. */
const projectArg = z.string().trim().min(1, 'must not be blank (omit it instead)');

const word = z.string().regex(/^[\w .:/-]{1,64}$/, 'must be 1-64 letters, digits or . _ : / -');

/** Title, body and project under the classifier's own limits (`validateTicketInput`, one message per rule). */
const newTicketArgs = z
  .object({
    title: z.string(),
    // A title-only ticket is normal: an absent, null, empty or blank body means no body.
    body: z.string().nullish(),
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
    team: word.nullish(),
    /** Words in the title or body: all must occur (as words or word beginnings). */
    text: z
      .string()
      .max(TEXT_SEARCH_MAX_CHARS, `must be at most ${TEXT_SEARCH_MAX_CHARS} characters`)
      .superRefine(checkedBy((text: string) => textSearchWords(text)))
      .transform(textSearchWords)
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
  team: word.nullish().transform((team) => team ?? null),
  expectedVersion: versionArg,
});

const duplicateArgs = z.object({
  id: idArg,
  of: idArg,
  expectedVersion: versionArg.nullish().transform((version) => version ?? null),
});

type TicketDeps = ApiDependencies['tickets'];

/**
 * Views of tickets with `similar` filled where the query selected it (AppSync's `selectionSetList`), to any
 * depth the query asks (`similar { ticket { similar { … } } }`): nothing is computed that was not asked for.
 */
const ticketViews = (
  deps: TicketDeps,
  caller: Caller,
  records: readonly ListedTicket[],
  selection: readonly string[],
  at: string,
): Promise<TicketView[]> =>
  withSimilar(
    deps,
    caller,
    records.map((record) => ticketView(record)),
    selection,
    at,
  );

/**
 * Fills `similar` into views already built (a page's, chosen and measured without it) where the query selected
 * it at `at`.
 */
async function withSimilar(
  deps: TicketDeps,
  caller: Caller,
  views: TicketView[],
  selection: readonly string[],
  at: string,
): Promise<TicketView[]> {
  const path = at === '' ? 'similar' : `${at}/similar`;
  if (!selection.includes(path)) return views;
  // One lookup at a time (similarTicketsOfEach): a field holds at most one connection of the shared pool.
  // Only the large columns the query shows of them: unselected, they would still be in the resolver's answer.
  const columns = ticketColumns(selectedIn(selection, `${path}/ticket`));
  const similarOfEach = await similarTicketsOfEach(deps, { caller, tickets: views, columns });
  for (const [i, view] of views.entries()) {
    const similar = similarOfEach[i] ?? [];
    const nested = await ticketViews(
      deps,
      caller,
      similar.map((s) => s.ticket),
      selection,
      `${path}/ticket`,
    );
    view.similar = similar.map((s, j) => ({ score: s.score, ticket: nested[j] }));
  }
  return views;
}

/**
 * Refuses the field before any lookup when its `similar` selections ask for too many (lambdas/api/fan-out.ts;
 * locally the endpoint has already counted the whole request the same way).
 */
const assertSimilarBounded = (event: ResolverEvent): void =>
  assertFanOutBounded([
    {
      fieldName: event.info.fieldName,
      arguments: event.arguments,
      selectionSetList: event.info.selectionSetList,
    },
  ]);

/** One ticket as the query selected it. */
async function oneTicket(deps: TicketDeps, event: ResolverEvent, record: TicketRecord): Promise<TicketView> {
  assertSimilarBounded(event);
  const [view] = await ticketViews(deps, requireCaller(event), [record], event.info.selectionSetList, '');
  if (!view) throw new Error('a ticket view went missing');
  return view;
}

export function registerTicketRoutes(app: Router, deps: () => Promise<ApiDependencies>): void {
  const tickets = async () => (await deps()).tickets;
  app.onMutation(
    'triageTicket',
    route(newTicketArgs, async (args, event) => {
      const d = await tickets();
      const record = await createTicket(d, requireCaller(event), { ...args, traceId: traceIdOf(event) });
      return oneTicket(d, event, record);
    }),
  );
  app.onQuery(
    'ticket',
    route(z.object({ id: idArg }), async ({ id }, event) => {
      const d = await tickets();
      return oneTicket(d, event, await getTicket(d, { caller: requireCaller(event), id }));
    }),
  );
  app.onQuery(
    'tickets',
    route(z.object({ filter: filterArg, ...pageArgs }), async (args, event) => {
      const d = await tickets();
      const caller = requireCaller(event);
      const page = toPage(args);
      assertSimilarBounded(event);
      const columns = ticketColumns(selectedIn(event.info.selectionSetList, 'items'));
      // The page is measured as answered without `similar`, whose lookups run only for the tickets kept.
      const found = await listTickets(d, {
        caller,
        filter: args.filter,
        page,
        columns,
        view: (record) => ticketView(record),
        sizeOf: jsonBytes,
      });
      const items = await withSimilar(d, caller, found.items, event.info.selectionSetList, 'items');
      return { items, nextToken: found.nextToken };
    }),
  );
  app.onMutation(
    'updateTicketStatus',
    route(
      z.object({ id: idArg, status: z.enum(TICKET_STATUSES), expectedVersion: versionArg }),
      async (args, event) => {
        const d = await tickets();
        return oneTicket(d, event, await updateTicketStatus(d, { caller: requireCaller(event), ...args }));
      },
    ),
  );
  app.onMutation(
    'correctTriage',
    route(correctionArgs, async (args, event) => {
      const d = await tickets();
      return oneTicket(d, event, await correctTriage(d, { caller: requireCaller(event), ...args }));
    }),
  );
  app.onMutation(
    'markDuplicate',
    route(duplicateArgs, async (args, event) => {
      const d = await tickets();
      return oneTicket(d, event, await markDuplicate(d, { caller: requireCaller(event), ...args }));
    }),
  );
  app.onQuery(
    'ticketHistory',
    route(z.object({ id: idArg }), async ({ id }, event) =>
      (await ticketHistory(await tickets(), { caller: requireCaller(event), id })).map(changeView),
    ),
  );
  app.onQuery(
    'ticketAt',
    route(z.object({ id: idArg, at: instantArg }), async ({ id, at }, event) => {
      const d = await tickets();
      return oneTicket(d, event, await ticketAt(d, { caller: requireCaller(event), id, at }));
    }),
  );
}
