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
      { row: 1, title: 'Crash, again', body: 'line one\nline "two"' },
      { row: 2, title: 'Plain', body: 'text' },
    ]);
  });

  it('accepts a byte-order mark and CRLF line endings', async () => {
    const rows = await readAll('\uFEFFtitle,body\r\nA,"b\r\nc"\r\n');
    expect(rows).toEqual([{ row: 1, title: 'A', body: 'b\r\nc' }]);
  });

  it('reads labels and projects when asked', async () => {
    const rows = await readAll('repo,label,title,body\nme/x,Bug,T,B\n', {
      require: ['label', 'project'],
      projectColumn: 'repo',
    });
    expect(rows).toEqual([{ row: 1, title: 'T', body: 'B', label: 'Bug', project: 'me/x' }]);
  });

  it('names the missing columns', async () => {
    const error = await failure(readAll('title,description\na,b\n'));
    expect(error.field).toBe('input');
    expect(error.message).toContain('missing column body');
  });

  it('requires a label column for training input', async () => {
    const error = await failure(readAll('title,body\na,b\n', { require: ['label'] }));
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
    expect(error.message).toMatch(/number of fields/);
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
