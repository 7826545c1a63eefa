/**
 * The one count of work a request fans out into: fields that run a query per parent they sit under. Only
 * `Ticket.similar` does (a scored query per ticket, nesting three per level); every other list is one query per
 * field, whatever it selects (a page of log entries joins its summaries and jobs), so aliases multiply it at
 * most by the resolver count limit.
 *
 * The count is made from the query alone, before any lookup, so the same query is refused whatever the data.
 * It is request-wide: the local endpoint, which sees the whole operation, sums every root field (aliases and
 * fragments included) before any field runs. A resolver sees only its own field (AppSync sends each root field
 * to its Lambda with that field's selection), so it applies the same count to that field alone: on AWS the bound
 * holds per field (docs/reliability.md, "Fan-out through `similar`").
 */
import { ValidationError } from '../core/errors.ts';
import { DEFAULT_PAGE_SIZE } from '../core/pagination.ts';
import { SIMILAR_LIMIT } from '../core/use-cases/tickets.ts';
import { limitArg } from './args.ts';

/**
 * Most tickets one request may look up similar tickets for. Each lookup is a scored query over up to 5,000
 * candidates: a page of 100 three levels deep was 1,300 lookups, 6.8 s for one field; fifty aliases of a page
 * one level deep queued 5,000 and ran until the request's deadline (300 tickets, local stack). 100 is a full
 * page one level deep, or one ticket as deep as the depth limit allows (40).
 */
export const MAX_SIMILAR_LOOKUPS = 100;

/** A root field as its resolver is asked for it (AppSync's direct Lambda event: name, arguments, selection). */
export interface FieldRequest {
  fieldName: string;
  arguments: Record<string, unknown>;
  /** AppSync's `info.selectionSetList`: every selected path below the field, `items/similar/ticket/id` style. */
  selectionSetList: readonly string[];
}

/**
 * Tickets whose similar tickets the field asks for: each selected `…/similar` path counts the tickets it sits
 * under. A page (`items/…`) has up to `limit` tickets, a single ticket one; every `similar` above it in the path
 * multiplies them by three. A limit the field refuses on its own counts nothing: the field does no lookup.
 */
export function similarLookups(field: FieldRequest): number {
  let lookups = 0;
  for (const path of field.selectionSetList) {
    const segments = path.split('/');
    if (segments.at(-1) !== 'similar') continue;
    const tickets = segments[0] === 'items' ? pageSize(field.arguments.limit) : 1;
    const above = segments.filter((segment) => segment === 'similar').length - 1;
    lookups += tickets * SIMILAR_LIMIT ** above;
  }
  return lookups;
}

/**
 * Most similar tickets one request may ask for the `body` of. A similar ticket is read with only the large fields
 * selected of it, but a body is up to 262,144 characters (about 0.75 MB as JSON in the worst case), and a page's
 * byte budget cannot hold them: a page of 100 with `similar { ticket { body } }` is 300 bodies, ~79 MB, past any
 * Lambda response (6 MB) before AppSync trims it. Three is one ticket's similar tickets, one level deep.
 */
export const MAX_SIMILAR_BODIES = 3;

/** Similar tickets whose body the field asks for: each `…/similar/ticket/body` path, three per lookup above it. */
export function similarBodies(field: FieldRequest): number {
  let bodies = 0;
  for (const path of field.selectionSetList) {
    if (!path.endsWith('similar/ticket/body')) continue;
    const similarPath = path.slice(0, -'/ticket/body'.length);
    bodies += SIMILAR_LIMIT * similarLookups({ ...field, selectionSetList: [similarPath] });
  }
  return bodies;
}

function pageSize(limit: unknown): number {
  const parsed = limitArg.safeParse(limit);
  return parsed.success ? (parsed.data ?? DEFAULT_PAGE_SIZE) : 0;
}

/**
 * Refuses a request (or, where only one field is seen, a field) whose `similar` selections add up to more than
 * `MAX_SIMILAR_LOOKUPS` lookups, or ask for more than `MAX_SIMILAR_BODIES` bodies of similar tickets, naming
 * `similar` and the figure, before any lookup is made.
 */
export function assertFanOutBounded(fields: readonly FieldRequest[]): void {
  let lookups = 0;
  for (const field of fields) lookups += similarLookups(field);
  if (lookups > MAX_SIMILAR_LOOKUPS) {
    throw new ValidationError(
      'similar',
      `this request looks up similar tickets for up to ${lookups} tickets, at most ${MAX_SIMILAR_LOOKUPS} per request (every field, alias and fragment together): ask for fewer tickets (limit), fewer aliases, or nest similar less deep`,
    );
  }
  let bodies = 0;
  for (const field of fields) bodies += similarBodies(field);
  if (bodies > MAX_SIMILAR_BODIES) {
    throw new ValidationError(
      'similar',
      `this request asks for the body of up to ${bodies} similar tickets, at most ${MAX_SIMILAR_BODIES} per request: select the body of one ticket's similar tickets (ticket(id: …) { similar { ticket { body } } }), or read a similar ticket by its id`,
    );
  }
}

/** The same check as the local endpoint's whole-operation hook: the refusal as an error body, or null. */
export function fanOutRefusal(
  fields: readonly FieldRequest[],
): { errorType: 'ValidationError'; message: string } | null {
  try {
    assertFanOutBounded(fields);
    return null;
  } catch (error: unknown) {
    if (error instanceof ValidationError) return { errorType: error.errorType, message: error.message };
    throw error;
  }
}
