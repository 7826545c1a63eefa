/**
 * User administration (ADMIN): create a user with a one-time invite, disable and enable, reset a password
 * with a one-time token, delete (keeping or deleting the user's data), list by role and status; and, for
 * every user, changing their own password and choosing one with a one-time token. Each change an admin
 * makes is written to the audit log in the same transaction (the repository does it).
 */
import { randomBytes } from 'node:crypto';
import { normalizeEmail } from '../auth/email.ts';
import type { PasswordHasher } from '../auth/password.ts';
import { checkPasswordPolicy } from '../auth/password.ts';
import type { ThrottleRepo, UserRecord, UserRepo, UserStatus } from '../auth/ports.ts';
import type { Caller, Role } from '../auth/roles.ts';
import {
  type AuthDeps,
  type AuthPayload,
  DISABLED_ACCOUNT_MESSAGE,
  hashRefreshToken,
  isBarred,
  newOpaqueToken,
  type PublicUser,
  startSession,
  toPublicUser,
} from '../auth/service.ts';
import { beginAttempt, DEFAULT_LOCKOUT_POLICY, throttleKey } from '../auth/throttle.ts';
import type { Clock } from '../clock.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  tryAgainIn,
  ValidationError,
} from '../errors.ts';
import { type IdempotentRequest, idempotentRequest } from '../idempotency.ts';
import { type Cursor, type Page, type PageRequest, toPage } from '../pagination.ts';
import { type Actor, actorOf } from './audit.ts';
import { requireAdmin } from './feature-flags.ts';

export type PasswordTokenPurpose = 'INVITE' | 'RESET';

/** How long a one-time token works: an invite waits for a person to read it, a reset is handed over at once. */
export const TOKEN_TTL_SECONDS: Readonly<Record<PasswordTokenPurpose, number>> = {
  INVITE: 7 * 24 * 3600,
  RESET: 24 * 3600,
};

export interface NewPasswordToken {
  tokenHash: string;
  purpose: PasswordTokenPurpose;
  expiresAt: Date;
}

export interface UserFilter {
  role: Role | null;
  /** Null: every user but the deleted ones. */
  status: UserStatus | null;
  /** Part of the e-mail, case-insensitive. */
  email: string | null;
}

export type AdminActionResult =
  | { status: 'done'; user: UserRecord }
  | { status: 'unchanged'; user: UserRecord }
  | { status: 'notFound' }
  /** It would leave no enabled ADMIN. */
  | { status: 'lastAdmin' }
  /** The caller is no longer an enabled ADMIN (the authorizer's answer was cached). */
  | { status: 'actorNotAdmin' };

export type CreateUserResult =
  | { status: 'created'; user: UserRecord }
  | { status: 'repeat'; user: UserRecord }
  | { status: 'emailTaken' }
  | { status: 'actorNotAdmin' };

/** What happened to a deleted user's records. */
export interface DeletedContent {
  logEntries: number;
  tickets: number;
  changelogs: number;
}

export type DeleteUserResult =
  | { status: 'done'; user: UserRecord; content: DeletedContent }
  | Exclude<AdminActionResult, { status: 'done' } | { status: 'unchanged' }>;

