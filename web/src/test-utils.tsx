import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { MemoryRouter, useLocation } from 'react-router';
import { Client, CombinedError, type Exchange, Provider } from 'urql';
import { fromPromise, mergeMap, pipe } from 'wonka';
import { SessionContext } from './session/SessionProvider.tsx';
import { type Role, SESSION_KEY, SessionStore } from './session/session-store.ts';
import { cssVariablesResolver, theme } from './theme.ts';

export interface FakeCall {
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

type Answer = { data?: unknown; errors?: { message: string; errorType: string }[] };

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
        const { data, errors } = answer(call);
        return fromPromise(
          Promise.resolve({
            operation,
            data: data ?? undefined,
            // As AppSync sends them: errorType beside the message.
            error: errors ? new CombinedError({ graphQLErrors: errors }) : undefined,
            stale: false,
            hasNext: false,
          }),
        );
      }),
    );
  const client = new Client({ url: 'http://api.invalid/graphql', exchanges: [exchange] });
  return { client, calls };
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

/** Renders `ui` signed in as `user` (a stored session; the auth API is never reached), at `route`. */
export function renderSignedIn(
  ui: ReactElement,
  client: Client,
  route = '/',
  user: { id: string; email: string; role: Role } = { id: 'u1', email: 'dev@example.com', role: 'USER' },
) {
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
  const value = { store, config: { graphqlUrl: 'http://api.invalid/graphql', apiKey: 'key' } };
  return renderWith(
    <SessionContext.Provider value={value}>
      {ui}
      <LocationProbe />
    </SessionContext.Provider>,
    client,
    route,
  );
}
