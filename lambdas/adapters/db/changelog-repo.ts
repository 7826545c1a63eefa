import { desc, eq } from 'drizzle-orm';
import type { ChangelogRepo, StoredChangelog } from '../../core/use-cases/changelogs.ts';
import type { Database } from './client.ts';
import { cursorTimestamp, pastCursor } from './cursor.ts';
import { createOnce } from './idempotency.ts';
import { changeEvents, changelogs } from './schema.ts';

const cursorAt = cursorTimestamp(changelogs.createdAt);

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
    async create(input, idempotency) {
      const { id, created } = await createOnce(
        db,
        { ownerId: input.ownerId, operation: 'generateChangelog', request: idempotency },
        async (tx, id) => {
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
        },
      );
      const changelog = await get(id);
      if (!changelog) throw new Error('A created changelog could not be read back');
      return { changelog, created };
    },
    get,
    async list({ limit, after }) {
      const rows = await db
        .select({ changelog: changelogs, cursorAt })
        .from(changelogs)
        .where(pastCursor(changelogs.createdAt, changelogs.id, after, 'desc'))
        .orderBy(desc(changelogs.createdAt), desc(changelogs.id))
        .limit(limit);
      return rows.map((row) => ({
        row: toStored(row.changelog),
        cursor: { createdAt: row.cursorAt, id: row.changelog.id },
      }));
    },
  };
}
