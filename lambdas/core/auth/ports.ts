import type { Cursor } from '../pagination.ts';
/**
 * What the auth use cases need from the outside world. Adapters (lambdas/adapters/db/auth-repos.ts) and
 * test fakes implement these. Where an operation must be atomic (refresh-token rotation, login throttle,
 * role change), the port takes the decision as a pure callback and the adapter runs it under a row lock,
 * so the rule stays here and the transaction stays in the adapter.
 */
import type { Role } from './roles.ts';

/** ACTIVE; INVITED until the user chose a password; DISABLED by an admin; DELETED (a kept tombstone). */
export const USER_STATUSES = ['ACTIVE', 'INVITED', 'DISABLED', 'DELETED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  /** Absent where a repository does not track it: ACTIVE. */
  status?: UserStatus;
  lastLoginAt?: Date | null;
}

/** Position after a user in the (created_at, id) order; `createdAt` keeps the database's precision. */
export type UserCursor = Cursor;

export type RoleChangeResult =
  | { status: 'updated'; before: Role; user: UserRecord }
  | { status: 'unchanged'; user: UserRecord }
  | { status: 'notFound' }
  | { status: 'lastAdmin' };

export type FirstAdminResult =
  | { status: 'created'; user: UserRecord }
  | { status: 'adminExists'; admin: UserRecord }
  | { status: 'emailTaken' };

export interface UserRepo {
  findById(id: string): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Null when the e-mail is already taken (including a concurrent signup). */
  create(input: { email: string; passwordHash: string; role: Role }): Promise<UserRecord | null>;
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
  recordLogin(id: string, at: Date): Promise<void>;
  list(input: {
    limit: number;
    after: UserCursor | null;
  }): Promise<Array<{ user: UserRecord; cursor: UserCursor }>>;
  /** An ADMIN, preferring the one with this e-mail, else the oldest. */
  findAdmin(preferEmail: string): Promise<UserRecord | null>;
  /** Creates an ADMIN only while none exists (serialised, so two bootstraps cannot both create one). */
  createFirstAdmin(input: { email: string; passwordHash: string }): Promise<FirstAdminResult>;
  /**
   * Sets a role and records a `change_events` row (entity `user`, actor, time, from → to) in the same
   * transaction. Refuses to demote the last ADMIN.
   */
  changeRole(input: { userId: string; role: Role; actorId: string; at: Date }): Promise<RoleChangeResult>;
}

export interface RefreshTokenState {
  tokenId: string;
  sessionId: string;
  tokenExpiresAt: Date;
  usedAt: Date | null;
  sessionExpiresAt: Date;
  sessionRevokedAt: Date | null;
  user: Pick<UserRecord, 'id' | 'email' | 'role' | 'createdAt' | 'lastLoginAt'>;
}

export type RotationDecision =
  | { action: 'rotate'; at: Date; next: { tokenHash: string; expiresAt: Date } }
  | { action: 'revokeSession'; at: Date; reason: string }
  | { action: 'reject' };

export interface SessionWithUser {
  sessionId: string;
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  /** `status` absent: ACTIVE. A DISABLED or DELETED user's sessions are refused even before they are revoked. */
  user: { email: string; role: Role; status?: UserStatus };
}

export interface SessionRepo {
  /** A new session (refresh-token family) with its first refresh token, in one transaction. */
  createSession(input: {
    userId: string;
    expiresAt: Date;
    refreshToken: { tokenHash: string; expiresAt: Date };
  }): Promise<{ sessionId: string }>;
  /**
   * Locks the refresh token (and its session), lets `decide` rule on it, and applies the decision in the
   * same transaction: two concurrent uses of one token are serialised, so only the first can rotate.
   * Null when no token has this hash.
   */
  rotateRefreshToken(
    tokenHash: string,
    decide: (state: RefreshTokenState) => RotationDecision,
  ): Promise<{ state: RefreshTokenState; decision: RotationDecision } | null>;
  /** Revokes the session (only if it belongs to `userId`); a no-op when already revoked. */
  revokeSession(input: { sessionId: string; userId: string; reason: string; at: Date }): Promise<void>;
  getSessionWithUser(sessionId: string): Promise<SessionWithUser | null>;
}

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
  lastFailureAt: Date | null;
}

export interface ThrottleRepo {
  /**
   * Locks the row for `key` (creating an empty one if needed), passes its state to `update` and stores
   * the returned `next` state, all in one transaction; returns `result`.
   */
  update<T>(key: string, update: (state: ThrottleState) => { next: ThrottleState; result: T }): Promise<T>;
  reset(key: string): Promise<void>;
}

/** The account a login named: its normalised e-mail, and the user's id when one has it. */
export interface LoginAccount {
  email: string;
  userId: string | null;
}

/**
 * Security signals; the adapters turn them into metrics (`LoginFailures`) and aggregated audit records
 * (repeated failures, throttling). A signal that cannot be recorded never changes the login's answer.
 */
export interface AuthEvents {
  loginFailed(reason: 'invalid_credentials' | 'locked', account?: LoginAccount): void | Promise<void>;
  refreshTokenReused?(sessionId: string): void;
}