export interface TokenState {
  userId: string;
  email: string;
  userStatus: UserStatus;
  purpose: PasswordTokenPurpose;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export interface UserAdminRepo {
  list(
    filter: UserFilter,
    page: { limit: number; after: Cursor | null },
  ): Promise<{ row: UserRecord; cursor: Cursor }[]>;
  /** The user with status and last login; null when missing. */
  get(id: string): Promise<UserRecord | null>;
  /**
   * An INVITED user and its invite token, once per (actor, idempotency key); a key used for another request
   * throws `idempotencyKeyReused`.
   */
  createInvited(input: {
    email: string;
    role: Role;
    passwordHash: string;
    token: NewPasswordToken;
    actor: Actor;
    idempotency: IdempotentRequest | null;
  }): Promise<CreateUserResult>;
  /** Disabling ends every session of the user. */
  setDisabled(input: {
    userId: string;
    disabled: boolean;
    reason: string | null;
    actor: Actor;
  }): Promise<AdminActionResult>;
  remove(input: { userId: string; deleteData: boolean; actor: Actor }): Promise<DeleteUserResult>;
  /** A new token replaces the user's unused ones. */
  issueToken(input: { userId: string; token: NewPasswordToken; actor: Actor }): Promise<AdminActionResult>;
  findToken(tokenHash: string): Promise<TokenState | null>;
  /**
   * Under a lock on the token: `check` rules on it (a problem, or null), then the password is set, the token
   * used and every session of the user ended, in one transaction.
   */
  redeemToken(
    input: { tokenHash: string; passwordHash: string },
    check: (state: TokenState) => string | null,
  ): Promise<
    { status: 'set'; user: UserRecord } | { status: 'refused'; problem: string } | { status: 'notFound' }
  >;
  /** Sets the password and ends every other session of the user. */
  changePassword(input: { userId: string; passwordHash: string; keepSessionId: string }): Promise<void>;
}

export interface IssuedToken {
  user: PublicUser;
  /** Shown once; null when an idempotent repeat returned a user whose invite was shown the first time. */
  token: string | null;
  purpose: PasswordTokenPurpose;
  expiresAt: string | null;
}

type AdminDeps = { admin: UserAdminRepo; clock: Clock };

const REASON_MAX = 500;

function newToken(deps: { clock: Clock }, purpose: PasswordTokenPurpose) {
  const { token, tokenHash } = newOpaqueToken();
  const expiresAt = new Date(deps.clock.now().getTime() + TOKEN_TTL_SECONDS[purpose] * 1000);
  return { token, record: { tokenHash, purpose, expiresAt } satisfies NewPasswordToken };
}

/** The statuses every admin action shares, as errors. */
function settled(result: AdminActionResult | DeleteUserResult, action: string): UserRecord {
  switch (result.status) {
    case 'done':
    case 'unchanged':
      return result.user;
    case 'notFound':
      throw new NotFoundError('User');
    case 'lastAdmin':
      throw new ForbiddenError(`The last enabled ADMIN cannot be ${action}; promote another user first`);
    case 'actorNotAdmin':
      throw new ForbiddenError('Only an ADMIN may do this');
  }
}

function notYourself(caller: Caller, userId: string, action: string): void {
  if (caller.userId.toLowerCase() === userId.toLowerCase()) {
    throw new ForbiddenError(`You cannot ${action} your own account; another ADMIN must do it`);
  }
}

export async function listUsers(
  deps: { admin: Pick<UserAdminRepo, 'list'> },
  input: { caller: Caller; filter: UserFilter; page: PageRequest },
): Promise<Page<PublicUser>> {
  requireAdmin(input.caller);
  const rows = await deps.admin.list(input.filter, { limit: input.page.limit + 1, after: input.page.after });
  return toPage(rows, input.page.limit, toPublicUser);
}

/**
 * A new account with the given role and no usable password: the invite token, shown once, lets its owner
 * choose one (`setPasswordWithToken`). Nobody, the admin included, ever knows the user's password.
 */
export async function createUser(
  deps: AdminDeps & { passwords: Pick<PasswordHasher, 'hash'> },
  input: { caller: Caller; email: string; role: Role; idempotencyKey: string | null },
): Promise<IssuedToken> {
  requireAdmin(input.caller);
  const email = normalizeEmail(input.email);
  const { token, record } = newToken(deps, 'INVITE');
  // A password nobody knows, so the account behaves like any other until the invite is used.
  const passwordHash = await deps.passwords.hash(randomBytes(32).toString('base64url'));
  const result = await deps.admin.createInvited({
    email,
    role: input.role,
    passwordHash,
    token: record,
    actor: actorOf(input.caller),
    idempotency: idempotentRequest(input.idempotencyKey, () => ({ email, role: input.role })),
  });
  switch (result.status) {
    case 'created':
      return {
        user: toPublicUser(result.user),
        token,
        purpose: 'INVITE',
        expiresAt: record.expiresAt.toISOString(),
      };
    case 'repeat':
      return { user: toPublicUser(result.user), token: null, purpose: 'INVITE', expiresAt: null };
    case 'emailTaken':
      throw new ConflictError('An account with this email already exists');
    case 'actorNotAdmin':
      throw new ForbiddenError('Only an ADMIN may do this');
  }
}

export async function disableUser(
  deps: AdminDeps,
  input: { caller: Caller; userId: string; reason: string | null },
): Promise<PublicUser> {
  requireAdmin(input.caller);
  notYourself(input.caller, input.userId, 'disable');
  if (input.reason !== null && input.reason.length > REASON_MAX) {
    throw new ValidationError('reason', `must be at most ${REASON_MAX} characters`);
  }
  const result = await deps.admin.setDisabled({
    userId: input.userId,
    disabled: true,
    reason: input.reason,
    actor: actorOf(input.caller),
  });
  return toPublicUser(settled(result, 'disabled'));
}

export async function enableUser(
  deps: AdminDeps,
  input: { caller: Caller; userId: string },
): Promise<PublicUser> {
  requireAdmin(input.caller);
  const result = await deps.admin.setDisabled({
    userId: input.userId,
    disabled: false,
    reason: null,
    actor: actorOf(input.caller),
  });
  return toPublicUser(settled(result, 'enabled'));
}

/**
 * Deletes an account. Its credentials and sessions always go; with `deleteData` its log entries, tickets and
 * changelogs (and their history) go too, otherwise they stay, owned by the account's tombstone. The audit
 * log keeps what was done, by and to whom (docs/operations.md).
 */
export async function deleteUser(
  deps: AdminDeps,
  input: { caller: Caller; userId: string; deleteData: boolean },
): Promise<{ user: PublicUser; dataDeleted: boolean; content: DeletedContent }> {
  requireAdmin(input.caller);
  notYourself(input.caller, input.userId, 'delete');
  const result = await deps.admin.remove({
    userId: input.userId,
    deleteData: input.deleteData,
    actor: actorOf(input.caller),
  });
  const user = settled(result, 'deleted');
  const content = result.status === 'done' ? result.content : { logEntries: 0, tickets: 0, changelogs: 0 };
  return { user: toPublicUser(user), dataDeleted: input.deleteData, content };
}

/** A one-time token for the user to choose a new password; the current one keeps working until then. */
export async function resetPassword(
  deps: AdminDeps,
  input: { caller: Caller; userId: string },
): Promise<IssuedToken> {
  requireAdmin(input.caller);
  const target = await deps.admin.get(input.userId);
  if (!target || target.status === 'DELETED') throw new NotFoundError('User');
  if (target.status === 'DISABLED') {
    throw new ConflictError('The account is disabled; enable it before resetting its password');
  }
  const { token, record } = newToken(deps, 'RESET');
  const result = await deps.admin.issueToken({
    userId: target.id,
    token: record,
    actor: actorOf(input.caller),
  });
  const user = settled(result, 'changed');
  return { user: toPublicUser(user), token, purpose: 'RESET', expiresAt: record.expiresAt.toISOString() };
}

/** Why a token cannot be used, or null. */
export function tokenProblem(state: TokenState, now: Date): string | null {
  if (state.usedAt) return 'has already been used';
  if (state.revokedAt) return 'was replaced by a newer one';
  if (state.expiresAt.getTime() <= now.getTime()) return 'has expired; ask an administrator for a new one';
  return null;
}

/** Chooses a password with an invite or reset token, then signs in: every earlier session ends. */
export async function setPasswordWithToken(
  deps: { admin: UserAdminRepo } & Pick<AuthDeps, 'passwords' | 'sessions' | 'keys' | 'clock' | 'config'>,
  input: { token: string; password: string },
): Promise<AuthPayload> {
  const tokenHash = hashRefreshToken(input.token);
  const state = await deps.admin.findToken(tokenHash);
  if (!state) throw new ValidationError('token', 'is not a valid one-time token');
  const check = (current: TokenState): string | null => {
    if (isBarred(current.userStatus)) return DISABLED_ACCOUNT_MESSAGE;
    return tokenProblem(current, deps.clock.now());
  };
  const early = check(state);
  if (early === DISABLED_ACCOUNT_MESSAGE) throw new ForbiddenError(early);
  if (early) throw new ValidationError('token', early);
  const password = checkPasswordPolicy(input.password, { email: state.email });
  const passwordHash = await deps.passwords.hash(password);
  const result = await deps.admin.redeemToken({ tokenHash, passwordHash }, check);
  if (result.status === 'notFound') throw new ValidationError('token', 'is not a valid one-time token');
  if (result.status === 'refused') {
    if (result.problem === DISABLED_ACCOUNT_MESSAGE) throw new ForbiddenError(result.problem);
    throw new ValidationError('token', result.problem);
  }
  return startSession(deps, result.user);
}

/** Counts the attempt against the account's login throttle, so a stolen session cannot guess the password. */
async function throttledVerify(
  deps: { throttle: ThrottleRepo; passwords: PasswordHasher; clock: Clock },
  user: UserRecord,
  password: string,
): Promise<boolean> {
  const key = throttleKey(user.email);
  const gate = await deps.throttle.update(key, (state) =>
    beginAttempt(state, deps.clock.now(), DEFAULT_LOCKOUT_POLICY),
  );
  if (!gate.allowed) {
    throw new RateLimitedError(
      `Too many failed attempts; ${tryAgainIn(gate.retryAfterSeconds)}`,
      gate.retryAfterSeconds,
    );
  }
  const matches = await deps.passwords.verify(password, user.passwordHash);
  if (matches) await deps.throttle.reset(key);
  return matches;
}

/** The caller's own password: the current one is needed, the new one meets the policy; other sessions end. */
export async function changePassword(
  deps: {
    admin: UserAdminRepo;
    users: Pick<UserRepo, 'findById'>;
    throttle: ThrottleRepo;
    passwords: PasswordHasher;
    clock: Clock;
  },
  input: { caller: Caller; currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await deps.users.findById(input.caller.userId);
  if (!user) throw new NotFoundError('User');
  if (!(await throttledVerify(deps, user, input.currentPassword))) {
    throw new ValidationError('currentPassword', 'is not your current password');
  }
  const password = checkPasswordPolicy(input.newPassword, { email: user.email, field: 'newPassword' });
  if (await deps.passwords.verify(password, user.passwordHash)) {
    throw new ValidationError('newPassword', 'must differ from the current password');
  }
  const passwordHash = await deps.passwords.hash(password);
  await deps.admin.changePassword({ userId: user.id, passwordHash, keepSessionId: input.caller.sessionId });
}
