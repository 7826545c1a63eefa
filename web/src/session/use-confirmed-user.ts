import { useWindowEvent } from '@mantine/hooks';
import { useCallback, useEffect } from 'react';
import { useQuery } from 'urql';
import { usePolling } from '../components/use-polling.ts';
import { graphql } from '../gql/index.ts';
import { useSessionStore } from './SessionProvider.tsx';

const MeDocument = graphql(`
  query Me {
    me { id email role }
  }
`);

/** How often an open, visible console asks again: the admin page promises a changed role within a minute. */
export const CONFIRM_EVERY_MS = 60_000;

/**
 * Asks the server who is signed in (`me`: the current role, read from the database) when the console loads,
 * when its window gets focus and every minute while visible, and hands the answer to the session store,
 * which adopts a changed role (menus and route guards follow) and renews the token. Before, the console kept
 * the role stored at sign-in: a promoted user saw USER menus after a reload, a demoted one kept the old ones.
 */
export function useConfirmedUser(): void {
  const store = useSessionStore();
  const [{ data }, reexecute] = useQuery({ query: MeDocument, requestPolicy: 'network-only' });
  const ask = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  useWindowEvent('focus', ask);
  usePolling(true, ask, CONFIRM_EVERY_MS);
  const me = data?.me;
  useEffect(() => {
    if (me) store.confirmUser(me).catch(() => undefined);
  }, [me, store]);
}
