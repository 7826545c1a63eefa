import { asc, eq } from 'drizzle-orm';
import { isRole, type Role } from '../../core/auth/roles.ts';
import type { FeatureFlag, FeatureFlagRepo } from '../../core/use-cases/feature-flags.ts';
import { insertAudit } from './audit-repo.ts';
import type { Database } from './client.ts';
import { changeEvents, featureFlags, users } from './schema.ts';

type FlagRow = typeof featureFlags.$inferSelect;

const toFlag = (row: FlagRow): FeatureFlag => ({
  name: row.name,
  enabled: row.enabled,
  rolloutPercent: row.rolloutPercent,
  roles: row.roles.filter(isRole),
  updatedAt: row.updatedAt,
  updatedBy: row.updatedBy,
});

export function createFeatureFlagRepo(db: Database): FeatureFlagRepo {
  return {
    async list() {
      const rows = await db.select().from(featureFlags).orderBy(asc(featureFlags.name));
      return rows.map(toFlag);
    },
    async upsert(flag, actorId) {
      return db.transaction(async (tx) => {
        // The row lock serialises concurrent changes of one flag, so each history entry's `from` is exact.
        const [before] = await tx
          .select()
          .from(featureFlags)
          .where(eq(featureFlags.name, flag.name))
          .for('update')
          .limit(1);
        const values = {
          enabled: flag.enabled,
          rolloutPercent: flag.rolloutPercent,
          roles: flag.roles,
          updatedAt: new Date(),
          updatedBy: actorId,
        };
        const [row] = before
          ? await tx.update(featureFlags).set(values).where(eq(featureFlags.id, before.id)).returning()
          : await tx
              .insert(featureFlags)
              .values({ name: flag.name, ...values })
              .onConflictDoUpdate({ target: featureFlags.name, set: values })
              .returning();
        if (!row) throw new Error(`Writing feature flag ${flag.name} returned no row`);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const field of ['enabled', 'rolloutPercent', 'roles'] as const) {
          const from = before ? before[field] : null;
          if (JSON.stringify(from) !== JSON.stringify(row[field])) changes[field] = { from, to: row[field] };
        }
        await tx.insert(changeEvents).values({
          entityType: 'feature_flag',
          entityId: row.id,
          action: before ? 'flag_changed' : 'flag_created',
          actorId,
          changes,
          snapshot: {
            name: row.name,
            enabled: row.enabled,
            rolloutPercent: row.rolloutPercent,
            roles: row.roles,
          },
        });
        await insertAudit(tx, {
          actor: { id: actorId },
          action: 'FLAG_CHANGED',
          target: { type: 'feature_flag', id: row.id, label: row.name },
          details: { created: !before, changes },
        });
        return toFlag(row);
      });
    },
    async roleOf(userId): Promise<Role | null> {
      const [row] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
      return row ? row.role : null;
    },
  };
}
