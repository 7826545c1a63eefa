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
  mutation SignIn($email: AWSEmail!, $password: String!) {
    login(email: $email, password: $password) {
      ...SessionFields
    }
  }
`);

const SignUpDocument = graphql(`
  mutation SignUp($email: AWSEmail!, $password: String!) {
    signup(email: $email, password: $password) {
      ...SessionFields
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

/** signup, login and refreshToken with the API key (AppSync API_KEY mode); logout with the access token. */
export function createAuthApi(graphqlUrl: string, apiKey: string): AuthApi {
  const withKey = { 'x-api-key': apiKey };
  return {
    login: async (email, password) =>
      required((await postGraphQL(graphqlUrl, SignInDocument, { email, password }, withKey)).login, 'login'),
    signup: async (email, password) =>
      required(
        (await postGraphQL(graphqlUrl, SignUpDocument, { email, password }, withKey)).signup,
        'signup',
      ),
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
