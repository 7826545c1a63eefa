import { authExchange } from '@urql/exchange-auth';
import { Client, cacheExchange, fetchExchange } from 'urql';
import { REFRESH_MARGIN_MS, type SessionStore } from '../session/session-store.ts';
import { retryingUnavailable } from './retry-unavailable.ts';

/**
 * The urql client for everything behind the Lambda authorizer: adds `Authorization: Bearer`, refreshes shortly
 * before expiry, and once more when the API refuses the token (HTTP 401: revoked or rotated); when that fails
 * the session ends and the app shows the sign-in page with a message.
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
            await sessions.refresh(sentToken);
          },
        };
      }),
      fetchExchange,
    ],
    // Lists change behind our back (workers finish jobs): always revalidate while showing the cached page.
    requestPolicy: 'cache-and-network',
  });
}
