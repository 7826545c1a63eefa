import { describe, expect, it } from 'vitest';
import { summarizeLogStream } from '../../../lambdas/adapters/storage/log-stream.ts';
import { LogAnalyzer } from '../../../lambdas/core/logs/analyzer.ts';
import { type LogSummary, summarizeText } from '../../../lambdas/core/logs/index.ts';
import { type DocumentItem, JsonDocumentReader } from '../../../lambdas/core/logs/json-document.ts';

// Handmade exports, written as each tool prints them (indentation, key order, wrapper keys).

const pretty = (value: unknown, indent = 2) => `${JSON.stringify(value, null, indent)}\n`;

const t = (s: number) => `2026-12-01T10:00:${String(s).padStart(2, '0')}Z`;
/** The same time as a summary writes it. */
const iso = (s: number) => t(s).replace('Z', '.000Z');

/** CloudTrail's file: `{"Records": [...]}`, each record with nested objects and arrays of objects. */
const cloudTrail = (n: number) => ({
  Records: Array.from({ length: n }, (_, i) => ({
    eventVersion: '1.08',
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::123456789012:assumed-role/deploy/s${i}` },
    eventTime: t(i),
    eventSource: i % 3 === 0 ? 's3.amazonaws.com' : 'ec2.amazonaws.com',
    eventName: i % 3 === 0 ? 'GetObject' : 'DescribeInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: `10.0.0.${i}`,
    ...(i % 3 === 0 ? { errorCode: 'AccessDenied', errorMessage: 'Access Denied' } : {}),
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::bucket/key${i}` }],
  })),
});

/** `aws logs filter-log-events`: `events` first, then `searchedLogStreams` (objects too, no events). */
const logEvents = (n: number) => ({
  events: Array.from({ length: n }, (_, i) => ({
    logStreamName: 'api/web/0a1b',
    timestamp: Date.UTC(2026, 11, 1, 10, 0, i),
    message: i % 4 === 3 ? `ERROR upstream timed out after ${i}ms` : `INFO request ${i} served`,
    ingestionTime: Date.UTC(2026, 11, 1, 10, 0, i + 1),
    eventId: `3713${i}`,
  })),
  searchedLogStreams: [{ logStreamName: 'api/web/0a1b', searchedCompletely: true }],
});

/** A Kibana/Datadog export: a JSON array of event objects. */
const kibana = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    '@timestamp': t(i),
    'log.level': i % 5 === 4 ? 'error' : 'info',
    message: i % 5 === 4 ? `payment ${i} declined by gateway` : `cart ${i} checked out`,
    host: 'shop-1',
  }));

/** `kubectl get events -o json`: a List whose `items` come after `apiVersion`. */
const kubeEvents = (n: number) => ({
  apiVersion: 'v1',
  items: Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    count: 1,
    firstTimestamp: t(i),
    involvedObject: { kind: 'Pod', name: `web-${i}`, namespace: 'shop' },
    kind: 'Event',
    lastTimestamp: t(i),
    message:
      i % 2 === 0 ? `Back-off restarting failed container web in pod web-${i}` : 'Pulling image "web:1.2"',
    metadata: { name: `web-${i}.17`, managedFields: [{ manager: 'kubelet', operation: 'Update' }] },
    reason: i % 2 === 0 ? 'BackOff' : 'Pulling',
    type: i % 2 === 0 ? 'Warning' : 'Normal',
  })),
  kind: 'List',
  metadata: { resourceVersion: '' },
});

/** A search response: the hits one level down, `hits.hits`, each with its `_source`. */
const searchHits = (n: number) => ({
  took: 3,
  timed_out: false,
  hits: {
    total: { value: n, relation: 'eq' },
    hits: Array.from({ length: n }, (_, i) => ({
      _index: 'logs-2026.12.01',
      _id: `id${i}`,
      _source: { '@timestamp': t(i), level: 'warn', message: `disk usage ${80 + i}% on /data` },
    })),
  },
});

/** `jq .` of JSON lines: pretty-printed objects one after another. */
const jqObjects = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    pretty({ time: t(i), level: i === 2 ? 'error' : 'info', msg: i === 2 ? 'db down' : `tick ${i}` }),
  ).join('');

const summaryOf = (text: string): LogSummary =>
  summarizeText(text, { receivedAt: Date.UTC(2026, 11, 7) }).summary;
