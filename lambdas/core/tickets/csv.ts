/**
 * Streaming reader for ticket CSV files (RFC 4180: quoted fields, doubled quotes, multi-line fields, optional
 * BOM). Columns are matched by header name, case-insensitively; extra columns are ignored; only `title` must
 * exist. A malformed header
 * or missing columns stop the read with a `ValidationError`; a malformed record (broken quoting, a wrong
 * number of fields) is either reported through `onBadRecord` with its row number, and the read goes on, or
 * stops it when no such handler is given.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { unescapeCsvCell } from '../csv-cells.ts';
import { ValidationError } from '../errors.ts';

export interface TicketCsvRow {
  /** 1-based record number, header excluded; malformed records count too, so numbers match the file. */
  row: number;
  title: string;
  body: string;
  /** The `id` column, when the file has one (echoed in results so they can be joined back). */
  id?: string;
  label?: string;
  project?: string;
  /** The creation time as written (see `parseCreatedAt`). */
  created?: string;
  /** Values of the extra label columns (`priority`, `team`…) that are present and not blank. */
  labels?: Record<string, string>;
}

/** A record that could not be read: its row number, the line it ends on and why. */
export interface BadRecord {
  row: number;
  line: number;
  error: ValidationError;
}

/**
 * Headers recognised as naming a ticket's project when the caller asks to detect it, in order of preference:
 * exports from GitHub-based trackers (the NLBSE data among them) call it `repo`.
 */
export const PROJECT_COLUMN_NAMES = ['project', 'repo', 'repository'] as const;
/** Headers recognised as a ticket's creation time, in order of preference. */
export const CREATED_COLUMN_NAMES = [
  'created_at',
  'createdat',
  'created',
  'created_on',
  'opened_at',
] as const;
/**
 * The header of `ai-ops tickets export-corrections`. A file with exactly this header (in any case) was written
 * by it, so its cells carry the formula escape of `csvCell` (core/csv-cells.ts), which the reader strips: the
 * export read back by `train` or `classify` is the data as stored, a title `=1+1` included. Any other CSV is
 * read as written (a hand-made file's title may well start with an apostrophe).
 */
export const CORRECTIONS_CSV_COLUMNS = [
  'id',
  'created_at',
  'project',
  'category',
  'priority',
  'team',
  'title',
  'body',
  'corrected_at',
] as const;

function isCorrectionsExport(record: readonly string[]): boolean {
  return (
    record.length === CORRECTIONS_CSV_COLUMNS.length &&
    CORRECTIONS_CSV_COLUMNS.every((name, i) => record[i]?.trim().toLowerCase() === name)
  );
}

/** Headers recognised as the category of a labelled ticket, in order of preference. */
export const LABEL_COLUMN_NAMES = ['category', 'label'] as const;

export interface TicketCsvOptions {
  /** Read the category: from this column, or from the first of LABEL_COLUMN_NAMES present; must exist. */
  label?: { column?: string | undefined } | undefined;
  /** Header of the project column (e.g. `repo`); it must exist. */
  projectColumn?: string | undefined;
  /** Without `projectColumn`: read the project from the first of PROJECT_COLUMN_NAMES the header has. */
  detectProjectColumn?: boolean | undefined;
  /** Header of the creation-time column; it must exist. */
  createdColumn?: string | undefined;
  /** Without `createdColumn`: read the creation time from the first of CREATED_COLUMN_NAMES present. */
  detectCreatedColumn?: boolean | undefined;
  /** Extra label columns that must exist (`team`). */
  labelColumns?: readonly string[] | undefined;
  /** Extra label columns read when present (`priority`). */
  optionalLabelColumns?: readonly string[] | undefined;
  /** Called once, after the header: which columns the optional fields are read from. */
  onColumns?: ((columns: ChosenColumns) => void) | undefined;
  /** Called for each malformed record, in file order; without it the first one stops the read. */
  onBadRecord?: ((bad: BadRecord) => void) | undefined;
  /**
   * Called once if the bytes are not UTF-8 (a Latin-1 export): the parser reads them as U+FFFD. A U+FFFD in
   * a UTF-8 file is the character itself, written by whoever wrote the text, and calls nothing.
   */
  onInvalidUtf8?: (() => void) | undefined;
}

