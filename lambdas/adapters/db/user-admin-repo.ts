/**
 * User administration on Postgres (core/use-cases/users.ts UserAdminRepo). Every admin action runs in one
 * transaction under the admin-set lock: it checks that the actor is still an enabled ADMIN, that no change
 * leaves the application without one, applies the change and writes its audit entry.
 */
import { and, asc, count, eq, ilike, inArray, isNull, ne, type SQL, sql } from 'drizzle-orm';
import type { UserRecord } from '../../core/auth/ports.ts';
import type { Actor } from '../../core/use-cases/audit.ts';
import type {
  AdminActionResult,
  DeletedContent,
  TokenState,
  UserAdminRepo,
  UserFilter,
} from '../../core/use-cases/users.ts';
import { insertAudit } from './audit-repo.ts';
import { ADMIN_SET_LOCK, enabledAdmin, userColumns, userStatus } from './auth-repos.ts';
import type { Database } from './client.ts';
import { cursorTimestamp, pastCursor } from './cursor.ts';
import { claimIdempotencyKey } from './idempotency.ts';
import type { Transaction } from './job-repo.ts';
import {
  changeEvents,
  changelogs,
  idempotencyKeys,
  jobs,
  logEntries,
  passwordTokens,
  sessions,
  tickets,
  users,
} from './schema.ts';

const createdAtText = cursorTimestamp(users.createdAt);

