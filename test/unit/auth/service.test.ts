import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeySet, type KeySet } from '../../../lambdas/core/auth/keys.ts';
import { type Caller, deniedFieldsFor } from '../../../lambdas/core/auth/roles.ts';
import {
  type AuthPayload,
  authorizeRequest,
  bootstrapAdmin,
  evaluateAuthorization,
  getUser,
  hashRefreshToken,
  INVALID_CREDENTIALS_MESSAGE,
  listUsers,
  login,
  logout,
  refreshSession,
  setUserRole,
  signup,
} from '../../../lambdas/core/auth/service.ts';
import { DEFAULT_LOCKOUT_POLICY, throttleKey } from '../../../lambdas/core/auth/throttle.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from '../../../lambdas/core/errors.ts';
import { pageRequest } from '../../../lambdas/core/pagination.ts';
import { type FakeAuthDeps, fakeAuthDeps } from '../../support/auth-fakes.ts';

let keySet: KeySet;
beforeAll(async () => {
  keySet = await generateKeySet();
});

const PASSWORD = 'violet-harbour-lantern';
const newDeps = () => fakeAuthDeps(keySet);

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

function callerOf(payload: AuthPayload, role = payload.user.role): Caller {
  const sid = JSON.parse(Buffer.from(payload.accessToken.split('.')[1] ?? '', 'base64url').toString()).sid;
  return { userId: payload.user.id, role, sessionId: sid, email: payload.user.email };
}

