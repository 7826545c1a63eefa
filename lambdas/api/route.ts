/**
 * Route plumbing shared by every resolver: validate arguments with zod, rebuild the caller from the authorizer's
 * `resolverContext`, run the use case, and turn any error into the AppSync error envelope (one place).
 */
import type { AppSyncResolverEvent } from 'aws-lambda';
import { z } from 'zod';
import { type Caller, ROLES } from '../core/auth/roles.ts';
import { fieldPath, UnauthorizedError, ValidationError } from '../core/errors.ts';
import { toErrorEnvelope, validationErrorFromZod } from '../shared/appsync-errors.ts';

export type ResolverEvent = AppSyncResolverEvent<Record<string, unknown>>;

const resolverContextSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  sid: z.string().min(1),
  email: z.string(),
});

/** The authenticated caller, or null for API_KEY requests (AppSync sends no identity then). */
export function callerOf(event: ResolverEvent): Caller | null {
  const identity = event.identity as { resolverContext?: unknown } | null | undefined;
  if (!identity || identity.resolverContext === undefined) return null;
  const parsed = resolverContextSchema.safeParse(identity.resolverContext);
  if (!parsed.success) return null;
  const { sub, role, sid, email } = parsed.data;
  return { userId: sub, role, sessionId: sid, email };
}

export function requireCaller(event: ResolverEvent): Caller {
  const caller = callerOf(event);
  if (!caller) throw new UnauthorizedError('This operation needs a signed-in user');
  return caller;
}

/** A UTF-16 surrogate without its other half: JSON can carry one (`"\ud800"`), UTF-8 cannot encode it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (Node 20; ES2024, past this project's `lib`): ~6x faster than the pattern. */
const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Postgres cannot store NUL in text, and a lone surrogate would be stored as U+FFFD (the driver encodes text as
 * UTF-8), silently changing what the caller sent: an argument holding either anywhere (however deep in an input
 * object) is a ValidationError naming it, before any rule of the route runs, never an InternalError from the
 * database or a quietly altered value.
 */
function refuseUnstorable(value: unknown, path: readonly PropertyKey[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      throw new ValidationError(fieldPath('', path) || 'input', 'must not contain NUL characters');
    const lone = isWellFormed(value) ? null : LONE_SURROGATE.exec(value);
    if (lone)
      throw new ValidationError(
        fieldPath('', path) || 'input',
        `must be valid Unicode text (found a lone surrogate, U+${lone[0].charCodeAt(0).toString(16).toUpperCase()})`,
      );
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) refuseUnstorable(item, [...path, index]);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) refuseUnstorable(item, [...path, key]);
  }
}

type RouteHandler = (args: Record<string, unknown>, options: { event: ResolverEvent }) => Promise<unknown>;

export function route<S extends z.ZodType>(
  argsSchema: S,
  run: (args: z.infer<S>, event: ResolverEvent) => Promise<unknown>,
): RouteHandler {
  return async (args, { event }) => {
    try {
      refuseUnstorable(args, []);
      const parsed = argsSchema.safeParse(args ?? {});
      if (!parsed.success) throw validationErrorFromZod(parsed.error);
      return await run(parsed.data, event);
    } catch (error: unknown) {
      return toErrorEnvelope(error);
    }
  };
}

/** The X-Ray trace header AppSync forwards, carried into the job so its logs correlate with the request. */
export function traceIdOf(event: ResolverEvent): string | null {
  return event.request.headers['x-amzn-trace-id'] ?? null;
}
