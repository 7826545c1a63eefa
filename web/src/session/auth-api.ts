import { postGraphQL } from '../api/graphql-fetch.ts';
import { graphql } from '../gql/index.ts';
import type { AuthApi, Session } from './session-store.ts';

graphql(`
  fragment SessionFields on AuthPayload {
    accessToken
    refreshToken
    expiresAt
    user { id email role }
  }
`);

const SignInDocument = graphql(`
  mutation SignIn($email: AWSEmail!, $password: String!, $deviceToken: String) {
    login(email: $email, password: $password, deviceToken: $deviceToken) {
      ...SessionFields
      deviceToken
    }
  }
`);

const SignUpDocument = graphql(`
  mutation SignUp($email: AWSEmail!, $password: String!) {
    signup(email: $email, password: $password) {
      ...SessionFields
      deviceToken
    }
  }
`);

const RefreshSessionDocument = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      ...SessionFields
    }
  }
`);

const SignOutDocument = graphql(`
  mutation SignOut {
    logout
  }
`);

function required(payload: Session | null, what: string): Session {
  if (!payload) throw new Error(`${what} answered no session`);
  return payload;
}

/**
 * The device token of the last sign-in to an account from this browser: sent with the next login, it keeps
 * this browser signing in while someone else's failed guesses lock the account (docs/auth.md).
 */
const deviceKey = (email: string) => `ai-ops.device:${email.trim().toLowerCase()}`;

function recallDevice(email: string): string | null {
  try {
    return globalThis.localStorage?.getItem(deviceKey(email)) ?? null;
  } catch {
    return null;
  }
}

function withoutDevice<P extends Session & { deviceToken?: string | null }>(
  email: string,
  payload: P | null,
) {
  if (!payload) return null;
  const { deviceToken, ...session } = payload;
  try {
    if (deviceToken) globalThis.localStorage?.setItem(deviceKey(email), deviceToken);
  } catch {
    // Storage may be unavailable (private mode): signing in still works, without the device's exemption.
  }
  return session;
}

/** signup, login and refreshToken with the API key (AppSync API_KEY mode); logout with the access token. */
export function createAuthApi(graphqlUrl: string, apiKey: string): AuthApi {
  const withKey = { 'x-api-key': apiKey };
  return {
    login: async (email, password) => {
      const variables = { email, password, deviceToken: recallDevice(email) };
      const { login } = await postGraphQL(graphqlUrl, SignInDocument, variables, withKey);
      return required(withoutDevice(email, login), 'login');
    },
    signup: async (email, password) => {
      const { signup } = await postGraphQL(graphqlUrl, SignUpDocument, { email, password }, withKey);
      return required(withoutDevice(email, signup), 'signup');
    },
    refresh: async (refreshToken) =>
      required(
        (await postGraphQL(graphqlUrl, RefreshSessionDocument, { refreshToken }, withKey)).refreshToken,
        'refreshToken',
      ),
    logout: async (accessToken) => {
      await postGraphQL(graphqlUrl, SignOutDocument, {}, { authorization: `Bearer ${accessToken}` });
    },
  };
}
