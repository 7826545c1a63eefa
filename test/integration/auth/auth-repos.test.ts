import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthRepos } from '../../../lambdas/adapters/db/auth-repos.ts';
import { changeEvents, loginThrottle, sessions, users } from '../../../lambdas/adapters/db/schema.ts';
import { generateKeySet, type KeySet } from '../../../lambdas/core/auth/keys.ts';
import type { UserRecord } from '../../../lambdas/core/auth/ports.ts';
import type { Caller } from '../../../lambdas/core/auth/roles.ts';
import {
  type AuthDeps,
  authorizeRequest,
  listUsers,
  login,
  logout,
  refreshSession,
  setUserRole,
  signup,
} from '../../../lambdas/core/auth/service.ts';
import { throttleKey } from '../../../lambdas/core/auth/throttle.ts';
import { ConflictError, RateLimitedError, UnauthorizedError } from '../../../lambdas/core/errors.ts';
import { pageRequest } from '../../../lambdas/core/pagination.ts';
import {
  FakeClock,
  fakeHasher,
  recordingEvents,
  staticKeys,
  TEST_AUTH_SETTINGS,
} from '../../support/auth-fakes.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const PASSWORD = 'violet-harbour-lantern';
let database: TestDatabase;
let keySet: KeySet;
let deps: AuthDeps & { clock: FakeClock; events: ReturnType<typeof recordingEvents> };

beforeAll(async () => {
  database = await createTestDatabase();
  keySet = await generateKeySet();
  deps = {
    ...createAuthRepos(database.db),
    passwords: fakeHasher(),
    keys: staticKeys(keySet),
    clock: new FakeClock(Date.now()),
    config: TEST_AUTH_SETTINGS,
    events: recordingEvents(),
  };
});
afterAll(async () => {
  await database?.close();
});

const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);
const email = () => `u-${randomUUID().slice(0, 8)}@example.org`;

function callerFrom(accessToken: string, user: { id: string; email: string; role: Caller['role'] }): Caller {
  const sid = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()).sid;
  return { userId: user.id, role: user.role, sessionId: sid, email: user.email };
}

async function makeAdmin(): Promise<UserRecord> {
  const [row] = await database.db
    .insert(users)
    .values({ email: email(), passwordHash: 'fake$x', role: 'ADMIN' })
    .returning();
  if (!row) throw new Error('no admin');
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    passwordHash: row.passwordHash,
    createdAt: row.createdAt,
  };
}

