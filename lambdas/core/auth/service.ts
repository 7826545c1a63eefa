/**
 * Authentication and authorization use cases. Each takes a narrow dependency object; pass the whole
 * `AuthDeps` (lambdas/adapters/auth-dependencies.ts builds one) or, in tests, just the fakes it names.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  tryAgainIn,
  UnauthorizedError,
  ValidationError,
} from '../errors.ts';
import { isUnavailable } from '../failures.ts';
import { type PageRequest, toPage } from '../pagination.ts';
import { deviceOf, issueDeviceToken } from './device-tokens.ts';
import { normalizeEmail } from './email.ts';
import type { KeyProvider } from './keys.ts';
import {
  checkPasswordPolicy,
  normalizePassword,
  PASSWORD_MAX_BYTES,
  PASSWORD_MAX_INPUT_CHARACTERS,
  type PasswordHasher,
  utf8Length,
} from './password.ts';
import type {
  AuthEvents,
  RefreshTokenState,
  RotationDecision,
  SessionRepo,
  ThrottleRepo,
  UserRecord,
  UserRepo,
  UserStatus,
} from './ports.ts';
import { type Caller, deniedFieldsFor, isRole, type Role } from './roles.ts';
import {
  beginAttempt,
  DEFAULT_LOCKOUT_POLICY,
  deviceThrottleKey,
  type LockoutPolicy,
  throttleKey,
} from './throttle.ts';
import {
  type AccessTokenClaims,
  type Clock,
  issueAccessToken,
  MAX_ACCESS_TOKEN_BYTES,
  TokenRejectedError,
  type TokenSettings,
  verifyAccessToken,
} from './tokens.ts';

export interface AuthSettings extends TokenSettings {
  refreshTokenTtlSeconds: number;
  /** Upper bound of the authorizer answer cache (AppSync caps ttlOverride at 3600). */
  authorizerTtlSeconds: number;
  lockout?: Partial<LockoutPolicy>;
}

export interface AuthDeps {
  users: UserRepo;
  sessions: SessionRepo;
  throttle: ThrottleRepo;
  passwords: PasswordHasher;
  keys: KeyProvider;
  clock: Clock;
  config: AuthSettings;
  events?: AuthEvents;
}

export interface PublicUser {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  status: UserStatus;
  lastLoginAt: string | null;
}

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  /** After signup and login: proof of this sign-in for the client's next login (device-tokens.ts). */
  deviceToken?: string;
  /** When the access token expires (ISO 8601). */
  expiresAt: string;
  user: PublicUser;
}

export interface AuthorizerAnswer {
  isAuthorized: boolean;
  resolverContext?: Record<string, string>;
  deniedFields?: string[];
  ttlOverride?: number;
}

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password';
const INVALID_REFRESH_MESSAGE = 'Invalid or expired refresh token';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.ts';

const MAX_APPSYNC_TTL_SECONDS = 3600;
const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toPublicUser(
  user: Pick<UserRecord, 'id' | 'email' | 'role' | 'createdAt' | 'status' | 'lastLoginAt'>,
): PublicUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    status: user.status ?? 'ACTIVE',
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}

/** A user who may not sign in or keep a session. */
export const isBarred = (status: UserStatus | undefined): boolean =>
  status === 'DISABLED' || status === 'DELETED';
export const DISABLED_ACCOUNT_MESSAGE = 'This account is disabled; ask an administrator';

/** Refresh tokens are 32 random bytes; only their SHA-256 is stored, so a database leak yields no tokens. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 32 random bytes, and the SHA-256 that is all the database keeps: refresh tokens and one-time tokens. */
export function newOpaqueToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashRefreshToken(token) };
}

function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new ValidationError(field, 'must be an ID');
  return value.toLowerCase();
}

function lockoutPolicy(config: AuthSettings): LockoutPolicy {
  return { ...DEFAULT_LOCKOUT_POLICY, ...config.lockout };
}

type SessionDeps = Pick<AuthDeps, 'sessions' | 'keys' | 'clock' | 'config'>;

async function accessTokenFor(
  deps: Pick<AuthDeps, 'keys' | 'clock' | 'config'>,
  user: Pick<UserRecord, 'id' | 'role'>,
  sessionId: string,
) {
  return issueAccessToken(deps, { userId: user.id, role: user.role, sessionId });
}

export async function startSession(deps: SessionDeps, user: UserRecord): Promise<AuthPayload> {
  const now = deps.clock.now();
  // The family's lifetime is absolute: rotation never extends it, so a stolen family dies on schedule.
  const expiresAt = new Date(now.getTime() + deps.config.refreshTokenTtlSeconds * 1000);
  const refresh = newOpaqueToken();
  const { sessionId } = await deps.sessions.createSession({
    userId: user.id,
    expiresAt,
    refreshToken: { tokenHash: refresh.tokenHash, expiresAt },
  });
  const access = await accessTokenFor(deps, user, sessionId);
  return {
    accessToken: access.token,
    refreshToken: refresh.token,
    expiresAt: access.expiresAt.toISOString(),
    user: toPublicUser(user),
  };
}

