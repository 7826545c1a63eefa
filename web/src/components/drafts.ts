/**
 * Unsent form text kept in this tab's sessionStorage, per user, so that a session ending while someone types
 * (sign-in page, then back) does not lose it. sessionStorage: it never reaches another tab or outlives this
 * one; per user: the next person to sign in on the tab does not see it. Signing out clears every draft.
 */
const PREFIX = 'ai-ops.draft.';

const keyOf = (form: string, userId: string) => `${PREFIX}${form}.${userId}`;

function storage(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    // Storage can be refused (privacy settings): then there are no drafts.
    return undefined;
  }
}

export function readDraft(form: string, userId: string): Record<string, string> | undefined {
  const raw = storage()?.getItem(keyOf(form, userId));
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (value === null || typeof value !== 'object') return undefined;
    return Object.fromEntries(
      Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return undefined;
  }
}

/**
 * Saves the fields, or forgets the draft when they are all empty. Answers whether the draft is kept: false when
 * storage is refused or full (sessionStorage holds about 5 MB per origin, and `setItem` then throws, which must
 * never break the form); the older draft is removed then, so a reload does not bring back stale text.
 */
export function saveDraft(form: string, userId: string, fields: Record<string, string>): boolean {
  const store = storage();
  if (!store) return false;
  try {
    if (Object.values(fields).every((v) => v === '')) store.removeItem(keyOf(form, userId));
    else store.setItem(keyOf(form, userId), JSON.stringify(fields));
    return true;
  } catch {
    store.removeItem(keyOf(form, userId));
    return false;
  }
}

export function clearDraft(form: string, userId: string): void {
  storage()?.removeItem(keyOf(form, userId));
}

export function clearAllDrafts(): void {
  const store = storage();
  if (!store) return;
  const keys = Array.from({ length: store.length }, (_, i) => store.key(i)).filter(
    (k): k is string => k?.startsWith(PREFIX) === true,
  );
  for (const key of keys) store.removeItem(key);
}
