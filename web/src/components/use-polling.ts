import { useEffect } from 'react';

/** Calls `refresh` every `ms` while `active` (and the tab is visible), e.g. while a job is QUEUED/PROCESSING. */
export function usePolling(active: boolean, refresh: () => void, ms = 2000): void {
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') refresh();
    }, ms);
    return () => window.clearInterval(timer);
  }, [active, refresh, ms]);
}
