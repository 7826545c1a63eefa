import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  deviceTokenArg,
  idArg,
  idempotencyKeyArg,
  limitArg,
  pageArgs,
  toPage,
} from '../../../lambdas/api/args.ts';
import { encodeCursor } from '../../../lambdas/core/pagination.ts';
import { validationErrorFromZod } from '../../../lambdas/shared/appsync-errors.ts';

/** The message a route answers for `args` (`field: problem`), or null when they pass. */
function problemOf(schema: z.ZodType, args: unknown): string | null {
  const parsed = schema.safeParse(args);
  return parsed.success ? null : validationErrorFromZod(parsed.error).message;
}

describe('route arguments', () => {
  const page = z.object(pageArgs);

  it('bound page sizes with one message per rule, naming limit', () => {
    expect(problemOf(page, { limit: 0 })).toBe('limit: must be at least 1');
    expect(problemOf(page, { limit: 101 })).toBe(
      'limit: must be at most 100 (ask for the next page with nextToken)',
    );
    expect(problemOf(page, { limit: 1.5 })).toBe('limit: must be a whole number');
    expect(problemOf(page, { limit: 100 })).toBeNull();
    expect(limitArg.parse(null)).toBeNull();
  });

  it('turn limit and nextToken into a page request, defaulting to 20', () => {
    const token = encodeCursor({
      createdAt: '2026-01-01T00:00:00.000Z',
      id: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    });
    expect(toPage({})).toEqual({ limit: 20, after: null });
    expect(toPage({ limit: 5, nextToken: token })).toEqual({
      limit: 5,
      after: { createdAt: '2026-01-01T00:00:00.000Z', id: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' },
    });
    expect(() => toPage({ nextToken: 'garbage!' })).toThrow(expect.objectContaining({ field: 'nextToken' }));
  });

  it('refuse over-long tokens in the API’s own words, not zod’s ("Too big: expected string …")', () => {
    expect(problemOf(page, { nextToken: 'x'.repeat(2049) })).toBe(
      'nextToken: is not a token returned by this query',
    );
    expect(problemOf(z.object({ deviceToken: deviceTokenArg }), { deviceToken: 'x'.repeat(2049) })).toBe(
      'deviceToken: must be at most 2048 characters (the deviceToken a sign-in answered)',
    );
  });

  it('check ids and idempotency keys, an absent key becoming null', () => {
    expect(problemOf(z.object({ id: idArg }), { id: '42' })).toBe('id: must be an ID');
    const key = z.object({ idempotencyKey: idempotencyKeyArg });
    expect(key.parse({})).toEqual({ idempotencyKey: null });
    expect(key.parse({ idempotencyKey: 'order-17:retry.2' })).toEqual({ idempotencyKey: 'order-17:retry.2' });
    expect(problemOf(key, { idempotencyKey: 'has space' })).toBe(
      'idempotencyKey: must be 1-128 characters of letters, digits and ._:-',
    );
  });
});
