import { beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConnection } from '../../../lambdas/adapters/db/client.ts';
import { confirmSession } from '../../../lambdas/api/session-check.ts';
import { createAuthorizerHandler } from '../../../lambdas/authorizer/authorizer.ts';
import { boundedSessions } from '../../../lambdas/authorizer/container.ts';
import { generateKeySet, type KeySet } from '../../../lambdas/core/auth/keys.ts';
import { logout, signup } from '../../../lambdas/core/auth/service.ts';
import { ServiceUnavailableError } from '../../../lambdas/core/errors.ts';
import { databaseUnavailable } from '../../../lambdas/shared/dependency-errors.ts';
import { type FakeAuthDeps, fakeAuthDeps } from '../../support/auth-fakes.ts';

let keySet: KeySet;
beforeAll(async () => {
  keySet = await generateKeySet();
});

const quiet = { info: () => {}, warn: () => {}, error: () => {}, setCorrelationId: () => {} };
const noMetrics = { addMetric: () => {}, publishStoredMetrics: () => {} };

function authorizerEvent(token: string) {
  return {
    authorizationToken: `Bearer ${token}`,
    requestContext: {
      apiId: 'api',
      accountId: '000000000000',
      requestId: 'r1',
      queryString: '{ me { id } }',
      operationName: null,
      variables: {},
    },
  };
}

/** Sessions whose database is away (resuming): every read fails as the bounded repository fails. */
function away(deps: FakeAuthDeps): FakeAuthDeps {
  return {
    ...deps,
    sessions: {
      ...deps.sessions,
      getSessionWithUser: () => Promise.reject(databaseUnavailable()),
    },
  };
}

async function signedUp() {
  const deps = fakeAuthDeps(keySet);
  const payload = await signup(deps, { email: 'pat@example.org', password: 'violet-harbour-lantern' });
  return { deps, payload };
}

function authorizer(deps: FakeAuthDeps) {
  return createAuthorizerHandler({ deps: async () => deps, logger: quiet, metrics: noMetrics });
}

describe('authorizer while the database resumes', () => {
  it('allows a valid token for this one request, uncached, from the token role, marked unverified', async () => {
    const { deps, payload } = await signedUp();
    const answer = await authorizer(away(deps))(authorizerEvent(payload.accessToken));
    expect(answer).toEqual({
      isAuthorized: true,
      resolverContext: {
        sub: payload.user.id,
        role: 'USER',
        sid: expect.any(String),
        email: '',
        session: 'unverified',
      },
      deniedFields: expect.arrayContaining(['Query.users']),
      ttlOverride: 0,
    });
  });

  it('still refuses a forged or expired token: only the session check is deferred', async () => {
    const { deps, payload } = await signedUp();
    const forged = `${payload.accessToken.slice(0, -4)}AAAA`;
    expect(await authorizer(away(deps))(authorizerEvent(forged))).toEqual({ isAuthorized: false });
  });

  it('denies, uncached, when the session read fails for another reason than an unreachable database', async () => {
    const { deps, payload } = await signedUp();
    const broken = {
      ...deps,
      sessions: { ...deps.sessions, getSessionWithUser: () => Promise.reject(new Error('syntax error')) },
    };
    expect(await authorizer(broken)(authorizerEvent(payload.accessToken))).toEqual({
      isAuthorized: false,
      ttlOverride: 0,
    });
  });
});

describe('bounded session reads', () => {
  const never = () => new Promise<DatabaseConnection>(() => {});

  it('give up after the wait with ServiceUnavailable, leaving the connection attempt running', async () => {
    const started = performance.now();
    const read = boundedSessions(never, 50).getSessionWithUser('s1');
    await expect(read).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('turn a refused connection into ServiceUnavailable and pass other errors through', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(
      boundedSessions(() => Promise.reject(refused), 1000).getSessionWithUser('s1'),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    const bug = new TypeError('undefined is not a function');
    await expect(boundedSessions(() => Promise.reject(bug), 1000).getSessionWithUser('s1')).rejects.toBe(bug);
  });
});

describe('the resolver confirms a deferred session before any route runs', () => {
  const resolverEvent = (context: Record<string, string>) => ({
    arguments: {},
    identity: { resolverContext: context },
    info: { fieldName: 'me', parentTypeName: 'Query' },
  });

  it('takes the current role and e-mail from the session', async () => {
    const { deps, payload } = await signedUp();
    const answer = await authorizer(away(deps))(authorizerEvent(payload.accessToken));
    const user = deps.store.users.get(payload.user.id);
    if (!user) throw new Error('no user');
    deps.store.users.set(user.id, { ...user, role: 'OPS' });
    const confirmed = await confirmSession(resolverEvent(answer.resolverContext ?? {}), async () => deps);
    expect(confirmed).toEqual({
      event: expect.objectContaining({
        identity: {
          resolverContext: {
            sub: payload.user.id,
            sid: expect.any(String),
            role: 'OPS',
            email: 'pat@example.org',
          },
        },
      }),
    });
  });

  it('answers Unauthorized for a session that ended while the database was away', async () => {
    const { deps, payload } = await signedUp();
    const answer = await authorizer(away(deps))(authorizerEvent(payload.accessToken));
    const context = answer.resolverContext ?? {};
    const caller = {
      userId: payload.user.id,
      sessionId: String(context.sid),
      role: 'USER',
      email: '',
    } as const;
    await logout(deps, { caller });
    expect(await confirmSession(resolverEvent(context), async () => deps)).toEqual({
      __error: { type: 'Unauthorized', message: 'Your session has ended: sign in again' },
    });
  });

  it('answers the retryable ServiceUnavailable while the database is still away', async () => {
    const { deps, payload } = await signedUp();
    const answer = await authorizer(away(deps))(authorizerEvent(payload.accessToken));
    const confirmed = await confirmSession(resolverEvent(answer.resolverContext ?? {}), async () =>
      away(deps),
    );
    expect(confirmed).toMatchObject({ __error: { type: 'ServiceUnavailable', message: /resume/ } });
  });

  it('leaves a read the authorizer verified as it is', async () => {
    const event = {
      ...resolverEvent({ sub: 'u1', sid: 's1', role: 'USER', email: 'a@b.c' }),
      info: { fieldName: 'tickets', parentTypeName: 'Query' },
    };
    const { deps } = await signedUp();
    expect(await confirmSession(event, async () => deps)).toEqual({ event });
  });
});
