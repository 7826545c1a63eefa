import type { ChangelogRepo, StoredChangelog } from '../../lambdas/core/use-cases/changelogs.ts';

/** A changelog repository in memory that keeps what was stored, for the use case's tests. */
export function memoryChangelogRepo(): ChangelogRepo & { stored: StoredChangelog[] } {
  const stored: StoredChangelog[] = [];
  return {
    stored,
    async create(changelog) {
      const row = { ...changelog, id: `c${stored.length}`, createdAt: new Date(0) };
      stored.push(row);
      return { changelog: row, created: true };
    },
    async get(id) {
      return stored.find((c) => c.id === id) ?? null;
    },
    async list() {
      return [];
    },
  };
}
