import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.ts';
import { SESSION_KEY, type Session, SessionStore } from '../session/session-store.ts';
import { createApiClient } from './client.ts';
import { ApiRequestError } from './errors.ts';

const MeDocument = graphql(`
  query ConsoleMe {
    me { id email role }
  }
`);

const user = { id: 'u1', email: 'dev@example.com', role: 'USER' as const };
const session = (n: number): Session => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
  user,
});

/** The API as the client sees it over HTTP: 401 for a revoked token, data for a good one. */
function fakeHttp(...goodTokens: string[]) {
  const seen: string[] = [];
  const good = (auth: string) => goodTokens.some((t) => auth === `Bearer ${t}`);
  const fetchImpl = (async (_url: string, init?: RequestInit) => {
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    seen.push(auth);
    const body = good(auth)
      ? { data: { me: { ...user, __typename: 'User' } } }
      : {
          errors: [
            { message: 'You are not authorized to make this call.', errorType: 'UnauthorizedException' },
          ],
        };
    return new Response(JSON.stringify(body), {
      status: good(auth) ? 200 : 401,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { fetchImpl, seen };
}

function storeWith(refresh: (token: string) => Promise<Session>) {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session(1)));
  return new SessionStore({
    storage: localStorage,
    api: { login: async () => session(1), signup: async () => session(1), refresh, logout: async () => {} },
  });
}

describe('API client', () => {
  it('refreshes once when the API refuses a token that has not expired, and retries with the new one', async () => {
    const refreshed: string[] = [];
    const store = storeWith(async (token) => {
      refreshed.push(token);
      return session(2);
    });
    const http = fakeHttp('access-2');
    const result = await createApiClient('http://api.test/graphql', store, http.fetchImpl)
      .query(MeDocument, {})
      .toPromise();
    expect(result.data?.me?.email).toBe('dev@example.com');
    expect(refreshed).toEqual(['refresh-1']);
    expect(http.seen).toEqual(['Bearer access-1', 'Bearer access-2']);
  });

  it('ends the session when the refresh is refused too', async () => {
    const store = storeWith(async () => {
      throw new ApiRequestError('Unauthorized', 'revoked');
    });
    const http = fakeHttp('never');
    const result = await createApiClient('http://api.test/graphql', store, http.fetchImpl)
      .query(MeDocument, {})
      .toPromise();
    expect(result.error).toBeDefined();
    expect(store.current()).toBeNull();
    expect(store.endReason).toBe('expired');
  });

  it('ends the session when the API refuses even the refreshed token, instead of leaving the user signed in', async () => {
    const store = storeWith(async () => session(2));
    const http = fakeHttp('never');
    const result = await createApiClient('http://api.test/graphql', store, http.fetchImpl)
      .query(MeDocument, {})
      .toPromise();
    expect(result.error).toBeDefined();
    expect(http.seen).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(store.current()).toBeNull();
    expect(store.endReason).toBe('expired');
  });

  it('refreshes an expired stored token that is not the one it last sent, rather than sending it as it is', async () => {
    const refreshed: string[] = [];
    const store = storeWith(async (token) => {
      refreshed.push(token);
      return session(2);
    });
    const http = fakeHttp('access-1', 'access-2');
    const client = createApiClient('http://api.test/graphql', store, http.fetchImpl);
    expect((await client.query(MeDocument, {}).toPromise()).error).toBeUndefined();
    // Another tab (or a hand) stored a token that has already expired.
    const stale = { ...session(9), expiresAt: new Date(Date.now() - 1000).toISOString() };
    localStorage.setItem(SESSION_KEY, JSON.stringify(stale));
    const again = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(again.error).toBeUndefined();
    expect(refreshed).toEqual(['refresh-9']);
    expect(http.seen.at(-1)).toBe('Bearer access-2');
  });
});
