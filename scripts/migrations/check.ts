/**
 * Expand-then-contract, checked: migrations run before the new code serves, while the previous release
 * still runs against the same database. A migration that drops or renames a table or column that the
 * previous release's schema still declares breaks that release (drizzle names every declared column in its
 * queries), so it is refused. The two-step way is in docs/operations.md.
 */

/** The tables and columns a release's drizzle schema declares (from its latest drizzle-kit snapshot). */
export type DeclaredSchema = ReadonlyMap<string, ReadonlySet<string>>;

export interface Migration {
  readonly name: string;
  readonly sql: string;
}

export interface UnsafeChange {
  readonly migration: string;
  readonly statement: string;
  readonly reason: string;
}

interface SnapshotJson {
  tables?: Record<string, { name?: string; columns?: Record<string, { name?: string }> }>;
}

export function declaredSchema(snapshot: SnapshotJson): DeclaredSchema {
  const tables = new Map<string, Set<string>>();
  for (const [key, table] of Object.entries(snapshot.tables ?? {})) {
    const name = table.name ?? key.replace(/^public\./, '');
    const columns = Object.entries(table.columns ?? {}).map(([column, spec]) => spec.name ?? column);
    tables.set(name, new Set(columns));
  }
  return tables;
}

const NAME = String.raw`"?(?:public"?\."?)?([A-Za-z_][\w$]*)"?`;
const PATTERNS: ReadonlyArray<{ pattern: RegExp; kind: 'table' | 'column'; verb: string }> = [
  {
    pattern: new RegExp(String.raw`^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${NAME}`, 'i'),
    kind: 'table',
    verb: 'drops',
  },
  {
    pattern: new RegExp(
      String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}\s+RENAME\s+TO\b`,
      'i',
    ),
    kind: 'table',
    verb: 'renames',
  },
  {
    pattern: new RegExp(
      String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}\s+DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?"?([A-Za-z_][\w$]*)"?`,
      'i',
    ),
    kind: 'column',
    verb: 'drops',
  },
  {
    pattern: new RegExp(
      String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}\s+RENAME\s+(?:COLUMN\s+)?"?([A-Za-z_][\w$]*)"?\s+TO\b`,
      'i',
    ),
    kind: 'column',
    verb: 'renames',
  },
];

/** Statements of a migration: drizzle's breakpoints or semicolons, without comment lines. */
export function statementsOf(sql: string): string[] {
  return sql
    .split(/--> statement-breakpoint|;\s*(?:\n|$)/)
    .map((statement) =>
      statement
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join(' ')
        .replace(/\s+/g, ' ')
        .replace(/;\s*$/, '')
        .trim(),
    )
    .filter(Boolean);
}

const CONSTRAINT_WORDS = new Set(['constraint', 'index']);

function unsafeIn(statement: string, previous: DeclaredSchema): string | undefined {
  for (const { pattern, kind, verb } of PATTERNS) {
    const match = pattern.exec(statement);
    if (!match) continue;
    const table = match[1] ?? '';
    const columns = previous.get(table);
    if (!columns) return undefined;
    if (kind === 'table') return `${verb} table ${table}, which the previous release still reads`;
    const column = match[2] ?? '';
    // DROP CONSTRAINT / DROP INDEX change no column the previous release reads.
    if (CONSTRAINT_WORDS.has(column.toLowerCase()) || !columns.has(column)) return undefined;
    return `${verb} column ${table}.${column}, which the previous release still reads`;
  }
  return undefined;
}

/** Every statement of the new migrations that would break the previous release while both run. */
export function unsafeChanges(previous: DeclaredSchema, migrations: readonly Migration[]): UnsafeChange[] {
  return migrations.flatMap((migration) =>
    statementsOf(migration.sql).flatMap((statement) => {
      const reason = unsafeIn(statement, previous);
      return reason ? [{ migration: migration.name, statement, reason }] : [];
    }),
  );
}
