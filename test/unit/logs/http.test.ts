import { describe, expect, it } from 'vitest';
import { endpointOf, HttpStats, namedDuration, parseHttp } from '../../../lambdas/core/logs/http.ts';
import { summarizeText } from '../../../lambdas/core/logs/index.ts';

describe('parseHttp', () => {
  it.each([
    [
      'combined log format with request time',
      '"GET /api/orders/1234?x=1 HTTP/1.1" 503 2326 "-" "curl/8.0" 0.512',
      { method: 'GET', path: '/api/orders/1234', status: 503, durationMs: 512 },
    ],
    [
      'OpenStack wsgi',
      '<IP#1> "GET /v2/54fadb41/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829',
      { method: 'GET', path: '/v2/54fadb41/servers/detail', status: 200, durationMs: 247.7829 },
    ],
    [
      'a plain request line',
      'GET /health 200 12ms',
      { method: 'GET', path: '/health', status: 200, durationMs: 12 },
    ],
    [
      'logfmt pairs',
      'msg=done method=POST path=/api/pay status=502 duration=1.5s',
      { method: 'POST', path: '/api/pay', status: 502, durationMs: 1500 },
    ],
    [
      'an arrow and "in"',
      'GET /users/42 -> 404 in 3.2 ms',
      { method: 'GET', path: '/users/42', status: 404, durationMs: 3.2 },
    ],
    [
      'an absolute URL',
      'proxy POST https://api.example.com/v1/x 201',
      { method: 'POST', path: '/v1/x', status: 201 },
    ],
    [
      'a load balancer line with the status before the request',
      '<IP#1>:41086 [01/Oct/2024:08:14:00.720] www~ web/app2 0/0/1/3437/3438 503 5031 - - ---- 12/12/3/1/0 0/0 "GET /login HTTP/1.1"',
      { method: 'GET', path: '/login', status: 503 },
    ],
    [
      'a request whose only number before it is no common status',
      'worker 123 handled GET /x',
      { method: 'GET', path: '/x' },
    ],
    [
      'a pseudonym in the path',
      'GET /hosts/<HOST#3>/status HTTP/1.1 200',
      { method: 'GET', path: '/hosts/<HOST#3>/status', status: 200 },
    ],
  ])('reads %s', (_what, message, expected) => {
    expect(parseHttp(message)).toEqual(expected);
  });

  it.each([
    ['a method word inside another word', 'FORGETTING /x now'],
    ['a method without a path', 'GET request received'],
    ['plain text', 'Connection refused by peer'],
  ])('finds no request in %s', (_what, message) => {
    expect(parseHttp(message)).toBeUndefined();
  });

  it('gives up on huge messages instead of scanning them', () => {
    expect(parseHttp(`GET /x ${'a'.repeat(20_000)}`)).toBeUndefined();
  });
});

describe('namedDuration', () => {
  it('reads a duration written as a field, in milliseconds, and not one written in prose', () => {
    expect(namedDuration('REPORT RequestId: x\tDuration: 12.34 ms\tBilled Duration: 13 ms')).toBe(12.34);
    expect(namedDuration('job done took=1.5s')).toBe(1500);
    expect(namedDuration('sync finished elapsed: 250')).toBe(250);
    expect(namedDuration('Took 19.74 seconds to spawn the instance on the hypervisor.')).toBeUndefined();
    expect(namedDuration('time: 10:00:01 started')).toBeUndefined();
  });
});

describe('endpointOf', () => {
  it.each([
    ['/v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail', 'GET /v2/{id}/servers/detail'],
    ['/api/orders/1234', 'GET /api/orders/{id}'],
    ['/users/c9a646d3-9c61-4cb7-bfcd-ee2522c8f633/avatar', 'GET /users/{id}/avatar'],
    ['/api/v1/oauth2/token', 'GET /api/v1/oauth2/token'],
    ['/a/b/c/d/e/f/g/h/i/j', 'GET /a/b/c/d/e/f/g/h/…'],
    ['/hosts/<HOST#3>/status', 'GET /hosts/{id}/status'],
  ])('%s → %s', (path, endpoint) => {
    expect(endpointOf('GET', path)).toBe(endpoint);
  });
});

describe('HttpStats', () => {
  it('counts status classes and codes per endpoint, with latency percentiles', () => {
    const stats = new HttpStats();
    for (let i = 1; i <= 100; i++) stats.add({ method: 'GET', path: `/a/${i}`, status: 200, durationMs: i });
    for (let i = 0; i < 10; i++) stats.add({ method: 'POST', path: '/pay', status: 503, durationMs: 5000 });
    stats.add({ method: 'POST', path: '/pay', status: 201 });
    const s = stats.summary(10);
    expect(s).toMatchObject({
      requests: 111,
      statusClasses: { '2xx': 101, '5xx': 10 },
      statusCodes: [
        { code: 200, count: 100 },
        { code: 503, count: 10 },
        { code: 201, count: 1 },
      ],
    });
    const a = s?.endpoints.find((e) => e.endpoint === 'GET /a/{id}');
    expect(a?.latencyMs?.p50).toBeCloseTo(50, -0.5);
    expect(a?.latencyMs?.p99).toBeCloseTo(99, -0.5);
    expect(a?.latencyMs?.max).toBe(100);
    const pay = s?.endpoints.find((e) => e.endpoint === 'POST /pay');
    expect(pay).toMatchObject({ requests: 11, statusClasses: { '2xx': 1, '5xx': 10 }, errorRate: 0.9091 });
    expect(pay?.latencyMs?.count).toBe(10);
  });

  it('keeps a bounded number of endpoints and counts the rest', () => {
    const stats = new HttpStats(3);
    for (const p of ['/a', '/b', '/c', '/d', '/e']) stats.add({ method: 'GET', path: p, status: 500 });
    const s = stats.summary(10);
    expect(s?.endpoints).toHaveLength(3);
    expect(s?.otherEndpointRequests).toBe(2);
    expect(s?.statusClasses['5xx']).toBe(5);
  });

  it('has no summary when no request was seen', () => {
    expect(new HttpStats().summary(10)).toBeNull();
  });
});

