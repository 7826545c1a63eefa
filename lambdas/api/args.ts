/**
 * Argument schemas shared by the routes. Every argument is checked here, at the edge, once, with one message
 * per rule; the use cases receive typed values and check nothing again.
 */
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { MAX_PAGE_SIZE, type PageRequest, pageRequest } from '../core/pagination.ts';
import { isRealInstant } from '../core/text.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const idArg = z.string().regex(UUID, 'must be an ID');

/** Absent and null alike become null. */
export const idempotencyKeyArg = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of letters, digits and ._:-')
  .nullish()
  .transform((key) => key ?? null);

/** Page sizes are bounded everywhere: default 20, at most 100. */
export const limitArg = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE} (ask for the next page with nextToken)`)
  .nullish();
/** Over-long tokens are refused with the words of any other token this API did not issue (zod's own are "Too big: …"). */
export const nextTokenArg = z.string().max(2048, 'is not a token returned by this query').nullish();
/** The deviceToken a sign-in answered (a JWT of a few hundred characters); another short one counts as none. */
export const deviceTokenArg = z
  .string()
  .max(2048, 'must be at most 2048 characters (the deviceToken a sign-in answered)')
  .nullish();

/** Optional free text, trimmed; absent, null and blank alike become null. */
export const optionalTextArg = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((text) => text || null);

/**
 * A point in time (an AWSDateTime argument), checked as Postgres will read it: JavaScript's Date rolls
 * 2026-02-30 over to March 2, which would silently move a filter's bound by days.
 */
export const instantArg = z
  .string()
  .refine(isRealInstant, 'must be an ISO 8601 date-time of a real calendar day, e.g. 2026-03-01T10:00:00Z')
  .transform((at) => new Date(at));

/** `limit` and `nextToken` as one page request (a token this API did not hand out is a ValidationError). */
export const pageArgs = { limit: limitArg, nextToken: nextTokenArg };
export const toPage = (args: { limit?: number | null; nextToken?: string | null }): PageRequest =>
  pageRequest(args.limit, args.nextToken);

/**
 * A domain check as a zod refinement: the check throws a ValidationError for the value (its own rule and
 * message, e.g. the log header format); the issue carries that problem, so the field is named once.
 */
export function checkedBy<T>(check: (value: T) => void) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    try {
      check(value);
    } catch (error: unknown) {
      if (!(error instanceof ValidationError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.problem, input: value });
    }
  };
}

/** A problem-or-null rule as a zod refinement. */
export function ruledBy<T>(problemOf: (value: T) => string | null) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    const problem = problemOf(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: value });
  };
}