const templatesOf = (text: string): string[] =>
  summarizeText(text, { receivedAt: Date.UTC(2026, 11, 7), redact: false }).templates.map((x) => x.template);
const physicalLines = (text: string) => text.replace(/\n$/, '').split('\n').length;
/** A template that is a piece of JSON's punctuation or a key line: what reading line by line gave. */
const punctuation = (templates: string[]) => templates.filter((x) => /^[[\]{},]|^"\w+": /.test(x));

describe('a log exported as one JSON document: its records are the events', () => {
  it('reads CloudTrail records (pretty-printed, nested arrays inside) as one event each', () => {
    const text = pretty(cloudTrail(9));
    const summary = summaryOf(text);
    expect(summary.header).toMatchObject({ kind: 'json' });
    expect(summary.header.description).toContain('JSON document records');
    // `{`, `"Records": [`, `]` and `}` hold no event; each record's other lines continue its first.
    expect(summary.lines).toMatchObject({ total: physicalLines(text), analysed: 9, blank: 4 });
    expect(summary.lines.continuation).toBe(physicalLines(text) - 9 - 4);
    expect(summary.timeSpan).toMatchObject({ start: iso(0), end: iso(8), linesWithTime: 9 });
    const templates = templatesOf(text);
    expect(punctuation(templates)).toEqual([]);
    // A record without a message key is named by its event's fields (`json-event.ts`).
    expect(templates.some((x) => x.endsWith(' GetObject'))).toBe(true);
  });

  it('reads the events of `aws logs filter-log-events`, not its searched streams', () => {
    const text = pretty(logEvents(12), 4);
    const summary = summaryOf(text);
    expect(summary.lines.analysed).toBe(12);
    expect(summary.timeSpan).toMatchObject({ start: iso(0), end: iso(11) });
    expect(summary.errors.total).toBe(3);
    const templates = templatesOf(text);
    expect(templates).toContain('INFO request <NUM> served');
    expect(punctuation(templates)).toEqual([]);
  });

  it('reads a JSON array of events, pretty-printed or one record a line', () => {
    for (const text of [
      pretty(kibana(10)),
      `[\n${kibana(10)
        .map((r) => JSON.stringify(r))
        .join(',\n')}\n]\n`,
    ]) {
      const summary = summaryOf(text);
      expect(summary.lines).toMatchObject({ total: physicalLines(text), analysed: 10, blank: 2 });
      expect(summary.levels.counts).toMatchObject({ INFO: 8, ERROR: 2 });
      expect(summary.topHosts.map((h) => h.lines)).toEqual([10]);
      expect(punctuation(templatesOf(text))).toEqual([]);
    }
  });

  it('reads the items of `kubectl get … -o json`, whatever arrays of objects an item holds', () => {
    const text = pretty(kubeEvents(6), 4);
    const summary = summaryOf(text);
    expect(summary.lines.analysed).toBe(6);
    expect(summary.timeSpan).toMatchObject({ start: iso(0), end: iso(5) });
    const templates = templatesOf(text);
    expect(templates).toContain('Back-off restarting failed container web in pod web-<NUM>');
    expect(punctuation(templates)).toEqual([]);
  });

  it('reads the hits of a search response, one level down (`hits.hits`)', () => {
    const summary = summaryOf(pretty(searchHits(5)));
    expect(summary.lines.analysed).toBe(5);
    expect(summary.levels.counts).toMatchObject({ WARN: 5 });
  });

  it('reads pretty-printed objects one after another (`jq .` of JSON lines) as one event each', () => {
    const text = jqObjects(6);
    const summary = summaryOf(text);
    expect(summary.lines).toMatchObject({ total: 30, analysed: 6, blank: 0, continuation: 24 });
    expect(summary.levels.counts).toMatchObject({ INFO: 5, ERROR: 1 });
    expect(templatesOf(text)).toEqual(expect.arrayContaining(['tick <NUM>', 'db down']));
  });

  it('gives every physical line one id, in order, the record its lines belong to', () => {
    const text = pretty(kibana(3));
    const analyzer = new LogAnalyzer({ redact: false });
    const seen: [number, number][] = [];
    analyzer.onLine = (line, cluster) => seen.push([line, cluster]);
    for (const line of text.replace(/\n$/, '').split('\n')) analyzer.push(line);
    analyzer.end();
    expect(seen.map(([line]) => line)).toEqual(Array.from({ length: physicalLines(text) }, (_, i) => i + 1));
    // `[` and `]` hold no event; the six lines of a record carry its cluster.
    expect(seen[0]?.[1]).toBe(-1);
    expect(seen.at(-1)?.[1]).toBe(-1);
    expect(new Set(seen.slice(1, 7).map(([, c]) => c)).size).toBe(1);
  });

  it('gives the same summary read as a stream in chunks as read whole', async () => {
    const text = pretty(cloudTrail(20));
    const whole = summarizeText(text);
    const bytes = new TextEncoder().encode(text);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.length; at += 37) yield bytes.subarray(at, at + 37);
    }
    const streamed = await summarizeLogStream(chunks());
    expect(streamed.summary).toEqual(whole.summary);
    expect(streamed.summary.lines.analysed).toBe(20);
  });
});

