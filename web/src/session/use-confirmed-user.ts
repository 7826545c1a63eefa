import { useWindowEvent } from '@mantine/hooks';
import { useCallback, useEffect } from 'react';
import { useQuery } from 'urql';
import { firstApiError } from '../api/errors.ts';
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
  const [{ data, error }, reexecute] = useQuery({ query: MeDocument, requestPolicy: 'network-only' });
  const ask = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  useWindowEvent('focus', ask);
  usePolling(true, ask, CONFIRM_EVERY_MS);
  const me = data?.me;
  useEffect(() => {
    if (me) store.confirmUser(me).catch(() => undefined);
  }, [me, store]);
  // `me` answers Unauthorized when the account was deleted or disabled, or the session signed out elsewhere,
  // while the token itself is still valid: the console signs out instead of going on with a dead session until
  // the token expires (other errors, an unreachable API, leave the session as it is).
  const ended = firstApiError(error)?.errorType === 'Unauthorized';
  useEffect(() => {
    if (ended) store.end('expired');
  }, [ended, store]);
}
