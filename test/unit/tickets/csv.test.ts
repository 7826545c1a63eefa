import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import {
  readTicketCsv,
  type TicketCsvOptions,
  type TicketCsvRow,
} from '../../../lambdas/core/tickets/csv.ts';
import { FIXTURE } from './support.ts';

async function readAll(text: string | Readable, options?: TicketCsvOptions): Promise<TicketCsvRow[]> {
  const rows: TicketCsvRow[] = [];
  const source = typeof text === 'string' ? Readable.from([text]) : text;
  for await (const row of readTicketCsv(source, options)) rows.push(row);
  return rows;
}

async function failure(run: Promise<unknown>): Promise<ValidationError> {
  try {
    await run;
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('readTicketCsv', () => {
  it('reads quoted multi-line fields with doubled quotes and ignores extra columns', async () => {
    const rows = await readAll(
      'id,Title,body,extra\n7,"Crash, again","line one\nline ""two""",x\n8,Plain,text,y\n',
    );
    expect(rows).toEqual([
      { row: 1, id: '7', title: 'Crash, again', body: 'line one\nline "two"' },
      { row: 2, id: '8', title: 'Plain', body: 'text' },
    ]);
  });

  it('accepts a byte-order mark and CRLF line endings', async () => {
    const rows = await readAll('\uFEFFtitle,body\r\nA,"b\r\nc"\r\n');
    expect(rows).toEqual([{ row: 1, title: 'A', body: 'b\r\nc' }]);
  });

  it('reads labels and projects when asked', async () => {
    const rows = await readAll('repo,label,title,body\nme/x,Bug,T,B\n', {
      label: {},
      projectColumn: 'repo',
    });
    expect(rows).toEqual([{ row: 1, title: 'T', body: 'B', label: 'Bug', project: 'me/x' }]);
  });

  it('prefers a category column to a label column, and reads creation times and extra labels', async () => {
    const chosen: unknown[] = [];
    const rows = await readAll(
      'label,category,created_at,priority,team,title,body\nbug,TASK,2024-11-25,P2,,Renew cert,\n',
      {
        label: {},
        detectCreatedColumn: true,
        labelColumns: ['team'],
        optionalLabelColumns: ['priority', 'severity'],
        onColumns: (c) => chosen.push(c),
      },
    );
    expect(rows).toEqual([
      {
        row: 1,
        title: 'Renew cert',
        body: '',
        label: 'TASK',
        created: '2024-11-25',
        labels: { priority: 'P2' },
      },
    ]);
    expect(chosen).toEqual([
      { body: true, label: 'category', created: 'created_at', labels: ['team', 'priority'] },
    ]);
  });

  it('needs a body column only to exist: a title-only row is a row', async () => {
    expect(await readAll('title,body\nVPN down,\n')).toEqual([{ row: 1, title: 'VPN down', body: '' }]);
  });

  it('reports malformed records by row number and reads on when asked to', async () => {
    const bad: string[] = [];
    const rows = await readAll('title,body\nok1,b1\nbad "quote" here,b2\nok3,b3\ntoo,many,fields\nok5,b5\n', {
      onBadRecord: (record) => bad.push(`${record.row}@${record.line}: ${record.error.message}`),
    });
    expect(rows.map((r) => [r.row, r.title])).toEqual([
      [1, 'ok1'],
      [3, 'ok3'],
      [5, 'ok5'],
    ]);
    expect(bad).toHaveLength(2);
    expect(bad[0]).toMatch(/^2@3: input: row 2: a field with a quote in it must be quoted/);
    expect(bad[1]).toMatch(/^4@5: input: row 4: the row has a different number of fields/);
  });

  it('reports an unclosed quote once, as the last row, when reading on', async () => {
    const bad: number[] = [];
    const rows = await readAll('title,body\nok1,b1\n"never closed,b2\nok3,b3\n', {
      onBadRecord: (record) => bad.push(record.row),
    });
    expect(rows.map((r) => r.row)).toEqual([1]);
    expect(bad).toEqual([2]);
  });

  it('names the missing columns', async () => {
    const error = await failure(readAll('summary,description\na,b\n', { label: {} }));
    expect(error.field).toBe('input');
    expect(error.message).toContain('missing columns title, category (or label)');
  });

  it('says a header of one field holding semicolons or tabs is a file with another separator', async () => {
    const semicolons = await failure(readAll('title;body\nDrucker kaputt;geht nicht\n'));
    expect(semicolons.message).toBe(
      'input: missing column title (header has: title;body); the header is one field, so the file looks separated by semicolons: save it as comma-separated CSV',
    );
    const tabs = await failure(readAll('title\tbody\nPrinter broken\tno\n'));
    expect(tabs.message).toContain('looks separated by tabs');
    const plain = await failure(readAll('summary,description\na,b\n'));
    expect(plain.message).not.toContain('separated by');
  });

  it('reads a file of titles alone as title-only tickets, and says it has no body column', async () => {
    const chosen: unknown[] = [];
    const rows = await readAll('title\nVPN down\n', { onColumns: (c) => chosen.push(c.body) });
    expect(rows).toEqual([{ row: 1, title: 'VPN down', body: '' }]);
    expect(chosen).toEqual([false]);
  });

  it('requires a label column for training input', async () => {
    const error = await failure(readAll('title,body\na,b\n', { label: {} }));
    expect(error.message).toContain('label');
  });

  it('reports an unclosed quote as a ValidationError, not a crash', async () => {
    const error = await failure(readAll('title,body\n"a,b\nc,d\n'));
    expect(error.field).toBe('input');
    expect(error.message).toMatch(/never closed/);
  });

  it('reports a stray quote inside an unquoted field', async () => {
    const error = await failure(readAll('title,body\nab"c,"d"x\n'));
    expect(error.field).toBe('input');
  });

  it('reports rows with the wrong number of fields', async () => {
    const error = await failure(readAll('title,body\na,b,c\n'));
    expect(error.message).toMatch(/row 1: .*number of fields/);
  });

  it('reports an empty file', async () => {
    const error = await failure(readAll(''));
    expect(error.message).toMatch(/empty/);
  });

  it('reports a missing file by name', async () => {
    const error = await failure(readPath('/nonexistent/tickets.csv'));
    expect(error.message).toContain('/nonexistent/tickets.csv');
  });

  it('streams the fixture file in order', async () => {
    const rows = await readPath(FIXTURE);
    expect(rows).toHaveLength(45);
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });
});

async function readPath(path: string): Promise<TicketCsvRow[]> {
  const rows: TicketCsvRow[] = [];
  for await (const row of readTicketCsv(path)) rows.push(row);
  return rows;
}
