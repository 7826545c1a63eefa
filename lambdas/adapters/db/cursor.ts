import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import type { Cursor } from '../../core/pagination.ts';

/** The creation time as text with microseconds, so a cursor compares exactly (a JS Date keeps only ms). */
export const cursorTimestamp = (createdAt: AnyColumn) =>
  sql<string>`to_char(${createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows after the cursor in (created_at, id) order: `direction` is the order the list is sorted in. */
export function pastCursor(
  createdAt: AnyColumn,
  id: AnyColumn,
  after: Cursor | null,
  direction: 'asc' | 'desc',
): SQL | undefined {
  if (!after) return undefined;
  return direction === 'desc'
    ? sql`(${createdAt}, ${id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`
    : sql`(${createdAt}, ${id}) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
}
