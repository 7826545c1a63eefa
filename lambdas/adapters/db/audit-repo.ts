/**
 * The audit log on Postgres. Changes made by an admin write their entry with `insertAudit` inside their own
 * transaction, so the change and its record stand or fall together; the application's role may only insert
 * and read (migration 0006_app_role).
 */
import { and, desc, eq, gte, ilike, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { AuditEntry, AuditFilter, AuditLog, NewAuditEntry } from '../../core/use-cases/audit.ts';
import type { Database } from './client.ts';
import type { DatabaseExecutor } from './job-repo.ts';
import { auditLog, users } from './schema.ts';

/** An entry whose actor is known by id only takes the e-mail the actor has now. */
export type AuditInsert = Omit<NewAuditEntry, 'actor'> & { actor: { id: string; email?: string } | null };

export async function insertAudit(executor: DatabaseExecutor, entry: AuditInsert): Promise<void> {
  const actor = entry.actor;
  const actorEmail =
    actor?.email ??
    (actor ? sql<string>`(select ${users.email} from ${users} where ${users.id} = ${actor.id})` : null);
  await executor
    .insert(auditLog)
    .values({
      actorId: actor?.id ?? null,
      actorEmail,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id,
      targetLabel: entry.target.label,
      details: entry.details ?? {},
      dedupeKey: entry.dedupeKey ?? null,
    })
    .onConflictDoNothing({ target: auditLog.dedupeKey });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id matches exactly, anything else is an e-mail or a name (case-insensitive, exact). */
function actorMatches(actor: string): SQL | undefined {
  if (UUID.test(actor)) return eq(auditLog.actorId, actor.toLowerCase());
  return ilike(auditLog.actorEmail, escapeLike(actor));
}

function targetMatches(target: string): SQL | undefined {
  return or(
    eq(auditLog.targetId, UUID.test(target) ? target.toLowerCase() : target),
    ilike(auditLog.targetLabel, escapeLike(target)),
  );
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function createAuditLog(db: Database): AuditLog {
  return {
    record: (entry) => insertAudit(db, entry),
    async list(filter: AuditFilter, page) {
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            filter.actor ? actorMatches(filter.actor) : undefined,
            filter.action ? eq(auditLog.action, filter.action) : undefined,
            filter.target ? targetMatches(filter.target) : undefined,
            filter.from ? gte(auditLog.at, filter.from) : undefined,
            filter.to ? lte(auditLog.at, filter.to) : undefined,
            page.beforeId ? lt(auditLog.id, page.beforeId) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(page.limit);
      return rows.map(
        (row): AuditEntry => ({
          id: row.id,
          at: row.at,
          actorId: row.actorId,
          actorEmail: row.actorEmail,
          action: row.action,
          targetType: row.targetType,
          targetId: row.targetId,
          targetLabel: row.targetLabel,
          details: row.details,
        }),
      );
    },
  };
}