describe('signup', () => {
  it('creates a USER with a normalised e-mail and returns working tokens', async () => {
    const deps = newDeps();
    const payload = await signup(deps, { email: ' Mulder@Example.org ', password: PASSWORD });
    expect(payload.user).toMatchObject({ email: 'mulder@example.org', role: 'USER' });
    expect(payload.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(payload.expiresAt) - deps.clock.now().getTime()).toBe(900_000);
    expect(deps.store.users.get(payload.user.id)?.passwordHash).toBe(`fake$${PASSWORD}`);
    // Only the hash of the refresh token is stored.
    expect(deps.store.tokenRows.map((t) => t.tokenHash)).toEqual([hashRefreshToken(payload.refreshToken)]);
    const answer = await authorizeRequest(deps, { authorizationToken: `Bearer ${payload.accessToken}` });
    expect(answer.isAuthorized).toBe(true);
  });

  it('records the sign-up as the account\'s last sign-in, so it does not read "never" while signed in', async () => {
    const deps = newDeps();
    const payload = await signup(deps, { email: 'new@example.org', password: PASSWORD });
    const now = deps.clock.now().toISOString();
    expect(payload.user.lastLoginAt).toBe(now);
    expect(deps.store.users.get(payload.user.id)?.lastLoginAt?.toISOString()).toBe(now);
  });

  it('cannot pick a role: extra input is ignored and the account is always USER', async () => {
    const deps = newDeps();
    const input = { email: 'sneaky@example.org', password: PASSWORD, role: 'ADMIN' };
    const payload = await signup(deps, input);
    expect(payload.user.role).toBe('USER');
    expect(deps.store.users.get(payload.user.id)?.role).toBe('USER');
  });

  it('refuses a second account for the same e-mail with a ConflictError', async () => {
    const deps = newDeps();
    await signup(deps, { email: 'twice@example.org', password: PASSWORD });
    const error = await failure(
      signup(deps, { email: 'TWICE@example.org', password: 'another-good-passphrase' }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(deps.store.users.size).toBe(1);
  });

  it('applies the password policy and names the field', async () => {
    const deps = newDeps();
    const error = await failure(signup(deps, { email: 'p@example.org', password: 'password1234' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('password');
    const badEmail = await failure(signup(deps, { email: 'nope', password: PASSWORD }));
    expect((badEmail as ValidationError).field).toBe('email');
  });
});

describe('login', () => {
  async function withUser() {
    const deps = newDeps();
    const user = deps.store.addUser({ email: 'known@example.org', passwordHash: `fake$${PASSWORD}` });
    return { deps, user };
  }

  it('logs in with the right password, whatever the e-mail casing', async () => {
    const { deps, user } = await withUser();
    const payload = await login(deps, { email: 'KNOWN@example.org', password: PASSWORD });
    expect(payload.user.id).toBe(user.id);
    expect(deps.events.failures).toEqual([]);
  });

  it('answers an unknown user and a wrong password identically, after the same bcrypt work', async () => {
    const { deps } = await withUser();
    const wrong = await failure(login(deps, { email: 'known@example.org', password: 'not-the-password' }));
    const unknown = await failure(login(deps, { email: 'ghost@example.org', password: 'not-the-password' }));
    for (const error of [wrong, unknown]) {
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(error.message).toBe(INVALID_CREDENTIALS_MESSAGE);
    }
    expect(Object.keys(wrong)).toEqual(Object.keys(unknown));
    // One comparison each: against the real hash, and against the dummy hash for the unknown user.
    expect(deps.passwords.verifications).toEqual([
      { password: 'not-the-password', hash: `fake$${PASSWORD}` },
      { password: 'not-the-password', hash: await deps.passwords.dummyHash() },
    ]);
    expect(deps.events.failures).toEqual(['invalid_credentials', 'invalid_credentials']);
  });

  it('never matches a password longer than 72 bytes, even if bcrypt would truncate it to the real one', async () => {
    const deps = newDeps();
    const seventyTwo = `${'x'.repeat(60)}abcdefghijkl`;
    deps.store.addUser({ email: 'long@example.org', passwordHash: `fake$${seventyTwo}` });
    const error = await failure(login(deps, { email: 'long@example.org', password: `${seventyTwo}tail` }));
    expect(error.message).toBe(INVALID_CREDENTIALS_MESSAGE);
    expect(deps.passwords.verifications.at(-1)?.hash).toBe(await deps.passwords.dummyHash());
  });

  it('locks an account after 5 failures, without checking the password, the same for unknown e-mails', async () => {
    for (const email of ['known@example.org', 'ghost@example.org']) {
      const { deps } = await withUser();
      for (let i = 0; i < DEFAULT_LOCKOUT_POLICY.maxFailures; i += 1) {
        expect(await failure(login(deps, { email, password: 'wrong-password-here' }))).toBeInstanceOf(
          UnauthorizedError,
        );
      }
      const checked = deps.passwords.verifications.length;
      const locked = await failure(login(deps, { email, password: PASSWORD }));
      expect(locked).toBeInstanceOf(RateLimitedError);
      expect(locked.message).toBe('Too many failed login attempts; try again in 30 s');
      expect((locked as RateLimitedError).retryAfterSeconds).toBe(30);
      expect(deps.passwords.verifications.length).toBe(checked);
      expect(deps.events.failures.at(-1)).toBe('locked');
    }
  });

  it('lets the lock expire, doubles it on the next failure, caps it, and resets on success', async () => {
    const { deps } = await withUser();
    const attempt = (password: string) => login(deps, { email: 'known@example.org', password });
    for (let i = 0; i < 5; i += 1) await failure(attempt('wrong-password-here'));
    deps.clock.advance(29);
    expect(await failure(attempt(PASSWORD))).toBeInstanceOf(RateLimitedError);
    deps.clock.advance(2);
    // One more wrong guess after the lock: 60 s now.
    expect(await failure(attempt('wrong-password-here'))).toBeInstanceOf(UnauthorizedError);
    expect(((await failure(attempt(PASSWORD))) as RateLimitedError).retryAfterSeconds).toBe(60);
    for (let i = 0; i < 6; i += 1) {
      deps.clock.advance(301);
      await failure(attempt('wrong-password-here'));
    }
    expect(((await failure(attempt(PASSWORD))) as RateLimitedError).retryAfterSeconds).toBe(300);
    deps.clock.advance(300);
    await expect(attempt(PASSWORD)).resolves.toMatchObject({ user: { email: 'known@example.org' } });
    expect(deps.store.throttleRows.has(throttleKey('known@example.org'))).toBe(false);
  });

  it('keeps a client that signed in before signing in while an attacker guesses at 5 per second', async () => {
    const { deps } = await withUser();
    const email = 'known@example.org';
    const first = await login(deps, { email, password: PASSWORD });
    expect(first.deviceToken).toEqual(expect.any(String));
    let deviceToken = first.deviceToken;
    let userSuccesses = 0;
    let attackerRefused = 0;
    // 215 s of attack, one wrong guess every 200 ms; the real user signs in every 20 s with its device token.
    for (let tick = 1; tick <= 1075; tick += 1) {
      deps.clock.advance(0.2);
      const guess = await failure(login(deps, { email, password: `wrong-guess-${tick}` }));
      if (guess instanceof RateLimitedError) attackerRefused += 1;
      if (tick % 100 === 0) {
        const payload = await login(deps, { email, password: PASSWORD, deviceToken });
        userSuccesses += 1;
        deviceToken = payload.deviceToken;
      }
    }
    expect(userSuccesses).toBe(10);
    // The attacker is locked out almost all the time; without a device token so is a new client.
    expect(attackerRefused).toBeGreaterThan(1000);
    expect(await failure(login(deps, { email, password: PASSWORD }))).toBeInstanceOf(RateLimitedError);
  });

  it('treats a device token of another account, a forged one or an access token as none', async () => {
    const { deps } = await withUser();
    deps.store.addUser({ email: 'other@example.org', passwordHash: `fake$${PASSWORD}` });
    const other = await login(deps, { email: 'other@example.org', password: PASSWORD });
    const email = 'known@example.org';
    for (let i = 0; i < DEFAULT_LOCKOUT_POLICY.maxFailures; i += 1) {
      await failure(login(deps, { email, password: 'wrong-password-here' }));
    }
    for (const deviceToken of [other.deviceToken, other.accessToken, 'a.b.c', 'x'.repeat(5000)]) {
      expect(await failure(login(deps, { email, password: PASSWORD, deviceToken }))).toBeInstanceOf(
        RateLimitedError,
      );
    }
  });

  it('forgets old failures after the failure window', async () => {
    const { deps } = await withUser();
    for (let i = 0; i < 4; i += 1)
      await failure(login(deps, { email: 'known@example.org', password: 'nope-nope-nope' }));
    deps.clock.advance(DEFAULT_LOCKOUT_POLICY.failureWindowSeconds + 1);
    await failure(login(deps, { email: 'known@example.org', password: 'nope-nope-nope' }));
    expect(deps.store.throttleRows.get(throttleKey('known@example.org'))?.failures).toBe(1);
  });

  it('rejects a missing or huge password as a validation error before any work', async () => {
    const deps = newDeps();
    expect(await failure(login(deps, { email: 'a@example.org', password: '' }))).toBeInstanceOf(
      ValidationError,
    );
    const huge = await failure(login(deps, { email: 'a@example.org', password: 'x'.repeat(5000) }));
    expect((huge as ValidationError).field).toBe('password');
    expect(deps.passwords.verifications).toEqual([]);
  });
});

describe('refresh tokens', () => {
  it('rotates: the new token works, the old one stops', async () => {
    const deps = newDeps();
    const first = await signup(deps, { email: 'r@example.org', password: PASSWORD });
    deps.clock.advance(60);
    const second = await refreshSession(deps, { refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(callerOf(second).sessionId).toBe(callerOf(first).sessionId);
    expect(second.user).toEqual(first.user);
    await expect(refreshSession(deps, { refreshToken: second.refreshToken })).resolves.toBeDefined();
  });

  it('revokes the whole family when a used token is presented again', async () => {
    const deps = newDeps();
    const first = await signup(deps, { email: 'r@example.org', password: PASSWORD });
    const second = await refreshSession(deps, { refreshToken: first.refreshToken });
    const reuse = await failure(refreshSession(deps, { refreshToken: first.refreshToken }));
    expect(reuse).toBeInstanceOf(UnauthorizedError);
    expect(deps.events.reused).toEqual([callerOf(first).sessionId]);
    // The legitimate holder's newer token and access token die with the family.
    expect(await failure(refreshSession(deps, { refreshToken: second.refreshToken }))).toBeInstanceOf(
      UnauthorizedError,
    );
    expect((await authorizeRequest(deps, { authorizationToken: second.accessToken })).isAuthorized).toBe(
      false,
    );
  });

  it('refuses expired, unknown and malformed refresh tokens', async () => {
    const deps = newDeps();
    const first = await signup(deps, { email: 'r@example.org', password: PASSWORD });
    for (const refreshToken of ['A'.repeat(43), 'short', 42, null]) {
      expect(await failure(refreshSession(deps, { refreshToken }))).toBeInstanceOf(UnauthorizedError);
    }
    deps.clock.advance(deps.config.refreshTokenTtlSeconds + 1);
    expect(await failure(refreshSession(deps, { refreshToken: first.refreshToken }))).toBeInstanceOf(
      UnauthorizedError,
    );
  });

  it('refuses a refresh token of a logged-out session', async () => {
    const deps = newDeps();
    const first = await signup(deps, { email: 'r@example.org', password: PASSWORD });
    await logout(deps, { caller: callerOf(first) });
    expect(await failure(refreshSession(deps, { refreshToken: first.refreshToken }))).toBeInstanceOf(
      UnauthorizedError,
    );
  });
});

describe('authorizeRequest', () => {
  it('answers the current role, the session, denied fields and a bounded ttl', async () => {
    const deps = newDeps();
    const payload = await signup(deps, { email: 'a@example.org', password: PASSWORD });
    const answer = await authorizeRequest(deps, { authorizationToken: `Bearer ${payload.accessToken}` });
    expect(answer).toEqual({
      isAuthorized: true,
      resolverContext: {
        sub: payload.user.id,
        role: 'USER',
        sid: callerOf(payload).sessionId,
        email: 'a@example.org',
      },
      deniedFields: deniedFieldsFor('USER'),
      ttlOverride: 60,
    });
    // A bare token works too.
    expect((await authorizeRequest(deps, { authorizationToken: payload.accessToken })).isAuthorized).toBe(
      true,
    );
  });

  it('never gives a ttlOverride beyond the token remaining life, and refuses a token about to expire', async () => {
    const deps = newDeps();
    const payload = await signup(deps, { email: 'a@example.org', password: PASSWORD });
    const exp = Date.parse(payload.expiresAt);
    const ttlAfter = async (seconds: number) => {
      deps.clock.advance(seconds);
      const answer = await authorizeRequest(deps, { authorizationToken: payload.accessToken });
      if (answer.ttlOverride !== undefined) {
        expect(answer.ttlOverride * 1000).toBeLessThanOrEqual(exp - deps.clock.now().getTime());
      }
      return answer.ttlOverride;
    };
    expect(await ttlAfter(0)).toBe(60);
    expect(await ttlAfter(900 - 30.5)).toBe(30);
    expect(await ttlAfter(29)).toBe(1);
    deps.clock.advance(0.6);
    expect(await authorizeRequest(deps, { authorizationToken: payload.accessToken })).toEqual({
      isAuthorized: false,
    });
  });

  it('sees logout immediately', async () => {
    const deps = newDeps();
    const payload = await signup(deps, { email: 'a@example.org', password: PASSWORD });
    await logout(deps, { caller: callerOf(payload) });
    const decision = await evaluateAuthorization(deps, { authorizationToken: payload.accessToken });
    expect(decision).toEqual({ answer: { isAuthorized: false }, denyReason: 'session revoked' });
  });

  it('sees a role change immediately (the token still says USER)', async () => {
    const deps = newDeps();
    const admin = deps.store.addUser({ email: 'boss@example.org', role: 'ADMIN' });
    const payload = await signup(deps, { email: 'hr@example.org', password: PASSWORD });
    await setUserRole(deps, {
      caller: { userId: admin.id, role: 'ADMIN', sessionId: randomUUID(), email: admin.email },
      userId: payload.user.id,
      role: 'HR',
    });
    const answer = await authorizeRequest(deps, { authorizationToken: payload.accessToken });
    expect(answer.resolverContext?.role).toBe('HR');
    expect(answer.deniedFields).toContain('LogEntry.raw');
  });

  it('never throws, whatever it is given or whatever fails', async () => {
    const deps = newDeps();
    for (const authorizationToken of [undefined, null, 42, '', 'Bearer ', 'Bearer x.y.z', { token: 1 }]) {
      expect(await authorizeRequest(deps, { authorizationToken })).toEqual({ isAuthorized: false });
    }
    const payload = await signup(deps, { email: 'a@example.org', password: PASSWORD });
    const broken = {
      ...deps,
      sessions: {
        ...deps.sessions,
        getSessionWithUser: () => Promise.reject(new Error('connection refused')),
      },
    };
    const decision = await evaluateAuthorization(broken, { authorizationToken: payload.accessToken });
    // Not cached: the next request should be able to succeed once the database is back.
    expect(decision.answer).toEqual({ isAuthorized: false, ttlOverride: 0 });
    expect(decision.error).toBeInstanceOf(Error);
  });

  it('refuses a token whose session belongs to someone else', async () => {
    const deps = newDeps();
    const a = await signup(deps, { email: 'a@example.org', password: PASSWORD });
    const b = await signup(deps, { email: 'b@example.org', password: PASSWORD });
    const session = deps.store.sessionRows.get(callerOf(a).sessionId);
    if (session) session.userId = b.user.id;
    const decision = await evaluateAuthorization(deps, { authorizationToken: a.accessToken });
    expect(decision.denyReason).toBe('unknown session');
  });
});

describe('users and roles', () => {
  async function withAdmin() {
    const deps = newDeps();
    const admin = deps.store.addUser({ email: 'boss@example.org', role: 'ADMIN' });
    const caller: Caller = { userId: admin.id, role: 'ADMIN', sessionId: randomUUID(), email: admin.email };
    return { deps, admin, caller };
  }

  it('lets an ADMIN change a role and records who, when, from and to', async () => {
    const { deps, admin, caller } = await withAdmin();
    const user = deps.store.addUser({ email: 'u@example.org' });
    const updated = await setUserRole(deps, { caller, userId: user.id, role: 'OPS' });
    expect(updated).toMatchObject({ id: user.id, role: 'OPS' });
    expect(deps.store.roleChanges).toEqual([
      { userId: user.id, actorId: admin.id, at: deps.clock.now(), from: 'USER', to: 'OPS' },
    ]);
  });

  it('forbids non-admins, including an admin demoted since the authorizer cached their role', async () => {
    const { deps, admin, caller } = await withAdmin();
    const user = deps.store.addUser({ email: 'u@example.org' });
    const asOps = { ...caller, role: 'OPS' as const };
    expect(
      await failure(setUserRole(deps, { caller: asOps, userId: user.id, role: 'ADMIN' })),
    ).toBeInstanceOf(ForbiddenError);
    const other = deps.store.addUser({ email: 'other-admin@example.org', role: 'ADMIN' });
    admin.role = 'USER';
    expect(await failure(setUserRole(deps, { caller, userId: other.id, role: 'USER' }))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(deps.store.roleChanges).toEqual([]);
  });

  it('validates the target and role, and refuses to demote the last admin', async () => {
    const { deps, admin, caller } = await withAdmin();
    const bad = await failure(setUserRole(deps, { caller, userId: 'nope', role: 'OPS' }));
    expect((bad as ValidationError).field).toBe('userId');
    const badRole = await failure(setUserRole(deps, { caller, userId: admin.id, role: 'ROOT' }));
    expect((badRole as ValidationError).field).toBe('role');
    expect(await failure(setUserRole(deps, { caller, userId: randomUUID(), role: 'OPS' }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await failure(setUserRole(deps, { caller, userId: admin.id, role: 'USER' }))).toBeInstanceOf(
      ConflictError,
    );
  });

  it('gets one user and pages through all of them', async () => {
    const { deps, admin } = await withAdmin();
    for (let i = 0; i < 4; i += 1) deps.store.addUser({ email: `u${i}@example.org` });
    expect(await getUser(deps, { userId: admin.id })).toMatchObject({
      email: 'boss@example.org',
      role: 'ADMIN',
    });
    expect(await failure(getUser(deps, { userId: randomUUID() }))).toBeInstanceOf(NotFoundError);
    const first = await listUsers(deps, { page: pageRequest(2, null) });
    const second = await listUsers(deps, { page: pageRequest(2, first.nextToken) });
    const third = await listUsers(deps, { page: pageRequest(2, second.nextToken) });
    const emails = [...first.items, ...second.items, ...third.items].map((u) => u.email);
    expect(emails).toEqual([
      'boss@example.org',
      'u0@example.org',
      'u1@example.org',
      'u2@example.org',
      'u3@example.org',
    ]);
    expect(third.nextToken).toBeNull();
    expect(() => pageRequest(2, 'garbage!')).toThrow(expect.objectContaining({ field: 'nextToken' }));
  });
});

describe('bootstrapAdmin', () => {
  it('creates the first admin once and is idempotent afterwards', async () => {
    const deps = newDeps();
    const first = await bootstrapAdmin(deps, { email: 'Root@Example.org', password: PASSWORD });
    expect(first).toMatchObject({ created: true, user: { email: 'root@example.org', role: 'ADMIN' } });
    const again = await bootstrapAdmin(deps, { email: 'root@example.org', password: PASSWORD });
    expect(again).toEqual({ created: false, user: first.user });
    const other = await bootstrapAdmin(deps, { email: 'second@example.org', password: PASSWORD });
    expect(other).toEqual({ created: false, user: first.user });
    expect([...deps.store.users.values()].filter((u) => u.role === 'ADMIN')).toHaveLength(1);
  });

  it('refuses to promote an account someone signed up with the bootstrap e-mail', async () => {
    const deps = newDeps();
    await signup(deps, { email: 'root@example.org', password: 'squatter-password-1' });
    expect(
      await failure(bootstrapAdmin(deps, { email: 'root@example.org', password: PASSWORD })),
    ).toBeInstanceOf(ConflictError);
    expect([...deps.store.users.values()].map((u) => u.role)).toEqual(['USER']);
  });

  it('applies the password policy to the bootstrap password', async () => {
    const deps: FakeAuthDeps = newDeps();
    const error = await failure(
      bootstrapAdmin(deps, { email: 'root@example.org', password: 'admin12345678' }),
    );
    expect((error as ValidationError).field).toBe('password');
  });
});
