import { createContext, type ReactNode, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { createApiClient } from '../api/client.ts';
import type { ConsoleConfig } from '../api/config.ts';
import { createAuthApi } from './auth-api.ts';
import { REFRESH_MARGIN_MS, SESSION_KEY, type Session, SessionStore } from './session-store.ts';

interface SessionContextValue {
  store: SessionStore;
  config: ConsoleConfig;
}

/** Exported for component tests, which provide a session without the real API client. */
export const SessionContext = createContext<SessionContextValue | null>(null);

function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionProvider>');
  return value;
}

export function useSessionStore(): SessionStore {
  return useSessionContext().store;
}

export function useConsoleConfig(): ConsoleConfig {
  return useSessionContext().config;
}

export function useSession(): Session | null {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.current);
}

export function SessionProvider({ config, children }: { config: ConsoleConfig; children: ReactNode }) {
  const store = useMemo(
    () =>
      new SessionStore({
        storage: window.localStorage,
        api: createAuthApi(config.graphqlUrl, config.apiKey),
        locks: typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined,
      }),
    [config],
  );
  const session = useSyncExternalStore(store.subscribe, store.current);
  // A new client per signed-in user, so one user's cached answers never show for the next.
  const userId = session?.user.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the client is recreated when the user changes
  const client = useMemo(() => createApiClient(config.graphqlUrl, store), [config, store, userId]);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === SESSION_KEY || event.key === null) store.notifyExternalChange();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [store]);

  // Refresh a minute before expiry, so pages that poll never see an expired token.
  const expiresAt = session?.expiresAt;
  useEffect(() => {
    if (!expiresAt) return;
    const due = Date.parse(expiresAt) - REFRESH_MARGIN_MS - Date.now();
    const timer = window.setTimeout(
      () => {
        store.refresh().catch(() => undefined);
      },
      Math.max(due, 1_000),
    );
    return () => window.clearTimeout(timer);
  }, [expiresAt, store]);

  const value = useMemo(() => ({ store, config }), [store, config]);
  return (
    <SessionContext.Provider value={value}>
      <UrqlProvider value={client}>{children}</UrqlProvider>
    </SessionContext.Provider>
  );
}
