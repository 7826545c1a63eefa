/**
 * Drizzle repositories behind the auth ports (lambdas/core/auth/ports.ts). Operations that must be atomic
 * run in one transaction with row locks; the rule itself arrives as a callback from the domain.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type {
  FirstAdminResult,
  RefreshTokenState,
  RoleChangeResult,
  RotationDecision,
  SessionRepo,
  SessionWithUser,
  ThrottleRepo,
  ThrottleState,
  UserCursor,
  UserRepo,
  UserStatus,
} from '../../core/auth/ports.ts';
import type { Role } from '../../core/auth/roles.ts';
import { insertAudit } from './audit-repo.ts';
import type { Database } from './client.ts';
import { cursorTimestamp, pastCursor } from './cursor.ts';
import { changeEvents, loginThrottle, refreshTokens, sessions, users } from './schema.ts';

// One advisory lock serialises changes to the set of admins (bootstrap and role changes): they are rare,
// and it rules out both a double bootstrap and two admins demoting each other at the same moment.
export const ADMIN_SET_LOCK = sql`select pg_advisory_xact_lock(hashtext('ai-ops:admin-set'))`;

/** A user's status from its columns (core/auth/ports.ts UserStatus). */
export const userStatus = sql<UserStatus>`case
  when ${users.deletedAt} is not null then 'DELETED'
  when ${users.disabledAt} is not null then 'DISABLED'
  when ${users.passwordSetAt} is null then 'INVITED'
  else 'ACTIVE' end`;

/** ADMINs who can sign in and act now (not invited only, disabled or deleted): a set that must never empty. */
export const enabledAdmin = sql`${users.role} = 'ADMIN' and ${userStatus} = 'ACTIVE'`;

export const userColumns = {
  id: users.id,
  email: users.email,
  role: users.role,
  passwordHash: users.passwordHash,
  createdAt: users.createdAt,
  status: userStatus,
  lastLoginAt: users.lastLoginAt,
};

// Microsecond precision, so a page boundary never skips or repeats rows created in the same millisecond.
const createdAtText = cursorTimestamp(users.createdAt);

export function createUserRepo(db: Database): UserRepo {
  return {
    async findById(id) {
      const [row] = await db.select(userColumns).from(users).where(eq(users.id, id)).limit(1);
      return row ?? null;
    },

    async findByEmail(email) {
      const [row] = await db.select(userColumns).from(users).where(eq(users.email, email)).limit(1);
      return row ?? null;
    },

    async create(input) {
      const [row] = await db
        .insert(users)
        .values({ email: input.email, passwordHash: input.passwordHash, role: input.role })
        .onConflictDoNothing({ target: users.email })
        .returning(userColumns);
      return row ?? null;
    },

    async updatePasswordHash(id, passwordHash) {
      await db.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, id));
    },

    async recordLogin(id, at) {
      await db.update(users).set({ lastLoginAt: at }).where(eq(users.id, id));
    },

    async list({ limit, after }) {
      const rows = await db
        .select({ ...userColumns, cursorAt: createdAtText })
        .from(users)
        .where(pastCursor(users.createdAt, users.id, after, 'asc'))
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(limit);
      return rows.map(({ cursorAt, ...user }) => ({
        user,
        cursor: { createdAt: cursorAt, id: user.id } satisfies UserCursor,
      }));
    },

    async findAdmin(preferEmail) {
      const [row] = await db
        .select(userColumns)
        .from(users)
        .where(eq(users.role, 'ADMIN'))
        .orderBy(sql`${users.email} = ${preferEmail} desc`, asc(users.createdAt))
        .limit(1);
      return row ?? null;
    },

    createFirstAdmin: (input) => createFirstAdmin(db, input),

    changeRole: (change) => changeRole(db, change),
  };
}

export function createSessionRepo(db: Database): SessionRepo {
  return {
    async createSession({ userId, expiresAt, refreshToken }) {
      return db.transaction(async (tx) => {
        const [session] = await tx
          .insert(sessions)
          .values({ userId, expiresAt })
          .returning({ id: sessions.id });
        if (!session) throw new Error('session insert returned no row');
        await tx.insert(refreshTokens).values({
          sessionId: session.id,
          tokenHash: refreshToken.tokenHash,
          expiresAt: refreshToken.expiresAt,
        });
        return { sessionId: session.id };
      });
    },

    rotateRefreshToken: (tokenHash, decide) => rotateRefreshToken(db, tokenHash, decide),

    async revokeSession({ sessionId, userId, reason, at }) {
      await db
        .update(sessions)
        .set({ revokedAt: at, revokedReason: reason })
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    },

    async getSessionWithUser(sessionId): Promise<SessionWithUser | null> {
      const [row] = await db
        .select({
          sessionId: sessions.id,
          userId: sessions.userId,
          expiresAt: sessions.expiresAt,
          revokedAt: sessions.revokedAt,
          email: users.email,
          role: users.role,
          status: userStatus,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.id, sessionId))
        .limit(1);
      if (!row) return null;
      const { email, role, status, ...session } = row;
      return { ...session, user: { email, role: role satisfies Role, status } };
    },
  };
}

