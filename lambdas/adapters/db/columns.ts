import { type SQL, sql } from 'drizzle-orm';

/**
 * A select's columns with each large one the caller did not ask for read as SQL `null`. Postgres then never
 * sends it and the driver never decodes it: a list polled over and over otherwise pays the wire and the
 * `JSON.parse` of every entry's text or summary (KBs to MBs each) for fields the query did not select.
 */
export function readingOnly<Columns extends Record<string, unknown>, Large extends keyof Columns & string>(
  columns: Columns,
  wanted: Readonly<Record<Large, boolean>>,
): Omit<Columns, Large> & { [K in Large]: Columns[K] | SQL<null> } {
  const read: Record<string, unknown> = { ...columns };
  for (const [name, isWanted] of Object.entries(wanted)) if (!isWanted) read[name] = sql<null>`null`;
  return read as Omit<Columns, Large> & { [K in Large]: Columns[K] | SQL<null> };
}
