import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeLogStream } from '../../../lambdas/adapters/storage/log-stream.ts';
import { LogAnalyzer } from '../../../lambdas/core/logs/analyzer.ts';
import { type LogSummary, summarizeText } from '../../../lambdas/core/logs/index.ts';
import { renderSummaryText } from '../../../lambdas/core/logs/summary-text.ts';

// Handmade exports in three tools' styles (test/fixtures/logs/csv/README.md).
const csvFixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../fixtures/logs/csv', name), 'utf8');

const summaryOf = (text: string): LogSummary =>
  summarizeText(text, { receivedAt: Date.UTC(2026, 11, 7) }).summary;
const templatesOf = (text: string): string[] =>
  summarizeText(text, { receivedAt: Date.UTC(2026, 11, 7), redact: false }).templates.map((t) => t.template);
const countsOf = (summary: LogSummary) =>
  Object.fromEntries(Object.entries(summary.levels.counts).filter(([, n]) => n > 0));

/** The CSV `text` with its separating commas (those outside quotes) replaced by `separator`. */
function separatedBy(text: string, separator: string): string {
  let quoted = false;
  let out = '';
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    out += c === ',' && !quoted ? separator : c;
  }
  return out;
}

describe('CSV log exports: a header row naming the columns, one record per event', () => {
  it('reads an Event Viewer export: unnamed message column, M/d/yyyy h:mm:ss AM/PM, multi-line messages', () => {
    const text = csvFixture('eventviewer.csv');
    const summary = summaryOf(text);
    expect(summary.header.kind).toBe('csv');
    // 12:00:05 AM is just after midnight, 11:58:02 PM the evening before.
    expect(summary.timeSpan).toMatchObject({
      start: '2026-11-30T23:58:02.000Z',
      end: '2026-12-01T00:20:45.000Z',
    });
    expect(countsOf(summary)).toEqual({ INFO: 9, WARN: 3, ERROR: 4, FATAL: 1 });
    expect(summary.errors.total).toBe(5);
    // 24 physical lines: the header row, 17 records, 6 lines inside three quoted 3-line messages.
    expect(summary.lines).toMatchObject({ total: 24, analysed: 17, continuation: 6, unmatchedHeader: 0 });
    const templates = templatesOf(text);
    expect(templates).toContain('The Windows Update service entered the running state.');
    expect(templates.some((t) => t.startsWith('Faulting application name: backup.exe'))).toBe(true);
    // No header column in a template, no line of a quoted message as an event of its own.
    expect(templates.filter((t) => /Information|AM,|PM,|Exception code|Faulting module/.test(t))).toEqual([]);
    expect(summary.topComponents.map((c) => c.name)).toContain('Service Control Manager');
  });

  it('reads an export whose messages are so long that the lines the layout is learned from end inside one', () => {
    // Security events as Event Viewer writes them: 40 lines each, so 200 lines end in the middle of the sixth.
    const body = Array.from({ length: 39 }, (_, i) => `\tField ${i}:\t\tvalue ${i}`).join('\r\n');
    const rows = Array.from(
      { length: 8 },
      (_, i) =>
        `Information,12/${i + 1}/2026 9:00:00 AM,Microsoft-Windows-Security-Auditing,4624,Logon,"An account was successfully logged on.\r\n${body}"`,
    );
    const summary = summaryOf(['Level,Date and Time,Source,Event ID,Task Category', ...rows].join('\r\n'));
    expect(summary.header.kind).toBe('csv');
    expect(summary.lines).toMatchObject({ analysed: 8, continuation: 8 * 39 });
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-01T09:00:00.000Z',
      end: '2026-12-08T09:00:00.000Z',
    });
  });

  it('reads a CloudWatch Logs Insights export (@timestamp,@message): times, quoted commas and quotes', () => {
    const text = csvFixture('cloudwatch-insights.csv');
    const summary = summaryOf(text);
    expect(summary.header.kind).toBe('csv');
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-04T10:00:01.123Z',
      end: '2026-12-04T10:00:05.300Z',
    });
    // No level column: errors come from the wording, as for any log without levels.
    expect(summary.levels.source).toBe('inferred');
    expect(summary.errors.total).toBe(3);
    expect(templatesOf(text)).toEqual([
      'START RequestId: <UUID> Version: $LATEST',
      'Processing order <NUM> for customer, region <ID>',
      'END RequestId: <UUID>',
      'ERROR Payment declined for order <NUM>: card expired, code "E_EXPIRED"',
      'Task timed out after <NUM> seconds',
    ]);
  });

  it('reads a generic timestamp,level,service,message export: levels of any case, services as components', () => {
    const text = csvFixture('generic.csv');
    const summary = summaryOf(text);
    expect(summary.header.kind).toBe('csv');
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-04T09:59:58.010Z',
      end: '2026-12-04T10:00:06.020Z',
    });
    expect(countsOf(summary)).toEqual({ DEBUG: 2, INFO: 7, WARN: 2, ERROR: 3 });
    expect(summary.errors.total).toBe(3);
    expect(summary.lines).toMatchObject({ analysed: 14, continuation: 2 });
    expect(Object.fromEntries(summary.topComponents.map((c) => [c.name, c.lines]))).toEqual({
      api: 7,
      worker: 5,
      db: 2,
    });
    const templates = templatesOf(text);
    expect(templates).toContain('Job <NUM> failed: connection refused, retrying in <NUM> s');
    expect(templates).toContain('Unhandled exception in job <NUM>');
    expect(templates.filter((t) => t.includes('at Worker.run'))).toEqual([]);
  });

  it('reads day-first dates when a day over 12 says so, and epoch milliseconds', () => {
    const dayFirst = [
      'Date,Severity,Host,Msg',
      '3/12/2026 10:00:00,Error,db-1,disk full',
      '13/12/2026 10:00:00,Error,db-1,disk full',
    ];
    expect(summaryOf(dayFirst.join('\n')).timeSpan).toMatchObject({
      start: '2026-12-03T10:00:00.000Z',
      end: '2026-12-13T10:00:00.000Z',
    });
    const epoch = [
      '_time,log',
      `${Date.UTC(2026, 11, 4, 10)},service started`,
      `${Date.UTC(2026, 11, 4, 11)},service stopped`,
    ];
    const summary = summaryOf(epoch.join('\n'));
    expect(summary.header.kind).toBe('csv');
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-04T10:00:00.000Z',
      end: '2026-12-04T11:00:00.000Z',
    });
  });

  it('reads a semicolon-separated export (European locales), a tab-separated one and a pipe-separated one as the comma one', () => {
    const comma = csvFixture('generic.csv');
    const expected = summaryOf(comma);
    // The fixture's quoted fields hold commas, not the other separators: only the separator changes.
    for (const [separator, name] of [
      [';', 'semicolon-separated'],
      ['\t', 'tab-separated'],
      ['|', 'pipe-separated'],
    ] as const) {
      const text = separatedBy(comma, separator);
      const summary = summaryOf(text);
      expect(summary.header.kind).toBe('csv');
      expect(summary.header.description).toContain(name);
      expect(countsOf(summary)).toEqual(countsOf(expected));
      expect(summary.lines).toEqual(expected.lines);
      expect(summary.timeSpan).toEqual(expected.timeSpan);
      expect(summary.topComponents).toEqual(expected.topComponents);
      expect(templatesOf(text)).toEqual(templatesOf(comma));
    }
  });

  it('reads a semicolon export whose dotted dates are day first and whose messages hold commas unquoted', () => {
    const text = [
      'Date;Time;Level;Source;Message',
      '04.12.2026;15:05:17;Error;db;Verbindung verloren, neuer Versuch in 5 s',
      '04.12.2026;15:05:22;Warning;db;Verbindung langsam, 1200 ms',
      '13.12.2026;15:05:27;Error;db;Verbindung verloren, neuer Versuch in 5 s',
    ];
    const summary = summaryOf(text.join('\n'));
    expect(summary.header.kind).toBe('csv');
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-04T15:05:17.000Z',
      end: '2026-12-13T15:05:27.000Z',
    });
    expect(countsOf(summary)).toEqual({ WARN: 1, ERROR: 2 });
    expect(templatesOf(text.join('\n'))).toContain('Verbindung verloren, neuer Versuch in <NUM> s');
  });

  it("reads psql's unaligned output (`\\a`): a header row, `|` between fields, nothing quoted, a footer", () => {
    const rows = ['timestamp|level|service|message'];
    for (let i = 0; i < 30; i++) {
      const level = i >= 20 && i < 26 ? 'ERROR' : 'INFO';
      const message =
        level === 'ERROR' ? `upstream a|b returned ${500 + (i % 3)}` : `served order ${1000 + i}`;
      rows.push(
        `2026-12-04 10:${String(i).padStart(2, '0')}:00.25+01|${level}|${i % 2 ? 'api' : 'billing'}|${message}`,
      );
    }
    // The session's zone is written as hours alone (`+01`); psql ends with a count of the rows.
    rows.push('(30 rows)');
    const text = rows.join('\n');
    const summary = summaryOf(text);
    expect(summary.header).toMatchObject({ kind: 'csv' });
    expect(summary.header.description).toContain('CSV export (pipe-separated, 4 columns)');
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-04T09:00:00.250Z',
      end: '2026-12-04T09:29:00.250Z',
    });
    expect(countsOf(summary)).toMatchObject({ INFO: 24, ERROR: 6 });
    expect(summary.topComponents.map((c) => c.name).sort()).toEqual(['api', 'billing']);
    // A `|` inside the last column is the message's own: its text is kept whole.
    expect(templatesOf(text)).toEqual(
      expect.arrayContaining(['served order <NUM>', 'upstream a|b returned <NUM>']),
    );
    expect(templatesOf(text)).not.toContain('timestamp|level|service|message');
    // The footer is no event: not a template, not a rare or new one.
    expect(templatesOf(text).filter((t) => t.includes('rows'))).toEqual([]);
    expect(summary.lines).toMatchObject({ total: 32, analysed: 30, rowCountFooters: 1 });
    expect(renderSummaryText(summary)).toContain('(the CSV header row, its row-count footer)');
  });

  it("reads a client's row-count footer as no event, whatever its count, and keeps a message that says it", () => {
    const rows = ['time;level;message'];
    for (let i = 0; i < 12; i++) rows.push(`2026-12-04 10:00:${String(i).padStart(2, '0')};INFO;(${i} rows)`);
    rows.push('(1,200 rows affected)');
    const text = rows.join('\n');
    expect(summaryOf(text).header.kind).toBe('csv');
    // A message that reads like a footer is a row's message: one template of twelve lines.
    expect(templatesOf(text)).toEqual(['(<NUM> rows)']);
  });

  it('keeps plain logs with `|` between their fields plain logs, however their first line starts', () => {
    const healthApp = [
      '20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579',
      '20171223-22:15:29:615|Step_LSC|30002312|onExtend:1514038530000 14 0 4',
      '20171223-22:15:29:633|Step_StandReportReceiver|30002312|onReceive action: android.intent.action.SCREEN_ON',
    ];
    expect(summaryOf(healthApp.join('\n')).header.kind).not.toBe('csv');
    // A first line of names with no time or message column among them is no header row.
    const named = ['INFO|main|Starting', ...healthApp];
    expect(summaryOf(named.join('\n')).header.kind).not.toBe('csv');
  });

  it('keeps plain logs with semicolons or tabs in their first lines plain logs', () => {
    const semicolons = [
      'Starting server; version 1.2; pid 42',
      '2026-12-04 10:00:00,123 INFO [main] Server: listening; 4 workers',
      '2026-12-04 10:00:01,456 ERROR [main] Server: bind failed; retrying',
    ];
    expect(summaryOf(semicolons.join('\n')).header.kind).not.toBe('csv');
    const tabs = [
      'time\tmessage',
      '2026-12-04T10:00:00Z\tstarted',
      'Jun 14 15:16:01 combo sshd[19939]: x',
      'y',
    ];
    expect(summaryOf(tabs.join('\n')).header.kind).not.toBe('csv');
  });

  it('reads an uploaded export (streamed in chunks that split lines and records) as a pasted one', async () => {
    const text = csvFixture('eventviewer.csv');
    const bytes = new TextEncoder().encode(text);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.length; at += 7) yield bytes.subarray(at, at + 7);
    }
    const streamed = await summarizeLogStream(chunks());
    expect(streamed.summary.header.kind).toBe('csv');
    expect(streamed.summary).toEqual(summarizeText(text).summary);
  });

  it('takes a quote inside an unquoted field for text, as spreadsheets do', () => {
    const text = [
      'timestamp,level,message',
      '2026-12-04T10:00:00Z,INFO,GET /x 200 "curl"',
      '2026-12-04T10:00:01Z,WARN,GET /y 404 "curl"',
    ];
    const summary = summaryOf(text.join('\n'));
    expect(summary.header.kind).toBe('csv');
    expect(countsOf(summary)).toEqual({ INFO: 1, WARN: 1 });
  });

  it('gives every physical line its event: the header row none, the lines of a quoted message their record', () => {
    const analyzer = new LogAnalyzer({});
    const clusters: number[] = [];
    analyzer.onLine = (_line, cluster) => clusters.push(cluster);
    const text = csvFixture('generic.csv').trimEnd().split('\n');
    for (const line of text) analyzer.push(line);
    analyzer.end();
    expect(clusters).toHaveLength(text.length);
    expect(clusters[0]).toBe(-1);
    // Lines 13-15 are one record (a message with a two-line stack trace).
    expect(clusters[13]).toBe(clusters[12]);
    expect(clusters[14]).toBe(clusters[12]);
    expect(clusters.slice(1).every((c) => c >= 0)).toBe(true);
  });

  it('counts the blank lines between records as blank lines, and every record as an event', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `2026-12-04T10:00:0${i}Z,INFO,request ${i} served`);
    const text = ['timestamp,level,message', ...rows.flatMap((r) => [r, ''])].join('\n');
    // 20 physical lines (a trailing line break starts none): the header row and 9 blank ones hold no event.
    expect(summaryOf(text).lines).toMatchObject({ total: 20, analysed: 10, blank: 10 });
  });

  it('keeps a plain log whose first line holds commas a plain log', () => {
    const plain = [
      'Starting server, version 1.2, pid 42',
      '2026-12-04 10:00:00,123 INFO [main] Server: listening on 8080, 4 workers',
      '2026-12-04 10:00:01,456 ERROR [main] Server: bind failed, retrying',
      '2026-12-04 10:00:02,789 INFO [main] Server: listening on 8080, 4 workers',
    ];
    expect(summaryOf(plain.join('\n')).header.kind).not.toBe('csv');
    expect(summaryOf(plain.slice(1).join('\n')).header.kind).not.toBe('csv');
    // Names only, with a time and a message column, but the lines below are no records of it.
    const named = ['Date, Time, Message', 'Jun 14 15:16:01 combo sshd[19939]: session opened for user root'];
    const summary = summaryOf(named.join('\n'));
    expect(summary.header.kind).not.toBe('csv');
    expect(summary.lines.blank).toBe(0);
  });

  it('reads a CSV with an unbalanced quote as plain lines, without failing', () => {
    const rows = (from: number, n: number) =>
      Array.from(
        { length: n },
        (_, i) => `2026-12-04T10:${String((from + i) % 60).padStart(2, '0')}:00Z,INFO,job ${from + i} done`,
      );
    // In the first lines: the detection refuses the file.
    const early = [
      'time,level,message',
      ...rows(0, 3),
      '2026-12-04T11:00:00Z,ERROR,"broken quote',
      ...rows(3, 5),
    ];
    const raw = summaryOf(early.join('\n'));
    expect(raw.header.kind).not.toBe('csv');
    expect(raw.lines.total).toBe(early.length);
    // After the sample: the records before it are read, the lines from the open quote on are read raw.
    const late = [
      'time,level,message',
      ...rows(0, 250),
      '2026-12-04T11:00:00Z,ERROR,"broken quote',
      ...rows(250, 5),
    ];
    const summary = summaryOf(late.join('\n'));
    expect(summary.header.kind).toBe('csv');
    expect(summary.lines).toMatchObject({ total: late.length, continuation: 0, analysed: 256 });
    expect(summary.levels.counts.INFO).toBe(250);
    // An open quote followed by more than 1,000 lines: those lines are read raw, the records after them again.
    const long = [
      'time,level,message',
      ...rows(0, 250),
      '2026-12-04T11:00:00Z,ERROR,"broken quote',
      ...rows(250, 1100),
    ];
    long.push('2026-12-05T09:00:00Z,ERROR,last record');
    const after = summaryOf(long.join('\n'));
    expect(after.header.kind).toBe('csv');
    expect(after.lines.total).toBe(long.length);
    expect(after.timeSpan?.end).toBe('2026-12-05T09:00:00.000Z');
    expect(templatesOf(long.join('\n'))).toContain('last record');
  });

  it('names the column-name row in the summary text instead of calling it a blank line', () => {
    const text = renderSummaryText(summaryOf(`${csvFixture('generic.csv')}\n\n`));
    expect(text).toContain('(the CSV header row, ');
    expect(text).not.toMatch(/\(1 blank/);
  });
});

