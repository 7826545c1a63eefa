import { randomUUID } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { ChangelogRepo, StoredChangelog } from '../../core/use-cases/changelogs.ts';
import type { Database } from './client.ts';
import { claimIdempotencyKey } from './idempotency.ts';
import { changeEvents, changelogs } from './schema.ts';

const cursorAt = sql<string>`to_char(${changelogs.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const toStored = (row: typeof changelogs.$inferSelect): StoredChangelog => ({
  id: row.id,
  ownerId: row.ownerId,
  version: row.version,
  previousVersion: row.previousVersion,
  date: row.releaseDate,
  bump: row.bump,
  sections: row.sections,
  markdown: row.markdown,
  createdAt: row.createdAt,
});

export function createChangelogRepo(db: Database): ChangelogRepo {
  const get = async (id: string) => {
    const [row] = await db.select().from(changelogs).where(eq(changelogs.id, id)).limit(1);
    return row ? toStored(row) : null;
  };
  return {
    async create(input, idempotencyKey) {
      const id = randomUUID();
      const existingId = await db.transaction(async (tx) => {
        if (idempotencyKey) {
          const existing = await claimIdempotencyKey(tx, {
            ownerId: input.ownerId,
            operation: 'generateChangelog',
            key: idempotencyKey,
            resourceId: id,
          });
          if (existing) return existing;
        }
        await tx.insert(changelogs).values({
          id,
          ownerId: input.ownerId,
          version: input.version,
          previousVersion: input.previousVersion,
          releaseDate: input.date,
          bump: input.bump,
          sections: input.sections,
          markdown: input.markdown,
          entryCount: input.entryCount,
        });
        await tx.insert(changeEvents).values({
          entityType: 'changelog',
          entityId: id,
          action: 'created',
          actorId: input.ownerId,
          changes: { version: { from: input.previousVersion, to: input.version } },
        });
        return null;
      });
      const changelog = await get(existingId ?? id);
      if (!changelog) throw new Error('A created changelog could not be read back');
      return { changelog, created: existingId === null };
    },
    get,
    async list({ limit, after }) {
      const rows = await db
        .select({ changelog: changelogs, cursorAt })
        .from(changelogs)
        .where(
          after
            ? sql`(${changelogs.createdAt}, ${changelogs.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`
            : undefined,
        )
        .orderBy(desc(changelogs.createdAt), desc(changelogs.id))
        .limit(limit);
      return rows.map((row) => ({
        row: toStored(row.changelog),
        cursor: { createdAt: row.cursorAt, id: row.changelog.id },
      }));
    },
  };
}
