/**
 * AppSync-style pagination shared by every list: a bounded `limit` and an opaque `nextToken` that encodes a
 * keyset cursor (creation time + id), so pages stay stable while rows are added.
 */
import { ValidationError } from './errors.ts';
import { isRealInstant } from './text.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Most bytes of the items of one page of a list whose items can be large (log text and summaries, ticket
 * bodies): a resolver's answer must fit a Lambda response (6 MB) with room for the rest. A page that would be
 * larger ends early; its nextToken goes on from there.
 */
export const LIST_ANSWER_BYTES = 4 * 1024 * 1024;

export interface Cursor {
  /** ISO timestamp as the database printed it (microsecond precision kept). */
  createdAt: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, at: cursor.createdAt, id: cursor.id })).toString('base64url');
}

export function decodeCursor(token: string): Cursor {
  const invalid = () => new ValidationError('nextToken', 'is not a token returned by this query');
  if (token.length > 512 || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { v, at, id } = parsed as Record<string, unknown>;
  if (
    v !== 1 ||
    typeof at !== 'string' ||
    // As Postgres will read it: JavaScript accepts 2020-02-31, Postgres does not.
    !isRealInstant(at) ||
    typeof id !== 'string' ||
    !UUID.test(id)
  ) {
    throw invalid();
  }
  return { createdAt: at, id };
}

/** A page asked for: its size (already bounded at the edge) and where the previous page ended. */
export interface PageRequest {
  limit: number;
  after: Cursor | null;
}

/** `limit` (1..MAX_PAGE_SIZE, checked at the edge) and `nextToken` as the caller sent them. */
export function pageRequest(
  limit: number | null | undefined,
  nextToken: string | null | undefined,
): PageRequest {
  return {
    limit: limit ?? DEFAULT_PAGE_SIZE,
    after: nextToken === undefined || nextToken === null || nextToken === '' ? null : decodeCursor(nextToken),
  };
}

/**
 * A bound on a page's size in bytes: items are taken while their sizes fit (always at least one), and the
 * next page starts after the last one taken. A resolver's answer must fit a Lambda response (6 MB). Sizes are
 * of the items as answered, so each item is built once, measured and kept.
 */
export interface ByteBudget<Item> {
  maxBytes: number;
  sizeOf: (item: Item) => number;
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says that there is a next page. With a
 * byte budget the page may end sooner; its `nextToken` then continues from the last row it holds.
 */
export function toPage<Row, Item>(
  rows: readonly { row: Row; cursor: Cursor }[],
  limit: number,
  toItem: (row: Row) => Item,
  budget?: ByteBudget<Item>,
): Page<Item> {
  const page = rows.slice(0, limit);
  const items = budget ? itemsWithin(page, toItem, budget) : page.map((entry) => toItem(entry.row));
  const last = page[items.length - 1];
  return {
    items,
    nextToken: rows.length > items.length && last ? encodeCursor(last.cursor) : null,
  };
}

function itemsWithin<Row, Item>(
  rows: readonly { row: Row }[],
  toItem: (row: Row) => Item,
  budget: ByteBudget<Item>,
): Item[] {
  const items: Item[] = [];
  let bytes = 0;
  for (const { row } of rows) {
    const item = toItem(row);
    bytes += budget.sizeOf(item);
    if (items.length > 0 && bytes > budget.maxBytes) break;
    items.push(item);
  }
  return items;
}