export interface ChosenColumns {
  /** Whether the file has a body column (without one, every ticket is title-only). */
  body: boolean;
  label?: string;
  project?: string;
  created?: string;
  labels: string[];
}

/** Opens a path for reading, turning the usual mistakes into `ValidationError`s on `input`. */
export function openInput(path: string): Readable {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new ValidationError('input', `file not found: ${path}`);
  }
  if (!isFile) throw new ValidationError('input', `not a file: ${path}`);
  return createReadStream(path);
}

function describeCsvError(error: CsvError, line: number): string {
  switch (String(error.code)) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted field is never closed (it runs from here to the end of the file at line ${line}, so nothing after it can be read)`;
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_OPENING_QUOTE':
      return `a field with a quote in it must be quoted as a whole, with the quote doubled ("") (line ${line})`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `a quote inside a field must be doubled ("") (line ${line})`;
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return `the row has a different number of fields than the header (line ${line})`;
    default:
      return `malformed CSV (line ${line}): ${error.message}`;
  }
}

interface Layout {
  header: Map<string, number>;
  chosen: ChosenColumns;
  /** The file is a corrections export: its cells are formula-escaped. */
  escaped: boolean;
}

/**
 * A header read as one field that holds another separator is a file separated by it (a spreadsheet in a
 * European locale saves "title;body"; Jira and Sheets export tab-separated text): say so, since the header
 * shown ("title;body") seems to hold the column it is said to miss.
 */
function separatorHint(record: readonly string[]): string {
  if (record.length !== 1) return '';
  const separator = [
    [';', 'semicolons'],
    ['\t', 'tabs'],
    ['|', 'bars'],
  ].find(([c]) => record[0]?.includes(c ?? ','));
  return separator === undefined
    ? ''
    : `; the header is one field, so the file looks separated by ${separator[1]}: save it as comma-separated CSV`;
}

/** Matches the header against what the caller needs; missing columns are one `ValidationError`. */
function layoutOf(record: readonly string[], options: TicketCsvOptions): Layout {
  const header = new Map<string, number>();
  record.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (!header.has(key)) header.set(key, i);
  });
  const lower = (name: string | undefined) => name?.trim().toLowerCase();
  const first = (names: readonly string[]) => names.find((n) => header.has(n));
  // A file of titles alone is a file of title-only tickets: only `title` must exist.
  const wanted = ['title'];
  const chosen: ChosenColumns = { labels: [], body: header.has('body') };
  let labelName: string | undefined;
  if (options.label !== undefined) {
    const column = lower(options.label.column) ?? first(LABEL_COLUMN_NAMES) ?? LABEL_COLUMN_NAMES[0];
    wanted.push(column);
    chosen.label = column;
    if (options.label.column === undefined) labelName = `${LABEL_COLUMN_NAMES.join(' (or ')})`;
  }
  const project =
    lower(options.projectColumn) ?? (options.detectProjectColumn ? first(PROJECT_COLUMN_NAMES) : undefined);
  if (options.projectColumn !== undefined && project !== undefined) wanted.push(project);
  if (project !== undefined) chosen.project = project;
  const created =
    lower(options.createdColumn) ?? (options.detectCreatedColumn ? first(CREATED_COLUMN_NAMES) : undefined);
  if (options.createdColumn !== undefined && created !== undefined) wanted.push(created);
  if (created !== undefined) chosen.created = created;
  for (const column of options.labelColumns ?? []) {
    wanted.push(column.toLowerCase());
    chosen.labels.push(column.toLowerCase());
  }
  for (const column of options.optionalLabelColumns ?? []) {
    if (header.has(column.toLowerCase())) chosen.labels.push(column.toLowerCase());
  }
  const missing = [...new Set(wanted)]
    .filter((c) => !header.has(c))
    .map((c) => (c === chosen.label && labelName !== undefined ? labelName : c));
  if (missing.length > 0) {
    throw new ValidationError(
      'input',
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header has: ${record.join(', ') || 'nothing'})${separatorHint(record)}`,
    );
  }
  return { header, chosen, escaped: isCorrectionsExport(record) };
}

