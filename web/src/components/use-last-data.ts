import { useRef } from 'react';

/**
 * What a query last answered for the same `key` (its variables), kept while a refetch fails: urql replaces a
 * query's data with nothing when a refetch errs, so a log summary still being made turned into "Could not load
 * this log summary" the moment the server stopped, stopped polling (its status was gone with it), and stayed so
 * after the server was back. With the last answer kept, the page shows it under the error and keeps polling.
 */
export function useLastData<T>(data: T | null | undefined, key: string): T | undefined {
  const last = useRef<{ key: string; data: T } | undefined>(undefined);
  // Idempotent during render: it only remembers the newest answer for this key.
  if (data !== undefined && data !== null) last.current = { key, data };
  if (data !== undefined && data !== null) return data;
  return last.current?.key === key ? last.current.data : undefined;
}
