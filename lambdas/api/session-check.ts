/**
 * The resolver's half of the authorizer's fallback: when the authorizer answered from the token alone
 * (`resolverContext.session: unverified`, the database was resuming), the session is checked here, before any
 * route runs: a revoked or expired session is Unauthorized, a changed role or the e-mail come from the
 * database, and while the database is still away the answer is the retryable ServiceUnavailable.
 */
import type { SessionRepo } from '../core/auth/ports.ts';
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

/** The event to resolve (with the caller confirmed), or the error envelope to answer instead. */
export async function confirmDeferredSession(
  event: unknown,
  deps: () => Promise<SessionCheckDeps>,
): Promise<{ event: unknown } | ErrorEnvelope> {
  const context = resolverContextOf(event);
  if (context?.session !== UNVERIFIED_SESSION) return { event };
  const { sub, sid } = context;
  if (typeof sub !== 'string' || typeof sid !== 'string') {
    return toErrorEnvelope(new UnauthorizedError('This operation needs a signed-in user'));
  }
  try {
    const session = await liveSession(await deps(), { sub, sid });
    if (!session.ok) return toErrorEnvelope(new UnauthorizedError('Your session has ended: sign in again'));
    const confirmed = { sub, sid, role: session.role, email: session.email };
    const identity = (event as { identity: Record<string, unknown> }).identity;
    return { event: { ...(event as object), identity: { ...identity, resolverContext: confirmed } } };
  } catch (error: unknown) {
    return toErrorEnvelope(error);
  }
}
