/**
 * Cells of the CSV files the product writes (today `ai-ops tickets export-corrections`; `tickets classify`
 * writes JSON lines and the console exports no CSV). Every CSV writer goes through `csvLine`, so there is one
 * quoting rule and one defence against spreadsheet formula injection.
 *
 * A person opens an export in a spreadsheet; a cell that starts with `=`, `+`, `-` or `@` (or a tab or
 * carriage return, which some spreadsheets skip before reading one of those) is read as a formula there, so a
 * ticket titled `=HYPERLINK("http://evil",...)` would become a live link or worse. Following OWASP's CSV
 * injection advice, such a cell is written with a leading `'` (spreadsheets show it as text) and quoted.
 *
 * The escape must not change the data when the file is read back (`ai-ops tickets train` reads the export):
 * a cell that already starts with `'` gets one more, so `unescapeCsvCell` (strip exactly one leading `'`)
 * restores every cell exactly. Only a reader that knows the file was written this way may strip it (a
 * hand-made CSV whose title starts with `'` means that `'`): see `CORRECTIONS_CSV_COLUMNS` in tickets/csv.ts.
 */

/** What a spreadsheet may read as the start of a formula (OWASP), and the escape character itself. */
const NEEDS_ESCAPE = /^[=+\-@\t\r']/;
/** The escape: spreadsheets treat a leading apostrophe as "this cell is text". */
const ESCAPE = "'";
/** RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled. */
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: formula-escaped, then quoted when needed (always when escaped, as OWASP advises); null is empty. */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const escaped = NEEDS_ESCAPE.test(value);
  const text = escaped ? `${ESCAPE}${value}` : value;
  return escaped || NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, newline-terminated. */
export function csvLine(values: readonly (string | null)[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}

/** The inverse of `csvCell`'s escape, for a cell (already unquoted by the CSV parser) of a file it wrote. */
export function unescapeCsvCell(value: string): string {
  return value.startsWith(ESCAPE) ? value.slice(ESCAPE.length) : value;
}
