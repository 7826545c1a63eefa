/**
 * In-memory implementations of the auth ports (lambdas/core/auth/ports.ts) and small helpers for tests.
 * They follow the same contracts as the Postgres repositories, which the integration tests cover.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, type JWTPayload, SignJWT } from 'jose';
import type { KeyProvider, KeySet } from '../../lambdas/core/auth/keys.ts';
import type { PasswordHasher } from '../../lambdas/core/auth/password.ts';
import type {
  AuthEvents,
  RefreshTokenState,
  SessionRepo,
  ThrottleRepo,
  ThrottleState,
  UserRecord,
  UserRepo,
} from '../../lambdas/core/auth/ports.ts';
import type { AuthDeps, AuthSettings } from '../../lambdas/core/auth/service.ts';
import { FakeClock } from './clock.ts';

export { FakeClock };

export function staticKeys(initial: KeySet): KeyProvider & { set(next: KeySet): void; refreshes: number } {
  let current = initial;
  const provider = {
    refreshes: 0,
    set(next: KeySet) {
      current = next;
    },
    async getKeySet(options: { refresh?: boolean } = {}) {
      if (options.refresh) provider.refreshes += 1;
      return current;
    },
  };
  return provider;
}

/** Fast stand-in for bcrypt that records what was compared against what. */
export function fakeHasher(): PasswordHasher & { verifications: Array<{ password: string; hash: string }> } {
  const verifications: Array<{ password: string; hash: string }> = [];
  return {
    verifications,
    hash: async (password) => `fake$${password}`,
    verify: async (password, hash) => {
      verifications.push({ password, hash });
      return hash === `fake$${password}`;
    },
    dummyHash: async () => 'fake$dummy-hash-matches-nothing',
    needsRehash: () => false,
  };
}

interface StoredSession {
  id: string;
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}
interface StoredToken {
  id: string;
  sessionId: string;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface RoleChangeEvent {
  userId: string;
  actorId: string;
  at: Date;
  from: string;
  to: string;
}

export class MemoryAuthStore {
  readonly users = new Map<string, UserRecord>();
  readonly sessionRows = new Map<string, StoredSession>();
  readonly tokenRows: StoredToken[] = [];
  readonly throttleRows = new Map<string, ThrottleState>();
  readonly roleChanges: RoleChangeEvent[] = [];
  private tick = 0;

  private nextCreatedAt(): Date {
    this.tick += 1;
    return new Date(Date.parse('2025-01-01T00:00:00.000Z') + this.tick * 1000);
  }

  addUser(input: Partial<UserRecord> & { email: string }): UserRecord {
    const user: UserRecord = {
      id: input.id ?? randomUUID(),
      email: input.email,
      role: input.role ?? 'USER',
      passwordHash: input.passwordHash ?? 'fake$unused',
      createdAt: input.createdAt ?? this.nextCreatedAt(),
    };
    this.users.set(user.id, user);
    return user;
  }

  userRepo(): UserRepo {
    const byEmail = (email: string) => [...this.users.values()].find((u) => u.email === email) ?? null;
    const admins = (preferEmail: string) =>
      [...this.users.values()]
        .filter((u) => u.role === 'ADMIN')
        .sort(
          (a, b) =>
            Number(b.email === preferEmail) - Number(a.email === preferEmail) ||
            a.createdAt.getTime() - b.createdAt.getTime(),
        );
    return {
      findById: async (id) => this.users.get(id) ?? null,
      findByEmail: async (email) => byEmail(email),
      create: async (input) => (byEmail(input.email) ? null : this.addUser(input)),
      updatePasswordHash: async (id, passwordHash) => {
        const user = this.users.get(id);
        if (user) user.passwordHash = passwordHash;
      },
      recordLogin: async (id, at) => {
        const user = this.users.get(id);
        if (user) user.lastLoginAt = at;
      },
      list: async ({ limit, after }) =>
        [...this.users.values()]
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
          .filter(
            (u) =>
              !after ||
              u.createdAt.getTime() > Date.parse(after.createdAt) ||
              (u.createdAt.getTime() === Date.parse(after.createdAt) && u.id > after.id),
          )
          .slice(0, limit)
          .map((user) => ({ user, cursor: { createdAt: user.createdAt.toISOString(), id: user.id } })),
      findAdmin: async (preferEmail) => admins(preferEmail)[0] ?? null,
      createFirstAdmin: async (input) => {
        const admin = admins(input.email)[0];
        if (admin) return { status: 'adminExists', admin };
        if (byEmail(input.email)) return { status: 'emailTaken' };
        return { status: 'created', user: this.addUser({ ...input, role: 'ADMIN' }) };
      },
      changeRole: async ({ userId, role, actorId, at }) => {
        const user = this.users.get(userId);
        if (!user) return { status: 'notFound' };
        if (user.role === role) return { status: 'unchanged', user };
        if (user.role === 'ADMIN' && admins('').length <= 1) return { status: 'lastAdmin' };
        const before = user.role;
        user.role = role;
        this.roleChanges.push({ userId, actorId, at, from: before, to: role });
        return { status: 'updated', before, user };
      },
    };
  }