describe('a JSON document that breaks, and logs that are no document', () => {
  it('reads a truncated document: whole records as events, the cut one as plain lines', () => {
    // `[`, five whole records of six lines, and three lines of the sixth.
    const text = pretty(kibana(8))
      .split('\n')
      .slice(0, 1 + 6 * 5 + 3)
      .join('\n');
    const summary = summaryOf(text);
    // The cut record's three lines are read as a plain log's: indented, they continue the event above.
    expect(summary.lines).toMatchObject({ total: 34, blank: 1, analysed: 5, continuation: 5 * 5 + 3 });
    const templates = summarizeText(text, { redact: false }).templates;
    expect(templates.find((x) => x.template === 'cart <NUM> checked out')?.count).toBe(4);
    expect(templates.find((x) => x.template === 'payment <NUM> declined by gateway')?.count).toBe(1);
  });

  it('reads what follows a document that breaks as plain lines, never failing', () => {
    const text = `${pretty(kibana(5)).replace(/\n$/, '')}\n]\nplain text after it\n{ not json }\n`;
    const summary = summaryOf(text);
    expect(summary.lines.total).toBe(physicalLines(text));
    const templates = templatesOf(text);
    expect(templates).toContain('plain text after it');
    expect(templates).toContain('cart <NUM> checked out');
    // A bracket that closes the wrong thing: no failure, the lines counted.
    const crossed = '[\n  {"message": "a",\n   "x": [1}\n  }\n]\n';
    expect(summaryOf(crossed).lines.total).toBe(5);
  });

  it('keeps a JSON-lines log a JSON-lines log, its first line whole or broken', () => {
    const lines = kibana(10).map((r) => JSON.stringify(r));
    for (const text of [`${lines.join('\n')}\n`, `{"@timestamp": "2026-12-01T09\n${lines.join('\n')}\n`]) {
      const summary = summaryOf(text);
      expect(summary.header.description).toMatch(/^JSON lines/);
      expect(summary.lines.total).toBe(physicalLines(text));
    }
  });

  it('reads a record longer than its bounds as plain lines, and the records after it as events', () => {
    const long = { message: 'huge', fields: Array.from({ length: 6000 }, (_, i) => i) };
    const items: DocumentItem[] = [];
    const reader = new JsonDocumentReader();
    const text = `[\n${pretty(kibana(1)[0]).trim()},\n${JSON.stringify(long, null, 1)},\n${pretty(kibana(2)[1]).trim()}\n]`;
    for (const line of text.split('\n')) reader.push(line, (item) => items.push(item));
    reader.end((item) => items.push(item));
    const kinds = items.map((i) => i.kind);
    expect(kinds.filter((k) => k === 'record')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'raw').length).toBeGreaterThan(6000);
    const lines = items.reduce((n, i) => n + (i.kind === 'record' ? i.lines.length : 1), 0);
    expect(lines).toBe(text.split('\n').length);
  });
});

describe('lines of text that open with brackets are no document', () => {
  it('reads `[thread] {json}` lines and `[time] message` lines as they were read', () => {
    const reader = new JsonDocumentReader();
    const items: DocumentItem[] = [];
    for (const line of ['[main] {"message": "a"}', '[main] {"message": "b"}'])
      reader.push(line, (item) => items.push(item));
    reader.end((item) => items.push(item));
    // The reader says where its document broke (the first line), then gives every line back.
    expect(items.map((i) => i.kind)).toEqual(['broken', 'raw', 'raw']);
    const text = Array.from({ length: 20 }, (_, i) => `[2026-12-01 10:00:${10 + i}] INFO job ${i} done`).join(
      '\n',
    );
    expect(summaryOf(text).header.description).not.toContain('JSON');
  });
});
