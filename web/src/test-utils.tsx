import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import {
  createMemoryRouter,
  MemoryRouter,
  type RouteObject,
  RouterProvider,
  useLocation,
} from 'react-router';
import { Client, CombinedError, type Exchange, Provider } from 'urql';
import { fromPromise, mergeMap, never, pipe } from 'wonka';
import { SessionContext } from './session/SessionProvider.tsx';
import { type Role, SESSION_KEY, SessionStore } from './session/session-store.ts';
import { cssVariablesResolver, theme } from './theme.ts';

export interface FakeCall {
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

type Answer = {
  data?: unknown;
  errors?: { message: string; errorType: string }[];
  /** The request never reached the API (the server stopped): fetch failed. */
  unreachable?: boolean;
};

/**
 * A stand-in for the API at urql's transport layer: each operation is answered by `answer` (by operation
 * name), and recorded, so a component runs its real queries and mutations against it.
 */
export function fakeApi(answer: (call: FakeCall) => Answer) {
  const calls: FakeCall[] = [];
  const exchange: Exchange = () => (operations$) =>
    pipe(
      operations$,
      mergeMap((operation) => {
        const definition = operation.query.definitions[0];
        const call: FakeCall = {
          operationName: definition && 'name' in definition ? definition.name?.value : undefined,
          variables: (operation.variables ?? {}) as Record<string, unknown>,
        };
        calls.push(call);
        const { data, errors, unreachable } = answer(call);
        return fromPromise(
          Promise.resolve({
            operation,
            data: data ?? undefined,
            // As AppSync sends them: errorType beside the message.
            error: unreachable
              ? new CombinedError({ networkError: new TypeError('Failed to fetch') })
              : errors
                ? new CombinedError({ graphQLErrors: errors })
                : undefined,
            stale: false,
            hasNext: false,
          }),
        );
      }),
    );
  const client = new Client({ url: 'http://api.invalid/graphql', exchanges: [exchange] });
  return { client, calls };
}

/** An API that has not answered yet (a slow server): every operation stays in flight. */
export function pendingApi(): Client {
  return new Client({ url: 'http://api.invalid/graphql', exchanges: [() => () => never] });
}

/** Renders `ui` with the console's providers (a wrapper, so `rerender` gives it new props in place). */
export function renderWith(ui: ReactElement, client?: Client, route = '/') {
  const wrapper = ({ children }: { children: ReactNode }) => {
    const tree = (
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
      </MantineProvider>
    );
    return client ? <Provider value={client}>{tree}</Provider> : tree;
  };
  return render(ui, { wrapper });
}

/** Where the router is now (path and query string), for tests of what a page keeps in the URL. */
export function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

export const currentLocation = (): string =>
  document.querySelector('[data-testid="location"]')?.textContent ?? '';

const USER = { id: 'u1', email: 'dev@example.com', role: 'USER' } as const;

/**
 * A stored session for `user` and the session context over it; the auth API is never reached (a refresh
 * throws, as the real one does when the API cannot be reached).
 */
export function signedInContext(user: { id: string; email: string; role: Role } = USER) {
  const session = {
    accessToken: 'access',
    refreshToken: 'refresh',
    expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    user,
  };
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  const unused = async (): Promise<never> => {
    throw new Error('the auth API is not part of this test');
  };
  const store = new SessionStore({
    storage: localStorage,
    api: { login: unused, signup: unused, refresh: unused, logout: unused },
  });
  return { store, config: { graphqlUrl: 'http://api.invalid/graphql', apiKey: 'key' } };
}

/** Renders `ui` signed in as `user` (a stored session; the auth API is never reached), at `route`. */
export function renderSignedIn(
  ui: ReactElement,
  client: Client,
  route = '/',
  user: { id: string; email: string; role: Role } = USER,
) {
  return renderWith(
    <SessionContext.Provider value={signedInContext(user)}>
      {ui}
      <LocationProbe />
    </SessionContext.Provider>,
    client,
    route,
  );
}

/**
 * Renders `ui` signed out, with `auth` answering every call of the auth API (login, signup, refresh, logout).
 */
export function renderSignedOut(ui: ReactElement, auth: () => Promise<never>) {
  const store = new SessionStore({
    storage: localStorage,
    api: { login: auth, signup: auth, refresh: auth, logout: auth },
  });
  return renderWith(
    <SessionContext.Provider
      value={{ store, config: { graphqlUrl: 'http://api.invalid/graphql', apiKey: 'k' } }}
    >
      {ui}
    </SessionContext.Provider>,
  );
}

/**
 * The whole console (its routes, layout and guards) in a memory router at `route`, signed in as `user`:
 * for what the router itself does (error elements, role redirects).
 */
export function renderConsole(
  routes: RouteObject[],
  client: Client,
  route: string,
  user: { id: string; email: string; role: Role } = USER,
) {
  const router = createMemoryRouter(routes, { initialEntries: [route] });
  render(
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Provider value={client}>
        <SessionContext.Provider value={signedInContext(user)}>
          <RouterProvider router={router} />
        </SessionContext.Provider>
      </Provider>
    </MantineProvider>,
  );
  return router;
}