function rowOf(record: readonly string[], row: number, layout: Layout): TicketCsvRow {
  const get = (name: string | undefined): string | undefined => {
    if (name === undefined) return undefined;
    const i = layout.header.get(name);
    if (i === undefined) return undefined;
    const cell = record[i] ?? '';
    return layout.escaped ? unescapeCsvCell(cell) : cell;
  };
  const { chosen } = layout;
  const out: TicketCsvRow = { row, title: get('title') ?? '', body: get('body') ?? '' };
  const id = get('id');
  if (id !== undefined && id !== '') out.id = id;
  const label = get(chosen.label);
  if (label !== undefined) out.label = label;
  const project = get(chosen.project);
  if (project !== undefined && project !== '') out.project = project;
  const created = get(chosen.created);
  if (created !== undefined && created.trim() !== '') out.created = created;
  for (const column of chosen.labels) {
    const value = get(column)?.trim();
    if (value !== undefined && value !== '') out.labels = { ...out.labels, [column]: value };
  }
  return out;
}

/** Calls `onInvalid` once when the bytes read from `input` stop being UTF-8 (checked as they pass). */
function watchUtf8(input: Readable, onInvalid: () => void): void {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let valid = true;
  const check = (last: boolean, chunk?: Uint8Array) => {
    if (!valid) return;
    try {
      decoder.decode(chunk, { stream: !last });
    } catch {
      valid = false;
      onInvalid();
    }
  };
  input.on('data', (chunk: unknown) => {
    if (chunk instanceof Uint8Array) check(false, chunk);
  });
  input.once('end', () => check(true));
}

export async function* readTicketCsv(
  source: Readable | string,
  options: TicketCsvOptions = {},
): AsyncGenerator<TicketCsvRow> {
  const input = typeof source === 'string' ? openInput(source) : source;
  // Malformed records are noted as the parser meets them (after `records` good records, header included)
  // and reported in file order between the good ones.
  const pending: { records: number; line: number; error: CsvError }[] = [];
  const parser = parse({
    bom: true,
    relax_column_count: false,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error === undefined) return undefined;
      const line = Number(error.lines ?? 0);
      if (!pending.some((p) => p.line === line && p.records === Number(error.records ?? 0)))
        pending.push({ records: Number(error.records ?? 0), line, error });
      return undefined;
    },
  });
  input.on('error', (error: unknown) => {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'read error';
    parser.destroy(new ValidationError('input', `cannot read input (${code})`));
  });
  if (options.onInvalidUtf8 !== undefined) watchUtf8(input, options.onInvalidUtf8);
  input.pipe(parser);

  let layout: Layout | undefined;
  let row = 0;
  /** Reports (or throws) the malformed records met before the record numbered `before` (all: Infinity). */
  const flush = (before: number) => {
    while (pending.length > 0 && (pending[0]?.records ?? 0) < before) {
      const bad = pending.shift();
      if (bad === undefined) break;
      if (layout === undefined) {
        throw new ValidationError(
          'input',
          `the header row is malformed: ${describeCsvError(bad.error, bad.line)}`,
        );
      }
      row++;
      const error = new ValidationError('input', `row ${row}: ${describeCsvError(bad.error, bad.line)}`);
      if (options.onBadRecord === undefined) throw error;
      options.onBadRecord({ row, line: bad.line, error });
    }
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { records: number };
    }>) {
      flush(info.records);
      if (layout === undefined) {
        layout = layoutOf(record, options);
        options.onColumns?.(layout.chosen);
        continue;
      }
      row++;
      yield rowOf(record, row, layout);
    }
    flush(Number.POSITIVE_INFINITY);
  } catch (error: unknown) {
    if (error instanceof CsvError)
      throw new ValidationError('input', describeCsvError(error, Number(error.lines ?? 0)));
    throw error;
  } finally {
    input.unpipe(parser);
    input.destroy();
  }
  if (layout === undefined)
    throw new ValidationError(
      'input',
      `the CSV is empty (expected a header row with title, body${options.label === undefined ? '' : ' and category'})`,
    );
}
