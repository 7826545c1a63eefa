import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import {
  type IdempotentOperation,
  type IdempotentRequest,
  idempotencyKeyReused,
  sameRequest,
} from '../../core/idempotency.ts';
import type { Database } from './client.ts';
import type { DatabaseExecutor, Transaction } from './job-repo.ts';
import { idempotencyKeys } from './schema.ts';

/**
 * Claims the request's key for the resource about to be created, inside the creating transaction. Returns null
 * when the claim is new, or the id of the resource the key already names; throws `idempotencyKeyReused` when
 * the key was first used for a different request. A concurrent claim of the same key waits on the unique
 * index until the first transaction ends, then sees its resource.
 */
export async function claimIdempotencyKey(
  tx: DatabaseExecutor,
  claim: { ownerId: string; operation: IdempotentOperation; request: IdempotentRequest; resourceId: string },
): Promise<string | null> {
  const { ownerId, operation, request, resourceId } = claim;
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({ ownerId, operation, key: request.key, resourceId, requestFingerprint: request.fingerprint })
    .onConflictDoNothing()
    .returning({ resourceId: idempotencyKeys.resourceId });
  if (inserted.length > 0) return null;
  const [existing] = await tx
    .select({ resourceId: idempotencyKeys.resourceId, fingerprint: idempotencyKeys.requestFingerprint })
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.ownerId, ownerId),
        eq(idempotencyKeys.operation, operation),
        eq(idempotencyKeys.key, request.key),
      ),
    );
  if (!existing) throw new Error('An idempotency key conflicted but its record is missing');
  if (!sameRequest(existing.fingerprint, request)) throw idempotencyKeyReused(operation, existing.resourceId);
  return existing.resourceId;
}

/**
 * Creates a resource at most once per (owner, operation, key): `insert` runs in a transaction under a fresh id
 * unless the key already names a resource. Without a key it always creates. A creation carries what `insert`
 * returned, so a repository can answer from what it wrote instead of reading it back.
 */
export async function createOnce<T = void>(
  db: Database,
  claim: { ownerId: string; operation: IdempotentOperation; request: IdempotentRequest | null },
  insert: (tx: Transaction, id: string) => Promise<T>,
): Promise<{ id: string; created: true; value: T } | { id: string; created: false }> {
  const id = randomUUID();
  const outcome = await db.transaction(async (tx): Promise<{ existingId: string } | { value: T }> => {
    if (claim.request) {
      const existingId = await claimIdempotencyKey(tx, { ...claim, request: claim.request, resourceId: id });
      if (existingId) return { existingId };
    }
    return { value: await insert(tx, id) };
  });
  return 'existingId' in outcome
    ? { id: outcome.existingId, created: false }
    : { id, created: true, value: outcome.value };
}
