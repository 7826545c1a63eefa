/**
 * Streaming reader for ticket CSV files (RFC 4180: quoted fields, doubled quotes, multi-line fields, optional
 * BOM). Columns are matched by header name, case-insensitively; extra columns are ignored. Structural problems
 * (missing columns, broken quoting, ragged rows) become `ValidationError`s that say where.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ValidationError } from '../errors.ts';

export interface TicketCsvRow {
  /** 1-based record number, header excluded. */
  row: number;
  title: string;
  body: string;
  label?: string;
  project?: string;
}

/**
 * Headers recognised as naming a ticket's project when the caller asks to detect it, in order of preference:
 * exports from GitHub-based trackers (the NLBSE data among them) call it `repo`.
 */
export const PROJECT_COLUMN_NAMES = ['project', 'repo', 'repository'] as const;

export interface TicketCsvOptions {
  /** Columns that must exist (besides `title` and `body`, which always must). */
  require?: readonly ('label' | 'project')[];
  /** Header of the project column (e.g. `repo`); read when present. */
  projectColumn?: string | undefined;
  /** Without `projectColumn`: read the project from the first of PROJECT_COLUMN_NAMES the header has. */
  detectProjectColumn?: boolean | undefined;
  /** Called once, after the header: the column the project is read from, if any. */
  onColumns?: ((columns: { project?: string }) => void) | undefined;
  /** Header of the label column (default `label`). */
  labelColumn?: string | undefined;
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

function describeCsvError(error: CsvError): string {
  const where = error.lines === undefined ? '' : ` (line ${error.lines})`;
  switch (String(error.code)) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted field is never closed${where}`;
    case 'CSV_INVALID_OPENING_QUOTE':
      return `a field with a quote in it must be quoted as a whole, with the quote doubled ("")${where}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `a quote inside a field must be doubled ("")${where}`;
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return `a row has a different number of fields than the header${where}`;
    default:
      return `malformed CSV${where}: ${error.message}`;
  }
}

export async function* readTicketCsv(
  source: Readable | string,
  options: TicketCsvOptions = {},
): AsyncGenerator<TicketCsvRow> {
  const input = typeof source === 'string' ? openInput(source) : source;
  const parser = parse({ bom: true, relax_column_count: false, skip_empty_lines: true });
  input.on('error', (error: unknown) => {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'read error';
    parser.destroy(new ValidationError('input', `cannot read input (${code})`));
  });
  input.pipe(parser);

  const labelColumn = (options.labelColumn ?? 'label').toLowerCase();
  let projectColumn = options.projectColumn?.toLowerCase();
  const wanted = ['title', 'body'];
  if (options.require?.includes('label')) wanted.push(labelColumn);
  if (options.require?.includes('project') && projectColumn !== undefined) wanted.push(projectColumn);

  let header: Map<string, number> | undefined;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (header === undefined) {
        header = new Map();
        record.forEach((name, i) => {
          const key = name.trim().toLowerCase();
          if (!header?.has(key)) header?.set(key, i);
        });
        const missing = wanted.filter((c) => !header?.has(c));
        if (missing.length > 0) {
          throw new ValidationError(
            'input',
            `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header has: ${record.join(', ') || 'nothing'})`,
          );
        }
        if (projectColumn === undefined && options.detectProjectColumn === true) {
          projectColumn = PROJECT_COLUMN_NAMES.find((name) => header?.has(name));
        }
        const present = projectColumn !== undefined && header.has(projectColumn) ? projectColumn : undefined;
        options.onColumns?.(present === undefined ? {} : { project: present });
        continue;
      }
      row++;
      const get = (name: string | undefined): string | undefined => {
        if (name === undefined) return undefined;
        const i = header?.get(name);
        return i === undefined ? undefined : (record[i] ?? '');
      };
      const out: TicketCsvRow = { row, title: get('title') ?? '', body: get('body') ?? '' };
      const label = get(labelColumn);
      if (label !== undefined) out.label = label;
      const project = get(projectColumn);
      if (project !== undefined && project !== '') out.project = project;
      yield out;
    }
  } catch (error: unknown) {
    if (error instanceof CsvError) throw new ValidationError('input', describeCsvError(error));
    throw error;
  } finally {
    input.unpipe(parser);
    input.destroy();
  }
  if (header === undefined)
    throw new ValidationError('input', 'the CSV is empty (expected a header row with title,body)');
}
