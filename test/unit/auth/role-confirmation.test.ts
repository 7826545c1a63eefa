import { beforeAll, describe, expect, it } from 'vitest';
import { confirmSession } from '../../../lambdas/api/session-check.ts';
import { generateKeySet, type KeySet } from '../../../lambdas/core/auth/keys.ts';
import { logout, signup } from '../../../lambdas/core/auth/service.ts';
import { fakeAuthDeps } from '../../support/auth-fakes.ts';

let keySet: KeySet;
beforeAll(async () => {
  keySet = await generateKeySet();
});

/** An admin as the authorizer's cached answer describes them, and the store behind it. */
async function cachedAdmin() {
  const deps = fakeAuthDeps(keySet);
  const payload = await signup(deps, { email: 'root@example.org', password: 'violet-harbour-lantern' });
  const user = deps.store.users.get(payload.user.id);
  if (!user) throw new Error('no user');
  deps.store.users.set(user.id, { ...user, role: 'ADMIN' });
  const [sid] = [...deps.store.sessionRows.keys()];
  if (!sid) throw new Error('no session');
  const context = { sub: user.id, sid, role: 'ADMIN', email: 'root@example.org' };
  const demote = () => deps.store.users.set(user.id, { ...user, role: 'USER' });
  return { deps, context, demote, userId: user.id };
}

const resolverEvent = (context: Record<string, string>, parentTypeName: string, fieldName: string) => ({
  arguments: {},
  identity: { resolverContext: context },
  info: { fieldName, parentTypeName },
});

describe('operations on other accounts and on the system confirm the caller against the database', () => {
  it('refuses a demoted admin whose cached answer still says ADMIN', async () => {
    const { deps, context, demote } = await cachedAdmin();
    demote();
    const answer = await confirmSession(
      resolverEvent(context, 'Mutation', 'purgeDeadLetters'),
      async () => deps,
    );
    expect(answer).toEqual({
      __error: {
        type: 'Unauthorized',
        message: 'Not Authorized to access purgeDeadLetters on type Mutation',
      },
    });
  });

  it('refuses an admin operation from a session that was signed out since the answer was cached', async () => {
    const { deps, context, userId } = await cachedAdmin();
    await logout(deps, { caller: { userId, sessionId: context.sid, role: 'ADMIN', email: context.email } });
    const answer = await confirmSession(resolverEvent(context, 'Query', 'users'), async () => deps);
    expect(answer).toEqual({
      __error: { type: 'Unauthorized', message: 'Your session has ended: sign in again' },
    });
  });

  it('lets a current admin through with the role and e-mail the database holds', async () => {
    const { deps, context } = await cachedAdmin();
    const event = resolverEvent(context, 'Mutation', 'setFeatureFlag');
    expect(await confirmSession(event, async () => deps)).toEqual({
      event: { ...event, identity: { resolverContext: context } },
    });
  });

  it('leaves other operations to the cached answer, without reading the database', async () => {
    const { context, demote } = await cachedAdmin();
    demote();
    const event = resolverEvent(context, 'Query', 'tickets');
    const unreachable = () => Promise.reject(new Error('the database was read'));
    expect(await confirmSession(event, unreachable)).toEqual({ event });
  });
});