describe('CSV tables without a header row: columns recognised by their values', () => {
  const rows = (n: number, row: (i: number) => string): string =>
    Array.from({ length: n }, (_, i) => row(i)).join('\n');
  const second = (i: number): string => `10:00:${String(i).padStart(2, '0')}`;

  it('reads time, level, service and a quoted message with commas from a comma-separated table', () => {
    const text = rows(40, (i) =>
      i % 10 === 3
        ? `2026-12-04T${second(i)}Z,ERROR,${i % 2 ? 'api' : 'billing'},"payment declined, code ${i % 7}"`
        : `2026-12-04T${second(i)}Z,INFO,${i % 2 ? 'api' : 'billing'},served order ${1000 + i} in ${i + 5} ms`,
    );
    const summary = summaryOf(text);
    expect(summary.header).toMatchObject({ kind: 'csv', withoutHeaderRow: true });
    expect(summary.header.description).toContain('no header row');
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-04T10:00:00.000Z',
      end: '2026-12-04T10:00:39.000Z',
    });
    expect(countsOf(summary)).toMatchObject({ INFO: 36, ERROR: 4 });
    expect(summary.topComponents.map((c) => c.name).sort()).toEqual(['api', 'billing']);
    expect(templatesOf(text).sort()).toEqual([
      'payment declined, code <NUM>',
      'served order <NUM> in <NUM> ms',
    ]);
    // The first line is a record: all 40 are events, and the text names no header row.
    expect(summary.lines).toMatchObject({ total: 40, analysed: 40, blank: 0 });
    expect(renderSummaryText(summaryOf(`${text}\n\n`))).not.toContain('the CSV header row');
  });

  it("reads the level words of a level column whose usual value is no level word (PostgreSQL's csvlog: LOG)", () => {
    // csvlog's 26 columns: time, user, database, pid, client, session, line, tag, start, vxid, xid, severity,
    // SQLSTATE, message, detail, … (no header row).
    const text = rows(40, (i) => {
      const t = `2026-12-04 ${second(i)}.123 UTC`;
      const who = `"app","shop",${100 + i},"10.0.0.5:5${i}",6681aa19.${i},1`;
      if (i % 10 === 3)
        return `${t},${who},"INSERT",2026-12-04 09:00:00 UTC,3/${i},0,ERROR,23505,"duplicate key value violates unique constraint ""orders_pkey""","Key (id)=(${i}) already exists.",,,,,"INSERT INTO orders VALUES ($1)",,,"psql","client backend",,0`;
      if (i % 10 === 7)
        return `${t},${who},"authentication",2026-12-04 09:00:00 UTC,5/1,0,FATAL,28P01,"password authentication failed for user ""bob""",,,,,,,,,"","client backend",,0`;
      return `${t},,,${100 + i},,6681aa19.${i},1,,2026-12-04 09:00:00 UTC,,0,LOG,00000,"checkpoint starting: time",,,,,,,,,"","checkpointer",,0`;
    });
    const summary = summaryOf(text);
    expect(summary.header).toMatchObject({ kind: 'csv', withoutHeaderRow: true });
    expect(countsOf(summary)).toMatchObject({ ERROR: 4, FATAL: 4, UNKNOWN: 32 });
    expect(summary.errors.total).toBe(8);
    expect(templatesOf(text).sort()).toEqual([
      'checkpoint starting: time',
      'duplicate key value violates unique constraint "orders_pkey"',
      'password authentication failed for user "bob"',
    ]);
    expect(summary.topComponents.map((c) => c.name)).not.toContain('ERROR');
  });

  it('reads a semicolon table with the date and the time of day in two columns, and an unquoted `;` in the message', () => {
    const text = rows(
      30,
      (i) => `04.12.2026;${second(i)};${i < 3 ? 'Error' : 'Info'};db;Abfrage ${i}; ${i} ms`,
    );
    const summary = summaryOf(text);
    expect(summary.header.description).toContain('semicolon-separated');
    expect(summary.timeSpan).toMatchObject({
      start: '2026-12-04T10:00:00.000Z',
      end: '2026-12-04T10:00:29.000Z',
    });
    expect(countsOf(summary)).toMatchObject({ ERROR: 3, INFO: 27 });
  });

  it('keeps a Log4j log whose times end in a decimal comma, and whose messages hold commas, a plain log', () => {
    const text = rows(
      30,
      (i) => `2026-12-04 ${second(i)},${100 + i} INFO [main] x.Y: processed ${i}, ${i % 4} failed, 0 skipped`,
    );
    const summary = summaryOf(text);
    expect(summary.header.kind).not.toBe('csv');
    expect(summary.timeSpan?.start).toBe('2026-12-04T10:00:00.100Z');
    expect(templatesOf(text)).toEqual(['processed <NUM>, <NUM> failed, <NUM> skipped']);
  });

  it('keeps prose with commas a plain log when no field is a time on its own', () => {
    const text = rows(30, (i) => `at 2026-12-04 ${second(i)}, job ${i} ran, and it passed, again`);
    expect(summaryOf(text).header.kind).not.toBe('csv');
    const noTime = rows(30, (i) => `worker-${i % 3},INFO,job ${i} ran`);
    expect(summaryOf(noTime).header.kind).not.toBe('csv');
  });
});