  sessionRepo(): SessionRepo {
    return {
      createSession: async ({ userId, expiresAt, refreshToken }) => {
        const id = randomUUID();
        this.sessionRows.set(id, { id, userId, expiresAt, revokedAt: null, revokedReason: null });
        this.tokenRows.push({ id: randomUUID(), sessionId: id, usedAt: null, ...refreshToken });
        return { sessionId: id };
      },
      rotateRefreshToken: async (tokenHash, decide) => {
        const token = this.tokenRows.find((t) => t.tokenHash === tokenHash);
        const session = token && this.sessionRows.get(token.sessionId);
        const user = session && this.users.get(session.userId);
        if (!token || !session || !user) return null;
        const state: RefreshTokenState = {
          tokenId: token.id,
          sessionId: session.id,
          tokenExpiresAt: token.expiresAt,
          usedAt: token.usedAt,
          sessionExpiresAt: session.expiresAt,
          sessionRevokedAt: session.revokedAt,
          user: {
            id: user.id,
            email: user.email,
            role: user.role,
            createdAt: user.createdAt,
            lastLoginAt: user.lastLoginAt ?? null,
          },
        };
        const decision = decide(state);
        if (decision.action === 'rotate') {
          token.usedAt = decision.at;
          this.tokenRows.push({ id: randomUUID(), sessionId: session.id, usedAt: null, ...decision.next });
        } else if (decision.action === 'revokeSession' && !session.revokedAt) {
          session.revokedAt = decision.at;
          session.revokedReason = decision.reason;
        }
        return { state, decision };
      },
      revokeSession: async ({ sessionId, userId, reason, at }) => {
        const session = this.sessionRows.get(sessionId);
        if (session && session.userId === userId && !session.revokedAt) {
          session.revokedAt = at;
          session.revokedReason = reason;
        }
      },
      getSessionWithUser: async (sessionId) => {
        const session = this.sessionRows.get(sessionId);
        const user = session && this.users.get(session.userId);
        if (!session || !user) return null;
        return {
          sessionId: session.id,
          userId: session.userId,
          expiresAt: session.expiresAt,
          revokedAt: session.revokedAt,
          user: { email: user.email, role: user.role },
        };
      },
    };
  }

  throttleRepo(): ThrottleRepo {
    return {
      update: async (key, update) => {
        const state = this.throttleRows.get(key) ?? { failures: 0, lockedUntil: null, lastFailureAt: null };
        const { next, result } = update(state);
        this.throttleRows.set(key, next);
        return result;
      },
      reset: async (key) => {
        this.throttleRows.delete(key);
      },
    };
  }
}

export const TEST_AUTH_SETTINGS: AuthSettings = {
  issuer: 'ai-ops-test',
  audience: 'ai-ops-api-test',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  authorizerTtlSeconds: 60,
};

export function recordingEvents(): AuthEvents & { failures: string[]; reused: string[] } {
  const failures: string[] = [];
  const reused: string[] = [];
  return {
    failures,
    reused,
    loginFailed: (reason) => {
      failures.push(reason);
    },
    refreshTokenReused: (sessionId) => reused.push(sessionId),
  };
}

export type FakeAuthDeps = AuthDeps & {
  store: MemoryAuthStore;
  clock: FakeClock;
  passwords: ReturnType<typeof fakeHasher>;
  keys: ReturnType<typeof staticKeys>;
  events: ReturnType<typeof recordingEvents>;
};

export function fakeAuthDeps(keySet: KeySet, config: Partial<AuthSettings> = {}): FakeAuthDeps {
  const store = new MemoryAuthStore();
  return {
    store,
    users: store.userRepo(),
    sessions: store.sessionRepo(),
    throttle: store.throttleRepo(),
    passwords: fakeHasher(),
    keys: staticKeys(keySet),
    clock: new FakeClock(),
    config: { ...TEST_AUTH_SETTINGS, ...config },
    events: recordingEvents(),
  };
}

/** Signs arbitrary header/payload with a key-set key, to forge the tokens verification must refuse. */
export async function signRaw(
  privateJwk: object,
  header: { alg: string; kid?: string; typ?: string },
  payload: JWTPayload,
): Promise<string> {
  const key = await importJWK(privateJwk, header.alg);
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

export const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