describe('users', () => {
  it('creates exactly one account when the same e-mail signs up twice at once', async () => {
    const address = email();
    const results = await settle([
      signup(deps, { email: address, password: PASSWORD }),
      signup(deps, { email: address.toUpperCase(), password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(ConflictError);
    expect(await database.db.select().from(users).where(eq(users.email, address))).toHaveLength(1);
  });

  it('pages through users created in the same instant without skipping or repeating any', async () => {
    const fresh = await createTestDatabase();
    try {
      const repos = createAuthRepos(fresh.db);
      // One statement: every row gets the same now(), so the id must break ties.
      await fresh.db
        .insert(users)
        .values(
          Array.from({ length: 7 }, (_, i) => ({ email: `same-${i}@example.org`, passwordHash: 'fake$x' })),
        );
      const seen: string[] = [];
      let nextToken: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listUsers>> = await listUsers(repos, {
          page: pageRequest(3, nextToken),
        });
        seen.push(...page.items.map((u) => u.email));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `same-${i}@example.org`).sort());
    } finally {
      await fresh.close();
    }
  });

  it('records a role change in change_events with actor, time and from/to, in the same transaction', async () => {
    const admin = await makeAdmin();
    const target = await signup(deps, { email: email(), password: PASSWORD });
    const caller: Caller = { userId: admin.id, role: 'ADMIN', sessionId: randomUUID(), email: admin.email };
    const updated = await setUserRole(deps, { caller, userId: target.user.id, role: 'OPS' });
    expect(updated.role).toBe('OPS');
    const events = await database.db
      .select()
      .from(changeEvents)
      .where(and(eq(changeEvents.entityType, 'user'), eq(changeEvents.entityId, target.user.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'role_changed',
      actorId: admin.id,
      at: deps.clock.now(),
      changes: { role: { from: 'USER', to: 'OPS' } },
    });
    // Setting the same role again changes nothing and records nothing.
    await setUserRole(deps, { caller, userId: target.user.id, role: 'OPS' });
    expect(
      await database.db.select().from(changeEvents).where(eq(changeEvents.entityId, target.user.id)),
    ).toHaveLength(1);
  });

  it('never lets two admins demote each other into having no admin at all', async () => {
    const fresh = await createTestDatabase();
    try {
      const repos = createAuthRepos(fresh.db);
      const [a, b] = await fresh.db
        .insert(users)
        .values([
          { email: 'a@example.org', passwordHash: 'fake$x', role: 'ADMIN' },
          { email: 'b@example.org', passwordHash: 'fake$x', role: 'ADMIN' },
        ])
        .returning();
      if (!a || !b) throw new Error('no admins');
      const at = new Date();
      const results = await Promise.all([
        repos.users.changeRole({ userId: a.id, role: 'USER', actorId: b.id, at }),
        repos.users.changeRole({ userId: b.id, role: 'USER', actorId: a.id, at }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['lastAdmin', 'updated']);
      expect(await fresh.db.select().from(users).where(eq(users.role, 'ADMIN'))).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it('creates only one first admin when two bootstraps race', async () => {
    const fresh = await createTestDatabase();
    try {
      const repos = createAuthRepos(fresh.db);
      const results = await Promise.all([
        repos.users.createFirstAdmin({ email: 'one@example.org', passwordHash: 'fake$x' }),
        repos.users.createFirstAdmin({ email: 'two@example.org', passwordHash: 'fake$x' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['adminExists', 'created']);
      expect(await fresh.db.select().from(users).where(eq(users.role, 'ADMIN'))).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('refresh-token rotation', () => {
  it('lets only one of two concurrent uses of a refresh token succeed, and revokes the family', async () => {
    const payload = await signup(deps, { email: email(), password: PASSWORD });
    const results = await settle([
      refreshSession(deps, { refreshToken: payload.refreshToken }),
      refreshSession(deps, { refreshToken: payload.refreshToken }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(UnauthorizedError);
    const sid = callerFrom(payload.accessToken, payload.user).sessionId;
    const [session] = await database.db.select().from(sessions).where(eq(sessions.id, sid));
    expect(session?.revokedReason).toBe('refresh_token_reuse');
  });

  it('revokes the whole family on reuse so the newest token stops working too', async () => {
    const payload = await signup(deps, { email: email(), password: PASSWORD });
    const second = await refreshSession(deps, { refreshToken: payload.refreshToken });
    const third = await refreshSession(deps, { refreshToken: second.refreshToken });
    await expect(refreshSession(deps, { refreshToken: payload.refreshToken })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await expect(refreshSession(deps, { refreshToken: third.refreshToken })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect((await authorizeRequest(deps, { authorizationToken: third.accessToken })).isAuthorized).toBe(
      false,
    );
  });

  it('stores only the SHA-256 of refresh tokens', async () => {
    const payload = await signup(deps, { email: email(), password: PASSWORD });
    const rows = await database.sql`select token_hash from refresh_tokens`;
    expect(rows.some((r) => r.token_hash === payload.refreshToken)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(String(r.token_hash)))).toBe(true);
  });
});

describe('sessions and the authorizer', () => {
  it('sees logout and a role change on the very next request', async () => {
    const admin = await makeAdmin();
    const payload = await signup(deps, { email: email(), password: PASSWORD });
    const before = await authorizeRequest(deps, { authorizationToken: `Bearer ${payload.accessToken}` });
    expect(before.resolverContext?.role).toBe('USER');
    await setUserRole(deps, {
      caller: { userId: admin.id, role: 'ADMIN', sessionId: randomUUID(), email: admin.email },
      userId: payload.user.id,
      role: 'HR',
    });
    const promoted = await authorizeRequest(deps, { authorizationToken: `Bearer ${payload.accessToken}` });
    expect(promoted.resolverContext?.role).toBe('HR');
    expect(promoted.deniedFields).toContain('LogEntry.raw');
    await logout(deps, { caller: callerFrom(payload.accessToken, payload.user) });
    expect(await authorizeRequest(deps, { authorizationToken: payload.accessToken })).toEqual({
      isAuthorized: false,
    });
  });

  it('does not let one user revoke another user session', async () => {
    const victim = await signup(deps, { email: email(), password: PASSWORD });
    const attacker = await signup(deps, { email: email(), password: PASSWORD });
    const forged = {
      ...callerFrom(attacker.accessToken, attacker.user),
      sessionId: callerFrom(victim.accessToken, victim.user).sessionId,
    };
    await logout(deps, { caller: forged });
    expect((await authorizeRequest(deps, { authorizationToken: victim.accessToken })).isAuthorized).toBe(
      true,
    );
  });
});

describe('login throttle', () => {
  it('lets at most 5 of 12 simultaneous wrong guesses reach the password check', async () => {
    const address = email();
    await signup(deps, { email: address, password: PASSWORD });
    const hasher = fakeHasher();
    const guessing = { ...deps, passwords: hasher };
    const results = await settle(
      Array.from({ length: 12 }, () => login(guessing, { email: address, password: 'wrong-guess-here' })),
    );
    const reasons = results.map((r) => (r.status === 'rejected' ? r.reason : null));
    expect(reasons.filter((e) => e instanceof UnauthorizedError)).toHaveLength(5);
    expect(reasons.filter((e) => e instanceof RateLimitedError)).toHaveLength(7);
    expect(hasher.verifications).toHaveLength(5);
    const [row] = await database.db
      .select()
      .from(loginThrottle)
      .where(eq(loginThrottle.key, throttleKey(address)));
    expect(row?.failures).toBe(5);
    expect(row?.lockedUntil?.getTime()).toBe(deps.clock.now().getTime() + 30_000);
  });

  it('keys the throttle by a hash, never by the e-mail itself, and clears it on success', async () => {
    const address = email();
    await signup(deps, { email: address, password: PASSWORD });
    await expect(login(deps, { email: address, password: 'wrong-guess-here' })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const keys = (await database.db.select({ key: loginThrottle.key }).from(loginThrottle)).map((r) => r.key);
    expect(keys).toContain(throttleKey(address));
    expect(keys.some((k) => k.includes('@'))).toBe(false);
    await login(deps, { email: address, password: PASSWORD });
    expect(
      await database.db
        .select()
        .from(loginThrottle)
        .where(eq(loginThrottle.key, throttleKey(address))),
    ).toHaveLength(0);
  });
});
