/**
 * The resolver's half of the authorizer, run before any route:
 * - when the authorizer answered from the token alone (`resolverContext.session: unverified`, the database was
 *   resuming), the session is checked here: a revoked or expired session is Unauthorized, a changed role or the
 *   e-mail come from the database, and while the database is still away the answer is the retryable
 *   ServiceUnavailable;
 * - for the operations that act on other people's accounts or on the system (`ROLE_CONFIRMED_FIELDS`), the
 *   authorizer's answer may be up to its cache TTL old, so a demoted admin or an ended session would still be
 *   let through: the session and role are read again, and a role that may no longer call the field is refused
 *   as AppSync refuses a denied field;
 * - for every other mutation (`writesConfirmSession`), for the same reason: a disabled or deleted account, or a
 *   session that was signed out, must not go on creating work (tickets, logs, changelogs) for the rest of the
 *   cached answer's life. A deleted account's data is gone, so such a write used to fail on its foreign key
 *   as an InternalError. Reads keep the cached answer (one query saved on every read), except `me`
 *   (`confirmsSession`), which is how a client learns whether it is still signed in.
 */
import type { SessionRepo } from '../core/auth/ports.ts';
import { deniedFieldsFor, ROLE_CONFIRMED_FIELDS } from '../core/auth/roles.ts';
import { liveSession, UNVERIFIED_SESSION } from '../core/auth/service.ts';
import type { Clock } from '../core/clock.ts';
import { UnauthorizedError } from '../core/errors.ts';
import { type ErrorEnvelope, toErrorEnvelope } from '../shared/appsync-errors.ts';

interface SessionCheckDeps {
  sessions: Pick<SessionRepo, 'getSessionWithUser'>;
  clock: Clock;
}

type ResolverContext = Record<string, unknown>;

function resolverContextOf(event: unknown): ResolverContext | undefined {
  if (!event || typeof event !== 'object' || !('identity' in event)) return undefined;
  const identity = event.identity;
  if (!identity || typeof identity !== 'object' || !('resolverContext' in identity)) return undefined;
  const context = identity.resolverContext;
  return context && typeof context === 'object' ? (context as ResolverContext) : undefined;
}

/** The operation the event resolves: its type and field, and `Type.field` as `deniedFields` names it. */
function operationOf(event: unknown): { type: string; field: string; name: string } | undefined {
  const info = (event as { info?: { parentTypeName?: unknown; fieldName?: unknown } }).info;
  if (typeof info?.parentTypeName !== 'string' || typeof info.fieldName !== 'string') return undefined;
  return {
    type: info.parentTypeName,
    field: info.fieldName,
    name: `${info.parentTypeName}.${info.fieldName}`,
  };
}

/**
 * Mutations that confirm the caller's session against the database besides `ROLE_CONFIRMED_FIELDS`: all of
 * them but `logout` (ending a session that has already ended is no harm, and the console signs out either way).
 * API-key mutations (signup, login, refreshToken) carry no identity and are never confirmed.
 */
export function writesConfirmSession(operation: { type: string; field: string }): boolean {
  return operation.type === 'Mutation' && operation.field !== 'logout';
}

/**
 * `me` too: it is how a client (the console on load, on focus and every minute) learns whether it is still
 * signed in. For an account deleted, disabled or signed out under a cached authorizer answer it said NotFound or
 * answered as if nothing had happened; now it says the session ended (Unauthorized), as the authorizer will once
 * its cached answer expires, and as AppSync with our resolver answers on AWS.
 */
export function confirmsSession(operation: { type: string; field: string }): boolean {
  return writesConfirmSession(operation) || (operation.type === 'Query' && operation.field === 'me');
}

/** The event to resolve (with the caller confirmed where it must be), or the error envelope to answer instead. */
export async function confirmSession(
  event: unknown,
  deps: () => Promise<SessionCheckDeps>,
): Promise<{ event: unknown } | ErrorEnvelope> {
  const context = resolverContextOf(event);
  const operation = operationOf(event);
  const confirm =
    context?.session === UNVERIFIED_SESSION ||
    (operation !== undefined &&
      (ROLE_CONFIRMED_FIELDS.includes(operation.name) || confirmsSession(operation)));
  if (!context || !confirm) return { event };
  const { sub, sid } = context;
  if (typeof sub !== 'string' || typeof sid !== 'string') {
    return toErrorEnvelope(new UnauthorizedError('This operation needs a signed-in user'));
  }
  try {
    const session = await liveSession(await deps(), { sub, sid });
    if (!session.ok) return toErrorEnvelope(new UnauthorizedError('Your session has ended: sign in again'));
    if (operation && deniedFieldsFor(session.role).includes(operation.name)) {
      return toErrorEnvelope(
        new UnauthorizedError(`Not Authorized to access ${operation.field} on type ${operation.type}`),
      );
    }
    const confirmed = { sub, sid, role: session.role, email: session.email };
    const identity = (event as { identity: Record<string, unknown> }).identity;
    return { event: { ...(event as object), identity: { ...identity, resolverContext: confirmed } } };
  } catch (error: unknown) {
    return toErrorEnvelope(error);
  }
}
