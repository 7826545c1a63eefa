import { authExchange } from '@urql/exchange-auth';
import { Client, cacheExchange, fetchExchange, mapExchange, type Operation } from 'urql';
import { REFRESH_MARGIN_MS, type SessionStore } from '../session/session-store.ts';
import { retryingUnavailable } from './retry-unavailable.ts';

/**
 * The urql client for everything behind the Lambda authorizer: adds `Authorization: Bearer`, refreshes shortly
 * before expiry, and once more when the API refuses the token (HTTP 401: revoked or rotated); when that fails,
 * or the API refuses the token it was retried with, the session ends and the app shows the sign-in page with a
 * message (a form that showed "not signed in" under a header still naming the user misled: QA pass 2).
 */
export function createApiClient(
  graphqlUrl: string,
  sessions: SessionStore,
  fetchImpl?: typeof fetch,
): Client {
  return new Client({
    url: graphqlUrl,
    // A paused database answers ServiceUnavailable while it resumes: asked again, it answers.
    fetch: retryingUnavailable(fetchImpl ?? ((input, init) => fetch(input, init))),
    // AppSync takes POST only (urql would send short queries as GET).
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      // Results reach here after the auth exchange's one retry: a 401 now is final.
      mapExchange({
        onResult(result) {
          if (result.error?.response?.status !== 401) return;
          const session = sessions.current();
          // Only the session the request was sent with: one signed out or replaced meanwhile is left alone.
          if (session && bearerOf(result.operation) === session.accessToken) sessions.end('expired');
        },
      }),
      authExchange(async (utils) => {
        let sentToken: string | undefined;
        return {
          addAuthToOperation(operation) {
            const session = sessions.current();
            if (!session) return operation;
            sentToken = session.accessToken;
            return utils.appendHeaders(operation, { Authorization: `Bearer ${session.accessToken}` });
          },
          willAuthError() {
            const session = sessions.current();
            return session !== null && sessions.msLeft(session) < REFRESH_MARGIN_MS / 2;
          },
          didAuthError(error) {
            return error.response?.status === 401;
          },
          async refreshAuth() {
            // An expiring stored token is refreshed whoever stored it; otherwise the API refused the one we
            // sent, and a different stored one (another tab's refresh) is adopted rather than refreshed.
            const stored = sessions.current();
            const expiring = stored !== null && sessions.msLeft(stored) < REFRESH_MARGIN_MS;
            await sessions.refresh(expiring ? undefined : sentToken);
          },
        };
      }),
      fetchExchange,
    ],
    // Lists change behind our back (workers finish jobs): always revalidate while showing the cached page.
    requestPolicy: 'cache-and-network',
  });
}

/** The access token an operation was sent with (the auth exchange puts it in the fetch options). */
function bearerOf(operation: Operation): string | undefined {
  const options =
    typeof operation.context.fetchOptions === 'function'
      ? operation.context.fetchOptions()
      : operation.context.fetchOptions;
  const auth = new Headers(options?.headers).get('authorization');
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
}