describe('HTTP fields of structured logs', () => {
  const line = (i: number, status: number, path: string) =>
    JSON.stringify({
      ts: `2024-09-03T13:00:${String(i % 60).padStart(2, '0')}Z`,
      level: status >= 500 ? 'error' : 'info',
      msg: 'request completed',
      method: 'GET',
      path,
      status,
      latency_ms: 10 + i,
      remote: '10.2.3.4',
    });

  it('reads method, path, status and a latency whose unit is on the key, beside the message', () => {
    expect(
      parseHttp('{"msg":"done","method":"POST","path":"/v1/pay","status":502,"latency_ms":12.5}'),
    ).toEqual({
      method: 'POST',
      path: '/v1/pay',
      status: 502,
      durationMs: 12.5,
    });
    expect(parseHttp('msg=done method=GET path=/x status=200 duration_s=0.25')?.durationMs).toBe(250);
  });

  it('takes no date or clock time of a `time` key for the latency', () => {
    const json =
      '{"time":"2024-05-01T10:00:00.995Z","msg":"done","method":"GET","path":"/x","status":200,"latency_ms":47}';
    expect(parseHttp(json)?.durationMs).toBe(47);
    expect(parseHttp('time=10:00:01 msg=done method=GET path=/x status=200')?.durationMs).toBeUndefined();
    expect(parseHttp('msg=done method=GET path=/x status=200 time=0.25')?.durationMs).toBe(250);
  });

  it('gives JSON lines the same breakdown as access logs, and redacts and counts what their fields hold', async () => {
    const { summarizeLog } = await import('../../../lambdas/core/logs/summarize-log.ts');
    const raw = Array.from({ length: 40 }, (_, i) =>
      line(i, i % 4 === 0 ? 500 : 200, i % 2 ? '/v1/search' : '/users/bob@example.com/profile'),
    ).join('\n');
    const { summary } = summarizeLog(raw);
    expect(summary.templates.total).toBe(1);
    expect(summary.http?.statusClasses).toEqual({ '2xx': 30, '5xx': 10 });
    expect(summary.http?.endpoints.map((e) => e.endpoint).sort()).toEqual([
      'GET /users/{id}/profile',
      'GET /v1/search',
    ]);
    expect(summary.http?.latencyMs?.max).toBe(49);
    // The fields are redacted and counted like the message: 40 addresses (one distinct), 20 e-mails.
    expect(summary.redactions.byKind).toMatchObject({ ipv4: 40, email: 20 });
    expect(summary.redactions.distinct.ip).toBe(1);
    expect(JSON.stringify(summary)).not.toContain('bob@example.com');
  });
});

describe('a status written in the header, before the message that holds the request', () => {
  it("counts an AWS ALB log's 502s, whose status the column layout takes into the header", () => {
    const UA = ['Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0', 'curl/8.5.0', 'python-requests/2.31.0'];
    const lines = Array.from({ length: 40 }, (_, i) => {
      const t = `2024-05-01T10:00:${String(i).padStart(2, '0')}.${String(123456 + i * 7919).slice(0, 6)}Z`;
      const failed = i % 10 === 7;
      const target = failed ? '-' : `10.0.1.${2 + (i % 5)}:80`;
      const status = failed ? '502 -' : '200 200';
      const timing = failed ? '-1' : `0.0${10 + i}`;
      return `https ${t} app/my-alb/50dc6c495c0c9188 10.0.${i % 3}.${7 + (i % 4)}:${40000 + i * 37} ${target} 0.000 ${timing} 0.000 ${status} ${340 + i} ${1000 + i * 13} "GET https://api.example.com:443/api/orders/${i} HTTP/1.1" "${UA[i % 3]}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/73e2d6bc24d8a067 "Root=1-${(0x66000000 + i).toString(16)}-abc" "api.example.com" "-" 0 ${t} "forward" "-" "-" "${target}" "${failed ? '-' : '200'}" "-" "-"`;
    });
    const { summary } = summarizeText(lines.join('\n'), { receivedAt: Date.UTC(2024, 4, 1) });
    expect(summary.header.description).toContain('<num> <content>');
    expect(summary.http?.requests).toBe(40);
    expect(summary.errors.total).toBe(4);
    expect(summary.http?.endpoints[0]?.statusClasses).toEqual({ '2xx': 36, '5xx': 4 });
  });
});