export async function signup(
  deps: Pick<AuthDeps, 'users' | 'sessions' | 'passwords' | 'keys' | 'clock' | 'config'>,
  input: { email: unknown; password: unknown },
): Promise<AuthPayload> {
  const email = normalizeEmail(input.email);
  const password = checkPasswordPolicy(input.password, { email });
  // Hash before looking at the table, so a taken e-mail costs the same time as a free one.
  const passwordHash = await deps.passwords.hash(password);
  const created = await deps.users.create({ email, passwordHash, role: 'USER' });
  if (!created) throw new ConflictError('An account with this email already exists');
  // Signing up signs in: the account's last sign-in is now, not "never" while its session is open.
  const user = { ...created, lastLoginAt: deps.clock.now() };
  await deps.users.recordLogin(user.id, user.lastLoginAt);
  return { ...(await startSession(deps, user)), deviceToken: await issueDeviceToken(deps, email) };
}

export async function login(
  deps: Pick<
    AuthDeps,
    'users' | 'sessions' | 'throttle' | 'passwords' | 'keys' | 'clock' | 'config' | 'events'
  >,
  input: { email: unknown; password: unknown; deviceToken?: unknown },
): Promise<AuthPayload> {
  const email = normalizeEmail(input.email);
  if (typeof input.password !== 'string' || input.password.length === 0) {
    throw new ValidationError('password', 'is required');
  }
  if (input.password.length > PASSWORD_MAX_INPUT_CHARACTERS) {
    throw new ValidationError('password', `must be at most ${PASSWORD_MAX_BYTES} bytes`);
  }
  // A client that signed in to this account before is throttled on its own: failures from elsewhere (an
  // attacker guessing) lock the account for everyone else, never for it (docs/auth.md, "Backoff").
  const device = input.deviceToken ? await deviceOf(deps, input.deviceToken, email) : null;
  const key = device ? deviceThrottleKey(device) : throttleKey(email);
  const policy = lockoutPolicy(deps.config);
  const gate = await deps.throttle.update(key, (state) => beginAttempt(state, deps.clock.now(), policy));
  const user = await deps.users.findByEmail(email);
  const account = { email, userId: user?.id ?? null };
  if (!gate.allowed) {
    await deps.events?.loginFailed('locked', account);
    throw new RateLimitedError(
      `Too many failed login attempts; ${tryAgainIn(gate.retryAfterSeconds)}`,
      gate.retryAfterSeconds,
    );
  }

  const candidate = normalizePassword(input.password);
  // bcrypt would compare only the first 72 bytes; such a password was never accepted at signup, so it
  // must not match a stored password that happens to be its prefix.
  const comparable = utf8Length(candidate) <= PASSWORD_MAX_BYTES;
  const hash = user && comparable ? user.passwordHash : await deps.passwords.dummyHash();
  // Unknown users go through the same bcrypt work against a dummy hash, so timing does not tell them apart.
  const matches = await deps.passwords.verify(candidate, hash);
  if (!user || !comparable || !matches) {
    await deps.events?.loginFailed('invalid_credentials', account);
    throw new UnauthorizedError(INVALID_CREDENTIALS_MESSAGE);
  }
  // Said only to whoever knows the password, so it tells an attacker nothing.
  if (isBarred(user.status)) throw new ForbiddenError(DISABLED_ACCOUNT_MESSAGE);

  await deps.throttle.reset(key);
  if (deps.passwords.needsRehash(user.passwordHash)) {
    await deps.users.updatePasswordHash(user.id, await deps.passwords.hash(candidate));
  }
  await deps.users.recordLogin(user.id, deps.clock.now());
  return { ...(await startSession(deps, user)), deviceToken: await issueDeviceToken(deps, email) };
}