export function createThrottleRepo(db: Database): ThrottleRepo {
  return {
    async update(key, update) {
      return db.transaction(async (tx) => {
        // Insert first: SELECT ... FOR UPDATE cannot lock a row that does not exist yet.
        await tx.insert(loginThrottle).values({ key }).onConflictDoNothing({ target: loginThrottle.key });
        const [row] = await tx
          .select({
            failures: loginThrottle.failures,
            lockedUntil: loginThrottle.lockedUntil,
            lastFailureAt: loginThrottle.lastFailureAt,
          })
          .from(loginThrottle)
          .where(eq(loginThrottle.key, key))
          .for('update');
        const state: ThrottleState = row ?? { failures: 0, lockedUntil: null, lastFailureAt: null };
        const { next, result } = update(state);
        await tx
          .update(loginThrottle)
          .set({ failures: next.failures, lockedUntil: next.lockedUntil, lastFailureAt: next.lastFailureAt })
          .where(eq(loginThrottle.key, key));
        return result;
      });
    },

    async reset(key) {
      await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
    },
  };
}

export function createAuthRepos(db: Database): {
  users: UserRepo;
  sessions: SessionRepo;
  throttle: ThrottleRepo;
} {
  return { users: createUserRepo(db), sessions: createSessionRepo(db), throttle: createThrottleRepo(db) };
}

/** The first admin, unless one exists: serialized with every other change to the set of admins. */
function createFirstAdmin(
  db: Database,
  input: Parameters<UserRepo['createFirstAdmin']>[0],
): Promise<FirstAdminResult> {
  return db.transaction(async (tx) => {
    await tx.execute(ADMIN_SET_LOCK);
    const [admin] = await tx
      .select(userColumns)
      .from(users)
      .where(eq(users.role, 'ADMIN'))
      .orderBy(sql`${users.email} = ${input.email} desc`, asc(users.createdAt))
      .limit(1);
    if (admin) return { status: 'adminExists', admin };
    const [user] = await tx
      .insert(users)
      .values({ email: input.email, passwordHash: input.passwordHash, role: 'ADMIN' })
      .onConflictDoNothing({ target: users.email })
      .returning(userColumns);
    return user ? { status: 'created', user } : { status: 'emailTaken' };
  });
}

/** A role change that never demotes the last admin, recorded in the history. */
function changeRole(
  db: Database,
  { userId, role, actorId, at }: Parameters<UserRepo['changeRole']>[0],
): Promise<RoleChangeResult> {
  return db.transaction(async (tx) => {
    await tx.execute(ADMIN_SET_LOCK);
    const [current] = await tx.select(userColumns).from(users).where(eq(users.id, userId)).for('update');
    if (!current) return { status: 'notFound' };
    if (current.role === role) return { status: 'unchanged', user: current };
    if (current.role === 'ADMIN' && current.status === 'ACTIVE') {
      const [count] = await tx.select({ admins: sql<number>`count(*)::int` }).from(users).where(enabledAdmin);
      if ((count?.admins ?? 0) <= 1) return { status: 'lastAdmin' };
    }
    const [user] = await tx
      .update(users)
      .set({ role, updatedAt: at })
      .where(eq(users.id, userId))
      .returning(userColumns);
    if (!user) return { status: 'notFound' };
    await tx.insert(changeEvents).values({
      entityType: 'user',
      entityId: userId,
      action: 'role_changed',
      actorId,
      at,
      changes: { role: { from: current.role, to: role } },
      snapshot: { id: userId, role },
    });
    await insertAudit(tx, {
      actor: { id: actorId },
      action: 'USER_ROLE_CHANGED',
      target: { type: 'user', id: userId, label: user.email },
      details: { from: current.role, to: role },
    });
    return { status: 'updated', before: current.role, user };
  });
}

/**
 * One step of a refresh-token family, under a lock on the token and its session: the use case decides from
 * the token's state (rotate, revoke the family on reuse, refuse), and the decision is applied in the same
 * transaction.
 */
function rotateRefreshToken(
  db: Database,
  tokenHash: string,
  decide: Parameters<SessionRepo['rotateRefreshToken']>[1],
): ReturnType<SessionRepo['rotateRefreshToken']> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        tokenId: refreshTokens.id,
        sessionId: refreshTokens.sessionId,
        tokenExpiresAt: refreshTokens.expiresAt,
        usedAt: refreshTokens.usedAt,
        sessionExpiresAt: sessions.expiresAt,
        sessionRevokedAt: sessions.revokedAt,
        userId: users.id,
        email: users.email,
        role: users.role,
        createdAt: users.createdAt,
        lastLoginAt: users.lastLoginAt,
      })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(refreshTokens.tokenHash, tokenHash))
      // Locking the session too serialises every rotation and revocation of the family.
      .for('update', { of: [refreshTokens, sessions] });
    if (!row) return null;
    const state: RefreshTokenState = {
      tokenId: row.tokenId,
      sessionId: row.sessionId,
      tokenExpiresAt: row.tokenExpiresAt,
      usedAt: row.usedAt,
      sessionExpiresAt: row.sessionExpiresAt,
      sessionRevokedAt: row.sessionRevokedAt,
      user: {
        id: row.userId,
        email: row.email,
        role: row.role,
        createdAt: row.createdAt,
        lastLoginAt: row.lastLoginAt,
      },
    };
    const decision: RotationDecision = decide(state);
    if (decision.action === 'rotate') {
      await tx.update(refreshTokens).set({ usedAt: decision.at }).where(eq(refreshTokens.id, state.tokenId));
      await tx.insert(refreshTokens).values({
        sessionId: state.sessionId,
        tokenHash: decision.next.tokenHash,
        expiresAt: decision.next.expiresAt,
      });
    } else if (decision.action === 'revokeSession') {
      await tx
        .update(sessions)
        .set({ revokedAt: decision.at, revokedReason: decision.reason })
        .where(and(eq(sessions.id, state.sessionId), isNull(sessions.revokedAt)));
    }
    return { state, decision };
  });
}
