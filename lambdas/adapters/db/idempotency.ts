import { and, eq } from 'drizzle-orm';
import type { DatabaseExecutor } from './job-repo.ts';
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
