/**
 * W3C extended logs (IIS, CloudFront standard logs): `#` directives, `#Fields:` naming the fields of the
 * records after it. Samples handmade from the format (https://www.w3.org/TR/WD-logfile.html) and from how
 * IIS and CloudFront write it.
 */
import { describe, expect, it } from 'vitest';
import { redactLog } from '../../../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { type LogSummary, summarizeText } from '../../../lambdas/core/logs/index.ts';
import { renderSummaryText } from '../../../lambdas/core/logs/summary-text.ts';

const RECEIVED = Date.UTC(2026, 11, 7);
const summaryOf = (text: string): LogSummary => summarizeText(text, { receivedAt: RECEIVED }).summary;
const templatesOf = (text: string): string[] =>
  summarizeText(text, { receivedAt: RECEIVED, redact: false }).templates.map((t) => t.template);

const IIS_DIRECTIVES = [
  '#Software: Microsoft Internet Information Services 10.0',
  '#Version: 1.0',
  '#Date: 2024-05-01 10:00:00',
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken',
];
const PATHS = ['/api/orders', '/api/orders/1234', '/default.aspx', '/images/logo.png'];

/** IIS records, one every 10 s from 10:00:00; those in `failing` answer 500 (the others 200), `ms` each. */
function iisRecords(count: number, failing: (i: number) => boolean, from = 0): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const time = `10:${String(Math.floor(i / 6)).padStart(2, '0')}:${String((i % 6) * 10).padStart(2, '0')}`;
    const path = PATHS[i % PATHS.length] as string;
    const method = path === '/api/orders' ? 'POST' : 'GET';
    const status = failing(i) ? '500 0 0' : '200 0 0';
    return `2024-05-01 ${time} 10.0.0.5 ${method} ${path} - 443 - 203.0.113.${(i % 40) + 1} Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) ${status} ${100 + i}`;
  });
}

/** 60 records with 15 HTTP 500s (records 30–44), after IIS's four directives. */
const iisLog = (): string => [...IIS_DIRECTIVES, ...iisRecords(60, (i) => i >= 30 && i < 45)].join('\n');