export async function refreshSession(
  deps: Pick<AuthDeps, 'sessions' | 'keys' | 'clock' | 'config' | 'events'>,
  input: { refreshToken: unknown },
): Promise<AuthPayload> {
  if (typeof input.refreshToken !== 'string' || !REFRESH_TOKEN_PATTERN.test(input.refreshToken)) {
    throw new UnauthorizedError(INVALID_REFRESH_MESSAGE);
  }
  const next = newOpaqueToken();
  const now = deps.clock.now();
  const decide = (state: RefreshTokenState): RotationDecision => {
    if (state.sessionRevokedAt) return { action: 'reject' };
    // A second use means two parties hold the token; we cannot tell which is the thief, so end both.
    if (state.usedAt) return { action: 'revokeSession', at: now, reason: 'refresh_token_reuse' };
    if (state.tokenExpiresAt <= now || state.sessionExpiresAt <= now) return { action: 'reject' };
    return {
      action: 'rotate',
      at: now,
      next: { tokenHash: next.tokenHash, expiresAt: state.sessionExpiresAt },
    };
  };
  const outcome = await deps.sessions.rotateRefreshToken(hashRefreshToken(input.refreshToken), decide);
  if (!outcome) throw new UnauthorizedError(INVALID_REFRESH_MESSAGE);
  const { state, decision } = outcome;
  if (decision.action === 'revokeSession') deps.events?.refreshTokenReused?.(state.sessionId);
  if (decision.action !== 'rotate') throw new UnauthorizedError(INVALID_REFRESH_MESSAGE);
  const access = await accessTokenFor(deps, state.user, state.sessionId);
  return {
    accessToken: access.token,
    refreshToken: next.token,
    expiresAt: access.expiresAt.toISOString(),
    user: toPublicUser(state.user),
  };
}

export async function logout(
  deps: Pick<AuthDeps, 'sessions' | 'clock'>,
  input: { caller: Caller },
): Promise<void> {
  await deps.sessions.revokeSession({
    sessionId: input.caller.sessionId,
    userId: input.caller.userId,
    reason: 'logout',
    at: deps.clock.now(),
  });
}

export async function getUser(
  deps: Pick<AuthDeps, 'users'>,
  input: { userId: unknown },
): Promise<PublicUser> {
  const user = await deps.users.findById(requireUuid(input.userId, 'userId'));
  if (!user) throw new NotFoundError('User');
  return toPublicUser(user);
}

export async function listUsers(
  deps: Pick<AuthDeps, 'users'>,
  input: { page: PageRequest },
): Promise<{ items: PublicUser[]; nextToken: string | null }> {
  const { limit, after } = input.page;
  const rows = await deps.users.list({ limit: limit + 1, after });
  return toPage(
    rows.map((entry) => ({ row: entry.user, cursor: entry.cursor })),
    limit,
    toPublicUser,
  );
}

export async function setUserRole(
  deps: Pick<AuthDeps, 'users' | 'clock'>,
  input: { caller: Caller; userId: unknown; role: unknown },
): Promise<PublicUser> {
  if (input.caller.role !== 'ADMIN') throw new ForbiddenError('Only an ADMIN can change roles');
  const userId = requireUuid(input.userId, 'userId');
  if (!isRole(input.role)) throw new ValidationError('role', 'must be one of ADMIN, OPS, HR, USER');
  // The caller's role may come from a cached authorizer answer; a demoted admin must not slip through.
  const actor = await deps.users.findById(input.caller.userId);
  if (actor?.role !== 'ADMIN') throw new ForbiddenError('Only an ADMIN can change roles');
  const result = await deps.users.changeRole({
    userId,
    role: input.role,
    actorId: actor.id,
    at: deps.clock.now(),
  });
  switch (result.status) {
    case 'notFound':
      throw new NotFoundError('User');
    case 'lastAdmin':
      throw new ConflictError('The last ADMIN cannot be demoted; promote another user first');
    case 'updated':
    case 'unchanged':
      return toPublicUser(result.user);
  }
}

export async function bootstrapAdmin(
  deps: Pick<AuthDeps, 'users' | 'passwords'>,
  input: { email: unknown; password: unknown },
): Promise<{ created: boolean; user: PublicUser }> {
  const email = normalizeEmail(input.email);
  const password = checkPasswordPolicy(input.password, { email });
  const existing = await deps.users.findAdmin(email);
  if (existing) return { created: false, user: toPublicUser(existing) };
  const result = await deps.users.createFirstAdmin({
    email,
    passwordHash: await deps.passwords.hash(password),
  });
  switch (result.status) {
    case 'created':
      return { created: true, user: toPublicUser(result.user) };
    case 'adminExists':
      return { created: false, user: toPublicUser(result.admin) };
    case 'emailTaken':
      // Promoting it would hand ADMIN to whoever signed up with this address before the bootstrap ran.
      throw new ConflictError('The bootstrap e-mail belongs to an existing non-admin account; use another');
  }
}

/** The answer plus, for logs only, why it was refused. */
export interface AuthorizerDecision {
  answer: AuthorizerAnswer;
  denyReason?: string;
  /** An unexpected failure (e.g. database down) that caused the denial. */
  error?: unknown;
}

const DENIED: AuthorizerAnswer = Object.freeze({ isAuthorized: false });

