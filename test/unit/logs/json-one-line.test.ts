import { describe, expect, it } from 'vitest';
import { summarizeLogStream } from '../../../lambdas/adapters/storage/log-stream.ts';
import { LogAnalyzer } from '../../../lambdas/core/logs/analyzer.ts';
import { type LogSummary, renderSummaryText, summarizeText } from '../../../lambdas/core/logs/index.ts';
import { type DocumentItem, JsonDocumentReader } from '../../../lambdas/core/logs/json-document.ts';

// Handmade documents written on ONE line, as CloudTrail writes its files, `jq -c` prints, or a program
// dumps a JSON array.

const t = (s: number) =>
  `2026-12-01T10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}Z`;
const iso = (s: number) => t(s).replace('Z', '.000Z');

const trailRecord = (i: number) => ({
  eventVersion: '1.08',
  userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::123456789012:assumed-role/deploy/s${i}` },
  eventTime: t(i),
  eventSource: i % 3 === 0 ? 's3.amazonaws.com' : 'ec2.amazonaws.com',
  eventName: i % 3 === 0 ? 'GetObject' : 'DescribeInstances',
  awsRegion: 'eu-west-1',
  ...(i % 3 === 0 ? { errorCode: 'AccessDenied', errorMessage: 'Access Denied' } : {}),
  resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::bucket/key${i}` }],
});
const trail = (n: number) => ({ Records: Array.from({ length: n }, (_, i) => trailRecord(i)) });

const event = (i: number) => ({
  '@timestamp': t(i),
  level: i % 4 === 3 ? 'error' : 'info',
  message: i % 4 === 3 ? `payment ${i} declined by gateway` : `cart ${i} checked out`,
  host: 'shop-1',
});
const events = (n: number) => Array.from({ length: n }, (_, i) => event(i));

const options = { receivedAt: Date.UTC(2026, 11, 7), redact: false };
const summaryOf = (text: string): LogSummary => summarizeText(text, options).summary;
/** What a summary says beyond its line counts and the layout's name: the same records give the same. */
const reading = (s: LogSummary) => {
  const { lines, header, headline, firstError, ...rest } = s;
  return JSON.stringify({ ...rest, firstError: { ...firstError, line: 0 } }).replace(/"line":\d+/g, '');
};
const asJsonLines = (records: readonly unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('a JSON document written on one line: its records are the events', () => {
  it('reads a one-line CloudTrail file as its records, as their JSON lines would be read', () => {
    const doc = trail(30);
    const text = JSON.stringify(doc);
    const summary = summaryOf(text);
    expect(summary.header.description).toContain('JSON document records');
    // Each record is a line of its own: the counts are those of the 30 JSON lines.
    expect(summary.lines).toMatchObject({ total: 30, analysed: 30, blank: 0, truncated: 0 });
    expect(summary.lines.compactJson).toEqual({ lines: 30, physicalLines: 1 });
    expect(summary.timeSpan).toMatchObject({ start: iso(0), end: iso(29), linesWithTime: 30 });
    expect(reading(summary)).toBe(reading(summaryOf(asJsonLines(doc.Records))));
    expect(renderSummaryText(summary)).toContain('30 of them are JSON records written on one line');
  });

  it('reads a JSON array written on one line (a program’s dump, `jq -c`) as its records', () => {
    const records = events(12);
    const summary = summaryOf(`${JSON.stringify(records)}\n`);
    expect(summary.lines).toMatchObject({ total: 12, analysed: 12 });
    expect(summary.levels.counts).toMatchObject({ INFO: 9, ERROR: 3 });
    expect(reading(summary)).toBe(reading(summaryOf(asJsonLines(records))));
  });

  it('reads a few records a line, and documents one after another on one line, each record a line', () => {
    const records = events(9);
    const threes = [0, 3, 6].map((i) =>
      records
        .slice(i, i + 3)
        .map((r) => JSON.stringify(r))
        .join(','),
    );
    const fewLine = `[\n${threes.join(',\n')}\n]\n`;
    // `[`, three lines of three records, `]`: the brackets' lines hold no event, as in a pretty document.
    expect(summaryOf(fewLine).lines).toMatchObject({ total: 11, analysed: 9, blank: 2 });
    const concatenated = `${JSON.stringify({ Records: records.slice(0, 4) })}${JSON.stringify({ Records: records.slice(4) })}`;
    expect(summaryOf(concatenated).lines).toMatchObject({
      total: 9,
      analysed: 9,
      compactJson: { physicalLines: 1 },
    });
  });

  it('gives `parse --jsonl` one row a record, numbered as the JSON lines of the records would be', () => {
    const text = JSON.stringify(trail(5));
    const analyzer = new LogAnalyzer({ redact: false });
    const seen: number[] = [];
    analyzer.onLine = (line, cluster) => {
      seen.push(line);
      expect(cluster).toBeGreaterThanOrEqual(0);
    };
    analyzer.push(text);
    analyzer.end();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads a record whose string runs past 65,536 characters, where the line used to be cut', () => {
    const records = events(4);
    const long = { ...event(9), message: 'stack dump', trace: 'x'.repeat(70_000) };
    const text = JSON.stringify([...records.slice(0, 2), long, ...records.slice(2)]);
    const summary = summaryOf(text);
    expect(summary.lines).toMatchObject({ total: 5, analysed: 5, truncated: 0 });
    expect(summary.topTemplates.map((x) => x.template)).toContain('stack dump');
  });

  it('keeps a JSON-lines log whose lines carry arrays of objects a JSON-lines log', () => {
    // The array comes first: only the line's own `message` and `level` keys, after it, say it is an event.
    const lines = events(10).map((e) => ({ spans: [{ id: 1 }, { id: 2 }], ...e }));
    const summary = summaryOf(asJsonLines(lines));
    expect(summary.header.description).toMatch(/^JSON lines/);
    expect(summary.lines).toMatchObject({ total: 10, analysed: 10 });
    expect(summary.lines.compactJson).toBeUndefined();
  });
});

describe('a one-line document read as a stream, in parts', () => {
  async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
    const bytes = new TextEncoder().encode(text);
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }

  it('gives the same summary read from an upload in chunks as read whole, the line never held', async () => {
    // Over 65,536 characters: the upload's reader gives the line to the analyzer in parts.
    const text = `${JSON.stringify(trail(400))}\n`;
    expect(text.length).toBeGreaterThan(1 << 17);
    const whole = summarizeText(text, options);
    const streamed = await summarizeLogStream(chunks(text, 4093), options);
    expect(streamed.summary).toEqual(whole.summary);
    expect(streamed.summary.lines.analysed).toBe(400);
  });

  it('reads a record split across parts anywhere, inside a key, a string or an escape', () => {
    const records = events(6).map((e, i) => ({ ...e, 'note\\key': `quote " and \\ in ${i}` }));
    const text = JSON.stringify({ events: records });
    for (const size of [1, 2, 7, 64]) {
      const reader = new JsonDocumentReader();
      const items: DocumentItem[] = [];
      const take = (item: DocumentItem) => items.push(item);
      for (let at = 0; at < text.length; at += size) {
        const part = text.slice(at, at + size);
        if (at + size >= text.length) reader.push(part, take);
        else reader.pushPart(part, take);
      }
      reader.end(take);
      const json = items.flatMap((i) => (i.kind === 'record' ? [JSON.parse(i.json)] : []));
      expect(json).toEqual(records);
      expect(items.every((i) => i.kind === 'record')).toBe(true);
    }
  });
});

