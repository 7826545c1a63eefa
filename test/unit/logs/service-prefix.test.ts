import { describe, expect, it } from 'vitest';
import { createHeaderParser } from '../../../lambdas/core/logs/header.ts';
import { summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `docker compose logs` of an API (ISO time, level, logger) and PostgreSQL (its own time and `[pid]`), ten
 * minutes, with the database refusing connections at 10:06 and the API's stack traces under its errors.
 */
function composeLog(): string {
  const lines: string[] = ['Attaching to api-1, db-1'];
  for (let m = 0; m < 10; m++) {
    for (let s = 0; s < 60; s += 5) {
      lines.push(
        `api-1  | 2024-05-01T10:${pad(m)}:${pad(s)}.120Z INFO  [http] GET /orders/${m * 60 + s} 200 12ms`,
      );
      lines.push(
        `db-1   | 2024-05-01 10:${pad(m)}:${pad(s + 1)}.400 UTC [61] LOG:  checkpoint starting: time`,
      );
      for (let e = 0; m === 6 && s < 30 && e < 3; e++) {
        lines.push(
          `api-1  | 2024-05-01T10:${pad(m)}:${pad(s + 2 + e)}.000Z ERROR [db] connection refused to db:5432`,
        );
        lines.push('api-1  |     at Pool.connect (pool.js:41:9)');
        lines.push('api-1  |     at Orders.list (orders.js:12:5)');
      }
    }
  }
  return lines.join('\n');
}

describe('logs of several services in one stream', () => {
  it('reads each service of a docker compose log in its own layout, with the container as component', () => {
    const { summary } = summarizeLog(composeLog());
    expect(summary.header.description).toMatch(/^<service> \| <line> \(one layout per service; api-1: /);
    expect(summary.timeSpan).toMatchObject({
      start: '2024-05-01T10:00:00.120Z',
      end: '2024-05-01T10:09:56.400Z',
    });
    expect(summary.errors.total).toBe(18);
    expect(summary.topComponents.map((c) => [c.name, c.errors])).toEqual([
      ['api-1', 18],
      ['db-1', 0],
    ]);
    const texts = summary.topTemplates.map((t) => t.template);
    expect(texts).toContain('checkpoint starting: time');
    expect(texts.some((t) => t.includes('api-1') || t.includes(' | '))).toBe(false);
    // The stack frames under an error are part of it, not events of their own.
    expect(texts.some((t) => t.startsWith('at '))).toBe(false);
    expect(summary.incidents.map((i) => [i.start, i.end, i.errors])).toEqual([
      ['2024-05-01T10:06:02.000Z', '2024-05-01T10:06:29.000Z', 18],
    ]);
  });

  it("reads the HTTP fields of a service that writes JSON lines, and quotes its errors' fields", () => {
    const lines = ['Attaching to api-1, db-1'];
    for (let i = 0; i < 60; i++) {
      const failed = i >= 40 && i < 50;
      const record = {
        time: `2024-05-01T10:${pad(i)}:00.000Z`,
        level: failed ? 'error' : 'info',
        msg: failed ? 'request failed' : 'request completed',
        method: 'GET',
        path: `/api/orders/${i}`,
        status: failed ? 502 : 200,
        latency_ms: failed ? 3000 : 20 + i,
      };
      lines.push(`api-1  | ${JSON.stringify(record)}`);
      lines.push(`db-1   | 2024-05-01 10:${pad(i)}:01.400 UTC [61] LOG:  checkpoint starting: time`);
    }
    const { summary } = summarizeLog(lines.join('\n'));
    expect(summary.http?.requests).toBe(60);
    expect(summary.http?.statusClasses).toEqual({ '2xx': 50, '5xx': 10 });
    expect(summary.http?.endpoints.map((e) => e.endpoint)).toEqual(['GET /api/orders/{id}']);
    expect(summary.http?.latencyMs?.max).toBeGreaterThan(2900);
    expect(summary.firstError?.text).toBe('request failed · status=502 method=GET path=/api/orders/40');
    expect(summary.templates.total).toBe(4);
  });

  it('reads the pod and container of `kubectl logs --prefix`', () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      const t = `2024-05-01T10:00:${pad(i)}Z`;
      lines.push(`[pod/web-7d9c8b7f5-x2k4p/app] ${t} level=info msg="served /cart in ${i} ms"`);
      lines.push(
        `[pod/web-7d9c8b7f5-x2k4p/envoy] [${t.replace('T', ' ').replace('Z', '.000')}][14][info][upstream] cds: add 3 clusters`,
      );
    }
    const { summary } = summarizeLog(lines.join('\n'));
    expect(summary.topComponents.map((c) => c.name)).toEqual([
      'web-7d9c8b7f5-x2k4p/app',
      'web-7d9c8b7f5-x2k4p/envoy',
    ]);
    expect(summary.timeSpan?.end).toBe('2024-05-01T10:00:39.000Z');
  });

  it('leaves logs whose columns are separated by a bare pipe, and logs with few prefixed lines, to the usual layouts', () => {
    const piped = Array.from(
      { length: 20 },
      (_, i) => `20171223-22:15:${pad(i)}:606|Step_LSC|30002312|onStandStepChanged ${3579 + i}`,
    );
    expect(createHeaderParser(piped).info.description).not.toContain('<service>');
    const few = Array.from({ length: 20 }, (_, i) =>
      i % 3 === 0 ? `web | step ${i}` : `2024-05-01 10:00:${pad(i)} INFO step ${i}`,
    );
    expect(createHeaderParser(few).info.description).not.toContain('<service>');
  });
});