function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string' || header.length > 2 * MAX_ACCESS_TOKEN_BYTES) return null;
  const trimmed = header.trim();
  const match = /^bearer\s+(.+)$/i.exec(trimmed);
  const token = (match?.[1] ?? trimmed).trim();
  return token.length > 0 ? token : null;
}

/** Like authorizeRequest, and says why a request was denied (for logging). Never throws. */
/** What authorizing a request needs: the keys, and the sessions only to read one. */
export type AuthorizationDeps = Pick<AuthDeps, 'keys' | 'clock' | 'config'> & {
  sessions: Pick<SessionRepo, 'getSessionWithUser'>;
};

/** `resolverContext.session` when the authorizer could not read the session (the database was resuming). */
export const UNVERIFIED_SESSION = 'unverified';

/**
 * The session behind a verified token: it exists, belongs to the token's user, is neither revoked nor
 * expired. Answers the user's current role and e-mail, or why it is refused.
 */
export async function liveSession(
  deps: { sessions: Pick<SessionRepo, 'getSessionWithUser'>; clock: Clock },
  claims: Pick<AccessTokenClaims, 'sub' | 'sid'>,
): Promise<{ ok: true; role: Role; email: string } | { ok: false; reason: string }> {
  const session = await deps.sessions.getSessionWithUser(claims.sid);
  if (!session || session.userId !== claims.sub) return { ok: false, reason: 'unknown session' };
  if (session.revokedAt) return { ok: false, reason: 'session revoked' };
  if (isBarred(session.user.status)) return { ok: false, reason: 'user disabled' };
  if (session.expiresAt <= deps.clock.now()) return { ok: false, reason: 'session expired' };
  return { ok: true, role: session.user.role, email: session.user.email };
}

function allowed(
  deps: Pick<AuthDeps, 'config'>,
  claims: AccessTokenClaims,
  who: { role: Role; email: string; session?: string },
  ttlSeconds: number,
): AuthorizerDecision {
  const resolverContext: Record<string, string> = {
    sub: claims.sub,
    role: who.role,
    sid: claims.sid,
    email: who.email,
  };
  if (who.session) resolverContext.session = who.session;
  return {
    answer: {
      isAuthorized: true,
      resolverContext,
      deniedFields: deniedFieldsFor(who.role),
      ttlOverride: Math.max(
        0,
        Math.min(deps.config.authorizerTtlSeconds, ttlSeconds, MAX_APPSYNC_TTL_SECONDS),
      ),
    },
  };
}

/**
 * The authorizer's decision. The token (signature, issuer, audience, expiry) is checked without the database;
 * the session then is. When the database cannot answer in time (a paused database resuming, an outage), the
 * verified token alone is trusted for this one request: its role from the token, `session: unverified`, and
 * no caching (ttlOverride 0). The resolver then checks the session itself before any work, and answers
 * ServiceUnavailable while the database is still away, so a revoked session or a changed role is never acted
 * on; AppSync's field denials use the token's role, which can be at most the access-token lifetime old.
 */
export async function evaluateAuthorization(
  deps: AuthorizationDeps,
  input: { authorizationToken: unknown; requestContext?: unknown },
): Promise<AuthorizerDecision> {
  try {
    const token = bearerToken(input.authorizationToken);
    if (!token) return { answer: { ...DENIED }, denyReason: 'missing token' };
    const claims = await verifyAccessToken(deps, token);
    const remaining = Math.floor((claims.exp * 1000 - deps.clock.now().getTime()) / 1000);
    // AppSync reads ttlOverride 0 as "do not cache", not as "expired": refuse a token about to lapse.
    if (remaining < 1) return { answer: { ...DENIED }, denyReason: 'token expires now' };
    let session: Awaited<ReturnType<typeof liveSession>>;
    try {
      session = await liveSession(deps, claims);
    } catch (error: unknown) {
      if (!isUnavailable(error)) throw error;
      return allowed(deps, claims, { role: claims.role, email: '', session: UNVERIFIED_SESSION }, 0);
    }
    if (!session.ok) return { answer: { ...DENIED }, denyReason: session.reason };
    return allowed(deps, claims, session, Math.max(1, remaining));
  } catch (error: unknown) {
    if (error instanceof TokenRejectedError) return { answer: { ...DENIED }, denyReason: error.reason };
    // ttlOverride 0: a denial caused by, say, the database being down must not be cached for the token.
    return { answer: { ...DENIED, ttlOverride: 0 }, denyReason: 'error', error };
  }
}

/** The AppSync Lambda authorizer's use case. Never throws: every failure is `{ isAuthorized: false }`. */
export async function authorizeRequest(
  deps: AuthorizationDeps,
  input: { authorizationToken: unknown; requestContext?: unknown },
): Promise<AuthorizerAnswer> {
  return (await evaluateAuthorization(deps, input)).answer;
}