describe('W3C extended logs: #Fields: names the fields of the records after it', () => {
  it('counts the HTTP 500s of an IIS log, whose status stands after the request among other numbers', () => {
    const summary = summaryOf(iisLog());
    expect(summary.header.kind).toBe('w3c');
    expect(summary.header.description).toContain('<time> date + time');
    expect(summary.http?.requests).toBe(60);
    expect(summary.http?.statusClasses).toEqual({ '2xx': 45, '5xx': 15 });
    expect(summary.errors.total).toBe(15);
    // IIS writes whole milliseconds: 100 … 159.
    expect(summary.http?.latencyMs?.max).toBe(159);
    expect(summary.http?.endpoints.map((e) => e.endpoint)).toContain('GET /api/orders/{id}');
    expect(summary.timeSpan).toMatchObject({
      start: '2024-05-01T10:00:00.000Z',
      end: '2024-05-01T10:09:50.000Z',
    });
    expect(summary.headline).toContain('15 of 60 HTTP requests failed with 5xx');
  });

  it('counts its directives as no events, as a CSV header row, and the summary text names them', () => {
    const summary = summaryOf(iisLog());
    expect(summary.lines).toMatchObject({
      total: 64,
      analysed: 60,
      blank: 4,
      directives: 4,
      unmatchedHeader: 0,
    });
    expect(renderSummaryText(summary)).toContain('4 W3C directive lines');
    const templates = templatesOf(iisLog());
    // An access log's templates are its requests, as nginx's are: method, path, status.
    expect(templates.sort()).toEqual(['GET <*> <NUM>', 'POST <*> <NUM>']);
  });

  it('switches to the layout of a later #Fields: directive (IIS restarted with other fields)', () => {
    // After the restart the site and the server's name are logged and the fields stand in another order.
    const restart = [
      '#Software: Microsoft Internet Information Services 10.0',
      '#Version: 1.0',
      '#Date: 2024-05-01 11:00:00',
      '#Fields: time-taken sc-status cs-method cs-uri-stem s-sitename s-computername date time c-ip',
      ...Array.from(
        { length: 10 },
        (_, i) =>
          `${2000 + i} 503 GET /api/orders/${i} W3SVC1 WEB01 2024-05-01 11:00:0${i} 198.51.100.${i + 1}`,
      ),
    ];
    const summary = summaryOf([iisLog(), ...restart].join('\n'));
    expect(summary.lines).toMatchObject({ analysed: 70, directives: 8, unmatchedHeader: 0 });
    expect(summary.http?.requests).toBe(70);
    expect(summary.http?.statusCodes).toContainEqual({ code: 503, count: 10 });
    expect(summary.errors.total).toBe(25);
    expect(summary.http?.latencyMs?.max).toBe(2009);
    expect(summary.timeSpan?.end).toBe('2024-05-01T11:00:09.000Z');
    expect(summary.topComponents.map((c) => c.name)).toEqual(['W3SVC1']);
    // The server's name is a host, pseudonymised as every host is.
    expect(summary.topHosts.map((h) => h.name)).toContain('<HOST#1>');
    expect(JSON.stringify(summary)).not.toContain('WEB01');
  });

  it('reads a CloudFront standard log: tab-separated, time-taken in seconds with a fraction, the edge as host', () => {
    const fields =
      '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken';
    const records = Array.from({ length: 20 }, (_, i) =>
      [
        '2024-05-01',
        `11:00:${String(i * 2).padStart(2, '0')}`,
        'FRA56-C1',
        '2048',
        `198.51.100.${i + 1}`,
        'GET',
        'd111111abcdef8.cloudfront.net',
        `/assets/${PATHS[i % PATHS.length]}`,
        i >= 15 ? '502' : '200',
        '-',
        'Mozilla/5.0%20(X11;%20Linux)',
        '-',
        '-',
        i >= 15 ? 'Error' : 'Hit',
        `req${i}`,
        'www.example.com',
        'https',
        '120',
        (0.05 + i / 100).toFixed(3),
      ].join('\t'),
    );
    const summary = summaryOf(['#Version: 1.0', fields, ...records].join('\n'));
    expect(summary.header.kind).toBe('w3c');
    expect(summary.lines).toMatchObject({ analysed: 20, directives: 2 });
    expect(summary.http?.statusClasses).toEqual({ '2xx': 15, '5xx': 5 });
    expect(summary.errors.total).toBe(5);
    // 0.240 s is 240 ms, not 0.24 ms nor 240 s.
    expect(summary.http?.latencyMs?.max).toBe(240);
    expect(summary.topHosts).toHaveLength(1);
    expect(summary.topHosts[0]?.lines).toBe(20);
  });

  it("quotes a failure's telling fields beside its message: IIS's sub-status and Win32 status, the latency", () => {
    const text = [
      ...IIS_DIRECTIVES,
      ...iisRecords(6, () => false),
      '2024-05-01 10:01:00 10.0.0.5 GET /admin/settings - 443 - 203.0.113.9 curl/8.4.0 500 19 13 15',
    ].join('\n');
    const result = summarizeText(text, { receivedAt: RECEIVED });
    expect(result.summary.firstError?.text).toBe(
      'GET /admin/settings 500 · sc-substatus=19 sc-win32-status=13 time-taken=15',
    );
    // A success's sub-status and Win32 status are 0: nothing to quote but its latency.
    const samples = result.templates.flatMap((t) => t.samples.map((s) => s.text));
    expect(samples).toContain('GET /api/orders/1234 200 · time-taken=101');
  });

  it('dates a time of day written alone by the #Date: directive above it', () => {
    const text = [
      '#Version: 1.0',
      '#Date: 2024-05-02 00:00:00',
      '#Fields: time c-ip cs-method cs-uri-stem sc-status',
      ...Array.from(
        { length: 8 },
        (_, i) => `08:00:0${i} 192.0.2.${i + 1} GET /index.html ${i < 6 ? 200 : 404}`,
      ),
    ].join('\n');
    const summary = summaryOf(text);
    expect(summary.timeSpan).toMatchObject({
      start: '2024-05-02T08:00:00.000Z',
      end: '2024-05-02T08:00:07.000Z',
    });
    expect(summary.timeSpan?.dateAssumed).toBeUndefined();
    expect(summary.http?.statusClasses).toEqual({ '2xx': 6, '4xx': 2 });
  });

  it('keeps a plain log that opens with shell-style # comments a plain log', () => {
    const text = [
      '# backup run started by cron',
      '# host: db-1',
      ...Array.from(
        { length: 10 },
        (_, i) => `2024-05-01 10:00:0${i} INFO copied chunk ${i} of 10 (GET /backup/${i} 200)`,
      ),
    ].join('\n');
    const summary = summaryOf(text);
    expect(summary.header.kind).not.toBe('w3c');
    expect(summary.lines.directives).toBeUndefined();
    expect(summary.lines.analysed).toBe(12);
  });

  it('stores an IIS log with its server name and client addresses pseudonymised, counted as the summary counts them', () => {
    const text = [
      '#Software: Microsoft Internet Information Services 10.0',
      '#Fields: date time s-computername c-ip cs-method cs-uri-stem sc-status time-taken',
      ...Array.from(
        { length: 12 },
        (_, i) =>
          `2024-05-01 10:00:${String(i).padStart(2, '0')} WEB01 203.0.113.${i + 1} GET /a/${i} 200 12`,
      ),
    ].join('\n');
    const stored = redactLog(text, { network: 'pseudonymise', format: null });
    expect(stored.text).not.toMatch(/WEB01|203\.0\.113/);
    const summary = summaryOf(text);
    expect(summary.topHosts.map((h) => h.name)).toEqual(['<HOST#1>']);
    expect(stored.text).toContain('<HOST#1>');
    expect(summary.redactions.byKind).toMatchObject({ ipv4: 12, hostname: 12 });
    expect(stored.redactions).toMatchObject({ ipv4: 12, hostname: 12 });
  });
});