function filterOf(filter: UserFilter): SQL | undefined {
  return and(
    filter.role ? eq(users.role, filter.role) : undefined,
    filter.status ? sql`${userStatus} = ${filter.status}` : sql`${userStatus} <> 'DELETED'`,
    filter.email ? ilike(users.email, `%${filter.email.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
  );
}

/** The actor, re-read under the lock: a demoted or disabled admin's cached authorization must not act. */
async function actorIsAdmin(tx: Transaction, actor: Actor): Promise<boolean> {
  const [row] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, actor.id), enabledAdmin));
  return row !== undefined;
}

type Locked =
  | { user: UserRecord; refused: null }
  | { user: null; refused: Extract<AdminActionResult, { status: 'notFound' | 'actorNotAdmin' }> };

/** Locks the target (never a tombstone) after checking the actor; the shared start of every admin action. */
async function lockTarget(tx: Transaction, actor: Actor, userId: string): Promise<Locked> {
  await tx.execute(ADMIN_SET_LOCK);
  if (!(await actorIsAdmin(tx, actor))) return { user: null, refused: { status: 'actorNotAdmin' } };
  const [user] = await tx.select(userColumns).from(users).where(eq(users.id, userId)).for('update');
  if (!user || user.status === 'DELETED') return { user: null, refused: { status: 'notFound' } };
  return { user, refused: null };
}

/** Whether removing `user` from the enabled admins would leave none. */
async function isLastAdmin(tx: Transaction, user: UserRecord): Promise<boolean> {
  if (user.role !== 'ADMIN' || user.status !== 'ACTIVE') return false;
  const [row] = await tx
    .select({ others: count() })
    .from(users)
    .where(and(enabledAdmin, ne(users.id, user.id)));
  return (row?.others ?? 0) === 0;
}

async function reread(tx: Transaction, userId: string): Promise<UserRecord> {
  const [user] = await tx.select(userColumns).from(users).where(eq(users.id, userId));
  if (!user) throw new Error('A user changed in this transaction could not be read back');
  return user;
}

const endSessions = (tx: Transaction, userId: string, reason: string, keep?: string) =>
  tx
    .update(sessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(
      and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep ? ne(sessions.id, keep) : undefined),
    );

export function createUserAdminRepo(db: Database): UserAdminRepo {
  return {
    async list(filter, page) {
      const rows = await db
        .select({ ...userColumns, cursorAt: createdAtText })
        .from(users)
        .where(and(filterOf(filter), pastCursor(users.createdAt, users.id, page.after, 'asc')))
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(page.limit);
      return rows.map(({ cursorAt, ...row }) => ({ row, cursor: { createdAt: cursorAt, id: row.id } }));
    },

    async get(id) {
      const [row] = await db.select(userColumns).from(users).where(eq(users.id, id));
      return row ?? null;
    },

    createInvited: (input) => createInvited(db, input),
    setDisabled: (input) => setDisabled(db, input),
    remove: (input) => removeUser(db, input),
    issueToken: (input) => issueToken(db, input),

    async findToken(tokenHash) {
      const [row] = await selectToken(db, tokenHash);
      return row ?? null;
    },

    redeemToken: (input, check) => redeemToken(db, input, check),

    async changePassword({ userId, passwordHash, keepSessionId }) {
      await db.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ passwordHash, passwordSetAt: sql`now()`, updatedAt: sql`now()` })
          .where(eq(users.id, userId));
        await endSessions(tx, userId, 'password_changed', keepSessionId);
        const user = await reread(tx, userId);
        await insertAudit(tx, {
          actor: { id: userId, email: user.email },
          action: 'USER_PASSWORD_CHANGED',
          target: { type: 'user', id: userId, label: user.email },
        });
      });
    },
  };
}

function createInvited(db: Database, input: Parameters<UserAdminRepo['createInvited']>[0]) {
  return db.transaction(async (tx): ReturnType<UserAdminRepo['createInvited']> => {
    await tx.execute(ADMIN_SET_LOCK);
    if (!(await actorIsAdmin(tx, input.actor))) return { status: 'actorNotAdmin' };
    const id = crypto.randomUUID();
    if (input.idempotency) {
      const claim = {
        ownerId: input.actor.id,
        operation: 'createUser' as const,
        request: input.idempotency,
        resourceId: id,
      };
      const existing = await claimIdempotencyKey(tx, claim);
      if (existing) {
        const [user] = await tx.select(userColumns).from(users).where(eq(users.id, existing));
        return user ? { status: 'repeat', user } : { status: 'emailTaken' };
      }
    }
    const [user] = await tx
      .insert(users)
      .values({
        id,
        email: input.email,
        passwordHash: input.passwordHash,
        role: input.role,
        passwordSetAt: null,
      })
      .onConflictDoNothing({ target: users.email })
      .returning(userColumns);
    if (!user) {
      // The key must not keep pointing at a user that was never created.
      if (input.idempotency) {
        await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.resourceId, id));
      }
      return { status: 'emailTaken' };
    }
    await tx.insert(passwordTokens).values({ userId: id, createdBy: input.actor.id, ...input.token });
    await insertAudit(tx, {
      actor: input.actor,
      action: 'USER_CREATED',
      target: { type: 'user', id, label: user.email },
      details: { role: input.role, inviteExpiresAt: input.token.expiresAt.toISOString() },
    });
    return { status: 'created', user };
  });
}

function setDisabled(db: Database, input: Parameters<UserAdminRepo['setDisabled']>[0]) {
  return db.transaction(async (tx): Promise<AdminActionResult> => {
    const { user, refused } = await lockTarget(tx, input.actor, input.userId);
    if (refused) return refused;
    const disabledNow = user.status === 'DISABLED';
    if (disabledNow === input.disabled) return { status: 'unchanged', user };
    if (input.disabled && (await isLastAdmin(tx, user))) return { status: 'lastAdmin' };
    await tx
      .update(users)
      .set({ disabledAt: input.disabled ? sql`now()` : null, updatedAt: sql`now()` })
      .where(eq(users.id, user.id));
    // The authorizer refuses these sessions at once; answers it cached expire within its TTL.
    if (input.disabled) await endSessions(tx, user.id, 'disabled');
    await insertAudit(tx, {
      actor: input.actor,
      action: input.disabled ? 'USER_DISABLED' : 'USER_ENABLED',
      target: { type: 'user', id: user.id, label: user.email },
      details: input.reason ? { reason: input.reason } : {},
    });
    return { status: 'done', user: await reread(tx, user.id) };
  });
}

function issueToken(db: Database, input: Parameters<UserAdminRepo['issueToken']>[0]) {
  return db.transaction(async (tx): Promise<AdminActionResult> => {
    const { user, refused } = await lockTarget(tx, input.actor, input.userId);
    if (refused) return refused;
    await tx
      .update(passwordTokens)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(passwordTokens.userId, user.id),
          isNull(passwordTokens.usedAt),
          isNull(passwordTokens.revokedAt),
        ),
      );
    await tx.insert(passwordTokens).values({ userId: user.id, createdBy: input.actor.id, ...input.token });
    await insertAudit(tx, {
      actor: input.actor,
      action: 'USER_PASSWORD_RESET',
      target: { type: 'user', id: user.id, label: user.email },
      details: { purpose: input.token.purpose, expiresAt: input.token.expiresAt.toISOString() },
    });
    return { status: 'done', user };
  });
}

const selectToken = (executor: Database | Transaction, tokenHash: string) =>
  executor
    .select({
      tokenId: passwordTokens.id,
      userId: passwordTokens.userId,
      email: users.email,
      userStatus,
      purpose: passwordTokens.purpose,
      expiresAt: passwordTokens.expiresAt,
      usedAt: passwordTokens.usedAt,
      revokedAt: passwordTokens.revokedAt,
    })
    .from(passwordTokens)
    .innerJoin(users, eq(users.id, passwordTokens.userId))
    .where(eq(passwordTokens.tokenHash, tokenHash));

function redeemToken(
  db: Database,
  input: Parameters<UserAdminRepo['redeemToken']>[0],
  check: (state: TokenState) => string | null,
): ReturnType<UserAdminRepo['redeemToken']> {
  return db.transaction(async (tx) => {
    // Locking the token serialises two uses of it: the second sees it used.
    const [state] = await selectToken(tx, input.tokenHash).for('update', { of: [passwordTokens, users] });
    if (!state) return { status: 'notFound' };
    const problem = check(state);
    if (problem) return { status: 'refused', problem };
    await tx.update(passwordTokens).set({ usedAt: sql`now()` }).where(eq(passwordTokens.id, state.tokenId));
    await tx
      .update(users)
      .set({ passwordHash: input.passwordHash, passwordSetAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(users.id, state.userId));
    await endSessions(tx, state.userId, 'password_set');
    await insertAudit(tx, {
      actor: { id: state.userId, email: state.email },
      action: 'USER_PASSWORD_SET',
      target: { type: 'user', id: state.userId, label: state.email },
      details: { purpose: state.purpose },
    });
    return { status: 'set', user: await reread(tx, state.userId) };
  });
}

async function contentOf(tx: Transaction, userId: string): Promise<DeletedContent & { ids: string[] }> {
  const entries = await tx
    .select({ id: logEntries.id })
    .from(logEntries)
    .where(eq(logEntries.ownerId, userId));
  const owned = await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.ownerId, userId));
  const [logs] = await tx.select({ n: count() }).from(changelogs).where(eq(changelogs.ownerId, userId));
  return {
    logEntries: entries.length,
    tickets: owned.length,
    changelogs: logs?.n ?? 0,
    ids: [...entries, ...owned].map((row) => row.id),
  };
}

/** The user's records and their history go; the user row goes last and cascades to what is left. */
async function deleteContent(tx: Transaction, userId: string, subjectIds: string[]): Promise<void> {
  if (subjectIds.length > 0) {
    const jobIds = (
      await tx.select({ id: jobs.id }).from(jobs).where(inArray(jobs.subjectId, subjectIds))
    ).map((row) => row.id);
    await tx.delete(changeEvents).where(inArray(changeEvents.entityId, [...subjectIds, ...jobIds]));
    await tx.delete(jobs).where(inArray(jobs.subjectId, subjectIds));
  }
  await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.ownerId, userId));
  await tx.delete(users).where(eq(users.id, userId));
}

/** The account becomes a tombstone: no e-mail, no usable password, no sessions or tokens; its records stay. */
async function tombstone(tx: Transaction, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({
      email: sql`'deleted-' || ${users.id}::text || '@deleted.invalid'`,
      passwordHash: '!deleted',
      role: 'USER',
      deletedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(users.id, userId));
  await tx.delete(sessions).where(eq(sessions.userId, userId));
  await tx.delete(passwordTokens).where(eq(passwordTokens.userId, userId));
}

function removeUser(db: Database, input: Parameters<UserAdminRepo['remove']>[0]) {
  return db.transaction(async (tx): ReturnType<UserAdminRepo['remove']> => {
    const { user, refused } = await lockTarget(tx, input.actor, input.userId);
    if (refused) return refused;
    if (await isLastAdmin(tx, user)) return { status: 'lastAdmin' };
    const { ids, ...content } = await contentOf(tx, user.id);
    // Written before the row goes: the entry names the address the account had.
    await insertAudit(tx, {
      actor: input.actor,
      action: 'USER_DELETED',
      target: { type: 'user', id: user.id, label: user.email },
      details: { role: user.role, dataDeleted: input.deleteData, ...content },
    });
    if (input.deleteData) await deleteContent(tx, user.id, ids);
    else await tombstone(tx, user.id);
    return { status: 'done', user: { ...user, status: 'DELETED' }, content };
  });
}