describe('a one-line document that breaks, or is too large to hold, never fails', () => {
  it('reads a truncated one-line document: its whole records as events, the cut one as text, and says so', () => {
    const full = JSON.stringify(trail(10));
    const text = full.slice(0, full.indexOf('"eventTime"', full.indexOf(`/s7"`)));
    const summary = summaryOf(text);
    expect(summary.lines).toMatchObject({ total: 8, analysed: 8 });
    expect(summary.timeSpan).toMatchObject({ start: iso(0), end: iso(6), linesWithTime: 7 });
    expect(summary.lines.jsonDocumentBroken).toEqual({
      line: 8,
      reason: expect.stringContaining('ends before it closes'),
    });
    expect(renderSummaryText(summary)).toContain('The JSON document breaks at line 8');
    // Cut inside a string (the commonest cut): the record's text is given back at the line's end; the note
    // still names its line.
    const inString = full.slice(0, full.indexOf('assumed-role/deploy/s7') + 10);
    expect(summaryOf(inString).lines).toMatchObject({
      total: 8,
      analysed: 8,
      jsonDocumentBroken: { line: 8 },
    });
  });

  it('reads the rest of a line as text after a bracket that closes the wrong thing', () => {
    const good = events(3).map((r) => JSON.stringify(r));
    const text = `[${good.join(',')},{"message":"bad","x":[1}},${good.join(',')}]\nplain text after\n`;
    const summary = summaryOf(text);
    expect(summary.lines).toMatchObject({ total: 5, analysed: 5 });
    expect(summary.lines.jsonDocumentBroken).toMatchObject({
      line: 4,
      reason: 'a bracket closes what it did not open',
    });
    expect(summarizeText(text, options).templates.map((x) => x.template)).toContain('plain text after');
  });

  it('reads a record over a million characters as text, cut as any long line, and the records after it', () => {
    const huge = { ...event(1), blob: 'A'.repeat(1_100_000) };
    const text = JSON.stringify([event(0), huge, event(2), event(3)]);
    const summary = summaryOf(text);
    expect(summary.lines).toMatchObject({ total: 4, analysed: 4, truncated: 1 });
    expect(summary.timeSpan).toMatchObject({ linesWithTime: 3 });
  });
});

describe('the command line reads a long line in parts', () => {
  it('gives a line longer than a part to `onPart` as it comes, its end as a line, other lines as before', async () => {
    const { Readable } = await import('node:stream');
    const { lineBatches } = await import('../../../bin/commands/logs.ts');
    const { LINE_PART_CHARS } = await import('../../../lambdas/core/logs/analyzer.ts');
    const long = 'x'.repeat(LINE_PART_CHARS * 3 + 5);
    const chunks = [
      'a 1\n',
      ...Array.from({ length: Math.ceil(long.length / 5000) }, (_, i) =>
        long.slice(i * 5000, (i + 1) * 5000),
      ),
      '\nb 2\n',
    ];
    const seen: string[] = [];
    for await (const batch of lineBatches(Readable.from(chunks), (part) => seen.push(`part:${part.length}`)))
      for (const line of batch) seen.push(`line:${line.length}`);
    const parts = seen.filter((s) => s.startsWith('part:'));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toBe('line:3');
    expect(seen.at(-1)).toBe('line:3');
    const total = seen.slice(1, -1).reduce((n, s) => n + Number(s.split(':')[1]), 0);
    expect(total).toBe(long.length);
  });
});
