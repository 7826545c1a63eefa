import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Database } from './client.ts';
import type { DatabaseExecutor, Transaction } from './job-repo.ts';
import { idempotencyKeys } from './schema.ts';

/**
 * Claims `key` for the resource about to be created, inside the creating transaction. Returns null when the
 * claim is new, or the id of the resource the key already names. A concurrent claim of the same key waits on
 * the unique index until the first transaction ends, then sees its resource.
 */
export async function claimIdempotencyKey(
  tx: DatabaseExecutor,
  claim: { ownerId: string; operation: string; key: string; resourceId: string },
): Promise<string | null> {
  const inserted = await tx
    .insert(idempotencyKeys)
    .values(claim)
    .onConflictDoNothing()
    .returning({ resourceId: idempotencyKeys.resourceId });
  if (inserted.length > 0) return null;
  const [existing] = await tx
    .select({ resourceId: idempotencyKeys.resourceId })
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.ownerId, claim.ownerId),
        eq(idempotencyKeys.operation, claim.operation),
        eq(idempotencyKeys.key, claim.key),
      ),
    );
  if (!existing) throw new Error('An idempotency key conflicted but its record is missing');
  return existing.resourceId;
}

/**
 * Creates a resource at most once per (owner, operation, key): `insert` runs in a transaction under a fresh id
 * unless the key already names a resource. Without a key it always creates.
 */
export async function createOnce(
  db: Database,
  claim: { ownerId: string; operation: string; key: string | null },
  insert: (tx: Transaction, id: string) => Promise<void>,
): Promise<{ id: string; created: boolean }> {
  const id = randomUUID();
  const existingId = await db.transaction(async (tx) => {
    if (claim.key) {
      const existing = await claimIdempotencyKey(tx, { ...claim, key: claim.key, resourceId: id });
      if (existing) return existing;
    }
    await insert(tx, id);
    return null;
  });
  return { id: existingId ?? id, created: existingId === null };
}
