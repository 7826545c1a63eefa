/**
 * The signed-in session: tokens in localStorage so that a reload (or a second tab) keeps it; see docs/web.md for
 * the storage choice and its XSS trade-off. Refresh tokens rotate and a reused one revokes the whole session,
 * so tabs must never refresh with the same token: refreshes run under a Web Lock and re-read the stored session
 * first, adopting one another tab has just refreshed.
 */
import { ApiRequestError } from '../api/errors.ts';

export type Role = 'ADMIN' | 'OPS' | 'HR' | 'USER';

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** ISO-8601: when the access token expires. */
  expiresAt: string;
  user: { id: string; email: string; role: Role };
}

/** Why the last session ended: shown on the sign-in page. */
export type EndReason = 'signed-out' | 'expired';

export interface AuthApi {
  login: (email: string, password: string) => Promise<Session>;
  signup: (email: string, password: string) => Promise<Session>;
  refresh: (refreshToken: string) => Promise<Session>;
  logout: (accessToken: string) => Promise<void>;
}

export const SESSION_KEY = 'ai-ops.session';
/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS = 60_000;

type Listener = () => void;

interface LockManagerLike {
  request: <T>(name: string, callback: () => Promise<T>) => Promise<T>;
}

export interface SessionStoreOptions {
  storage: Storage;
  api: AuthApi;
  now?: () => number;
  locks?: LockManagerLike | undefined;
}

export class SessionStore {
  private readonly storage: Storage;
  private readonly api: AuthApi;
  private readonly now: () => number;
  private readonly locks: LockManagerLike | undefined;
  private readonly listeners = new Set<Listener>();
  private cached: Session | null;
  private cachedRaw: string | null;
  endReason: EndReason | null = null;

  constructor(options: SessionStoreOptions) {
    this.storage = options.storage;
    this.api = options.api;
    this.now = options.now ?? Date.now;
    this.locks = options.locks;
    this.cachedRaw = this.storage.getItem(SESSION_KEY);
    this.cached = parseSession(this.cachedRaw);
  }

  /** The session as stored now (another tab may have changed it). Stable identity while unchanged. */
  current = (): Session | null => {
    const raw = this.storage.getItem(SESSION_KEY);
    if (raw !== this.cachedRaw) {
      this.cachedRaw = raw;
      this.cached = parseSession(raw);
    }
    return this.cached;
  };

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Another tab wrote the session (the `storage` event). */
  notifyExternalChange(): void {
    if (this.current() === null && this.endReason === null) this.endReason = 'signed-out';
    this.emit();
  }

  msLeft(session: Session): number {
    return Date.parse(session.expiresAt) - this.now();
  }

  async signIn(email: string, password: string): Promise<Session> {
    return this.start(await this.api.login(email, password));
  }

  async signUp(email: string, password: string): Promise<Session> {
    return this.start(await this.api.signup(email, password));
  }

  async signOut(): Promise<void> {
    const session = this.current();
    this.end('signed-out');
    // Best effort: the session is gone from this browser whatever the server answers.
    if (session) await this.api.logout(session.accessToken).catch(() => undefined);
  }

  /**
   * A fresh access token, or null when the session has ended. `rejected` is a token the API refused: refresh
   * even if it has not expired yet (unless another tab already replaced it).
   */
  async refresh(rejected?: string): Promise<Session | null> {
    const run = async (): Promise<Session | null> => {
      const latest = this.current();
      if (!latest) return null;
      const replaced = rejected !== undefined && latest.accessToken !== rejected;
      if (replaced || (rejected === undefined && this.msLeft(latest) > REFRESH_MARGIN_MS)) return latest;
      try {
        return this.save(await this.api.refresh(latest.refreshToken));
      } catch (error: unknown) {
        if (error instanceof ApiRequestError && error.errorType === 'Unauthorized') {
          this.end('expired');
          return null;
        }
        throw error;
      }
    };
    return this.locks ? this.locks.request('ai-ops.session.refresh', run) : run();
  }

  /**
   * The server's word on who is signed in (`me`). A changed role (an admin promoted or demoted this user) or
   * e-mail replaces the one stored at sign-in at once, so menus and route guards follow, and the access token
   * is renewed: the API's authorizer keeps its answer, with the old role, per token for up to its cache TTL,
   * and a new token carries the current role (docs/auth.md).
   */
  async confirmUser(user: Session['user']): Promise<void> {
    const latest = this.current();
    if (!latest || latest.user.id !== user.id) return;
    if (latest.user.role === user.role && latest.user.email === user.email) return;
    this.save({ ...latest, user });
    // Best effort: the menus are right already; a refused refresh ends the session as anywhere else.
    await this.refresh(latest.accessToken).catch(() => undefined);
  }

  /** Ends the session locally (expired, revoked or signed out). */
  end(reason: EndReason): void {
    this.endReason = reason;
    this.storage.removeItem(SESSION_KEY);
    this.emit();
  }

  private start(session: Session): Session {
    this.endReason = null;
    return this.save(session);
  }

  private save(session: Session): Session {
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
    this.emit();
    return this.current() ?? session;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

const ROLES: ReadonlySet<string> = new Set(['ADMIN', 'OPS', 'HR', 'USER']);

/** A stored value that is not a session (edited by hand, older format) counts as signed out. */
export function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Session>;
    const user = value.user;
    if (
      typeof value.accessToken === 'string' &&
      typeof value.refreshToken === 'string' &&
      typeof value.expiresAt === 'string' &&
      user &&
      typeof user.id === 'string' &&
      typeof user.email === 'string' &&
      ROLES.has(user.role)
    ) {
      return value as Session;
    }
  } catch {
    // fall through
  }
  return null;
}
