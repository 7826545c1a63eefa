import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/errors.ts';
import { type AuthApi, SESSION_KEY, type Session, SessionStore } from './session-store.ts';

class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}

/** Web Locks as the browser gives them: one holder at a time per name, across tabs. */
function memoryLocks() {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
      const run = chain.then(callback, callback);
      chain = run.catch(() => undefined);
      return run;
    },
  };
}

const NOW = Date.parse('2026-01-01T12:00:00Z');
const user = { id: 'u1', email: 'dev@example.com', role: 'USER' as const };
const session = (n: number, expiresInMs: number): Session => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresAt: new Date(NOW + expiresInMs).toISOString(),
  user,
});

/** A fake auth API that rotates refresh tokens and, like the real one, revokes on reuse. */
function fakeAuth() {
  let issued = 1;
  const used = new Set<string>();
  const refreshCalls: string[] = [];
  const api: AuthApi = {
    login: async () => session(issued, 900_000),
    signup: async () => session(issued, 900_000),
    refresh: async (token) => {
      refreshCalls.push(token);
      await new Promise((r) => setTimeout(r, 5));
      if (used.has(token) || !token.startsWith('refresh-'))
        throw new ApiRequestError('Unauthorized', 'revoked');
      used.add(token);
      issued += 1;
      return session(issued, 900_000);
    },
    logout: async () => {},
  };
  return { api, refreshCalls };
}

describe('SessionStore', () => {
  it('keeps the session across a reload (a new store over the same storage)', async () => {
    const storage = new MemoryStorage();
    const { api } = fakeAuth();
    await new SessionStore({ storage, api, now: () => NOW }).signIn('dev@example.com', 'pw');
    expect(new SessionStore({ storage, api, now: () => NOW }).current()?.accessToken).toBe('access-1');
  });

  it('refreshes only near expiry, storing the rotated tokens', async () => {
    const storage = new MemoryStorage();
    const { api, refreshCalls } = fakeAuth();
    storage.setItem(SESSION_KEY, JSON.stringify(session(1, 10 * 60_000)));
    const store = new SessionStore({ storage, api, now: () => NOW });
    expect((await store.refresh())?.accessToken).toBe('access-1');
    expect(refreshCalls).toEqual([]);
    storage.setItem(SESSION_KEY, JSON.stringify(session(1, 30_000)));
    expect((await store.refresh())?.accessToken).toBe('access-2');
    expect(JSON.parse(storage.getItem(SESSION_KEY) ?? '{}').refreshToken).toBe('refresh-2');
  });

  it('never lets two tabs spend the same refresh token: the second adopts the first one’s result', async () => {
    const storage = new MemoryStorage();
    const { api, refreshCalls } = fakeAuth();
    const locks = memoryLocks();
    storage.setItem(SESSION_KEY, JSON.stringify(session(1, 10_000)));
    const tabA = new SessionStore({ storage, api, locks, now: () => NOW });
    const tabB = new SessionStore({ storage, api, locks, now: () => NOW });
    const [a, b] = await Promise.all([tabA.refresh('access-1'), tabB.refresh('access-1')]);
    expect(refreshCalls).toEqual(['refresh-1']);
    expect(a?.accessToken).toBe('access-2');
    expect(b?.accessToken).toBe('access-2');
  });

  it('refreshes a token the API refused even before it expires', async () => {
    const storage = new MemoryStorage();
    const { api } = fakeAuth();
    storage.setItem(SESSION_KEY, JSON.stringify(session(1, 10 * 60_000)));
    const store = new SessionStore({ storage, api, now: () => NOW });
    expect((await store.refresh('access-1'))?.accessToken).toBe('access-2');
  });

  it('ends the session with a reason when the refresh token is refused (expired or revoked)', async () => {
    const storage = new MemoryStorage();
    const { api } = fakeAuth();
    storage.setItem(SESSION_KEY, JSON.stringify({ ...session(1, 1_000), refreshToken: 'stolen-and-reused' }));
    const store = new SessionStore({ storage, api, now: () => NOW });
    let notified = 0;
    store.subscribe(() => {
      notified += 1;
    });
    expect(await store.refresh()).toBeNull();
    expect(store.current()).toBeNull();
    expect(store.endReason).toBe('expired');
    expect(notified).toBe(1);
  });

  it('adopts a role the server reports for the signed-in user and renews the token, which carries it', async () => {
    const storage = new MemoryStorage();
    storage.setItem(SESSION_KEY, JSON.stringify(session(1, 10 * 60_000)));
    const promoted = { ...user, role: 'OPS' as const };
    const refreshed: string[] = [];
    const api: AuthApi = {
      ...fakeAuth().api,
      refresh: async (token) => {
        refreshed.push(token);
        return { ...session(2, 900_000), user: promoted };
      },
    };
    const store = new SessionStore({ storage, api, now: () => NOW });
    let notified = 0;
    store.subscribe(() => {
      notified += 1;
    });
    await store.confirmUser(user);
    expect(refreshed).toEqual([]);
    expect(notified).toBe(0);
    await store.confirmUser(promoted);
    expect(store.current()?.user.role).toBe('OPS');
    expect(store.current()?.accessToken).toBe('access-2');
    expect(refreshed).toEqual(['refresh-1']);
    // Another account's answer (a stale one after switching users) changes nothing.
    await store.confirmUser({ id: 'someone-else', email: 'x@example.com', role: 'ADMIN' });
    expect(store.current()?.user).toEqual(promoted);
  });

  it('treats a stored value that is not a session as signed out', () => {
    const storage = new MemoryStorage();
    storage.setItem(SESSION_KEY, '{"accessToken": 1}');
    expect(new SessionStore({ storage, api: fakeAuth().api }).current()).toBeNull();
    storage.setItem(SESSION_KEY, 'not json');
    expect(new SessionStore({ storage, api: fakeAuth().api }).current()).toBeNull();
  });

  it('signs out locally even when the API cannot be reached', async () => {
    const storage = new MemoryStorage();
    const { api } = fakeAuth();
    const store = new SessionStore({
      storage,
      api: { ...api, logout: async () => Promise.reject(new Error('offline')) },
      now: () => NOW,
    });
    await store.signIn('dev@example.com', 'pw');
    await store.signOut();
    expect(store.current()).toBeNull();
    expect(store.endReason).toBe('signed-out');
  });
});
