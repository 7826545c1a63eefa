import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { Client, CombinedError, type Exchange, Provider } from 'urql';
import { fromPromise, mergeMap, pipe } from 'wonka';
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

export function renderWith(ui: ReactElement, client?: Client, route = '/') {
  const tree = (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </MantineProvider>
  );
  return render(client ? <Provider value={client}>{tree}</Provider> : tree);
}
