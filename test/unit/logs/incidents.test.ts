import { describe, expect, it } from 'vitest';
import { summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';
import { incidentText } from './incident-fixtures.ts';

/** Steady traffic with two separate error surges: a small one at 10:40, a large one at 10:10. */
function twoSurges(): string {
  const lines: string[] = [];
  const at = (m: number, s: number) =>
    `2024-05-01 10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  for (let m = 0; m < 60; m++) {
    for (let s = 0; s < 60; s += 10) lines.push(`${at(m, s)} INFO api: request served in ${s + 5} ms`);
    if (m >= 10 && m < 13) {
      for (let s = 1; s < 60; s += 3) lines.push(`${at(m, s)} ERROR db: query failed: connection reset`);
    }
    if (m === 40)
      for (let s = 2; s < 60; s += 6) lines.push(`${at(m, s)} ERROR cache: eviction storm on shard 3`);
  }
  lines.sort();
  return lines.join('\n');
}

describe('incidents', () => {
  it('reports two bursts that trickling errors join as one incident, not twice over the same errors', () => {
    const lines: string[] = [];
    const at = (m: number, s: number) =>
      `2024-05-01 10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
    for (let m = 0; m < 60; m++) {
      for (let s = 0; s < 60; s += 10) lines.push(`${at(m, s)} INFO api: request served in ${s + 5} ms`);
      // Bursts at 10:20 and 10:24, one error a minute between them.
      const errors = m === 20 || m === 24 ? 10 : m > 20 && m < 24 ? 1 : 0;
      for (let e = 0; e < errors; e++) lines.push(`${at(m, 30 + e)} ERROR payment gateway refused card ${e}`);
    }
    lines.sort();
    const { summary } = summarizeLog(lines.join('\n'));
    expect(summary.incidents.map((i) => [i.start, i.end, i.errors])).toEqual([
      ['2024-05-01T10:20:30.000Z', '2024-05-01T10:24:39.000Z', 23],
    ]);
    expect(summary.headline).not.toContain('largest of');
    // Its lines are those from 10:20:30 to 10:24:39 (25 served requests and the 23 errors), not the 53 of
    // the five whole minutes.
    expect(summary.incidents[0]?.lines).toBe(48);
  });

  it('lists separate surges in time order, each with its own errors and templates', () => {
    const { summary } = summarizeLog(twoSurges());
    expect(summary.incidents.map((i) => [i.start, i.end, i.errors])).toEqual([
      ['2024-05-01T10:10:01.000Z', '2024-05-01T10:12:58.000Z', 60],
      ['2024-05-01T10:40:02.000Z', '2024-05-01T10:40:56.000Z', 10],
    ]);
    expect(summary.incidents[0]?.templates.map((t) => t.template)).toEqual([
      'query failed: connection reset',
    ]);
    expect(summary.incidents[0]?.components).toEqual([
      { name: 'db', lines: 60 },
      { name: 'api', lines: 18 },
    ]);
    expect(summary.incidents[1]?.templates[0]).toMatchObject({
      template: 'eviction storm on shard <NUM>',
      errors: 10,
      new: true,
    });
    expect(summary.incidents[0]?.peak).toMatchObject({ count: 20, windowSeconds: 60, perMinute: 20 });
    expect(summary.incidents[0]?.usual).toBe(0);
  });

  it('tells an error burst inside a batch surge by the errors alone, not the surge grown over trickling errors', () => {
    const lines: string[] = [];
    const at = (m: number, s: number) =>
      `2024-05-01 10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
    for (let m = 0; m < 60; m++) {
      for (let s = 0; s < 60; s += 10) lines.push(`${at(m, s)} INFO api: request served in ${s + 5} ms`);
      // A nightly export 10:15–10:27, an error now and then all along, and a burst at 10:20–10:21.
      if (m >= 15 && m <= 27)
        for (let s = 1; s < 60; s += 2) lines.push(`${at(m, s)} INFO export: wrote batch ${s}`);
      const errors = m === 20 || m === 21 ? 10 : m % 3 === 0 ? 1 : 0;
      for (let e = 0; e < errors; e++) lines.push(`${at(m, 40 + e)} ERROR payment gateway refused card ${e}`);
    }
    lines.sort();
    const { summary } = summarizeLog(lines.join('\n'));
    // The export's 13 minutes, taken as the incident's frame, used to grow over every minute with an error.
    expect(summary.incidents.map((i) => [i.kind, i.start, i.end, i.errors])).toEqual([
      ['errors', '2024-05-01T10:20:40.000Z', '2024-05-01T10:21:49.000Z', 20],
    ]);
  });

  it('finds no incident in steady traffic', () => {
    const lines = Array.from(
      { length: 600 },
      (_, i) =>
        `2024-05-01 10:${String(Math.floor(i / 10)).padStart(2, '0')}:${String((i % 10) * 6).padStart(2, '0')} INFO served ${i}`,
    );
    expect(summarizeLog(lines.join('\n')).summary.incidents).toEqual([]);
  });

  it('tells a cascading failure in the order it happened, with the first error inside', () => {
    const { summary } = summarizeLog(incidentText('java-cascade'));
    expect(summary.incidents).toHaveLength(1);
    const incident = summary.incidents[0];
    expect(incident?.start).toMatch(/^2024-03-07T14:12:/);
    expect(incident?.end).toMatch(/^2024-03-07T14:1[89]:/);
    expect(incident?.firstError?.text).toMatch(/^Failed to place order \d+ for user u\d+$/);
    expect(incident?.firstError?.line).toBe(summary.firstError?.line);
    // pool exhausted → orders fail → checkout times out → circuit opens
    const order = incident?.templates.map((t) => t.template) ?? [];
    const at = (text: string) => order.findIndex((t) => t.includes(text));
    expect(at('Pool stats')).toBeGreaterThanOrEqual(0);
    expect(at('Pool stats')).toBeLessThan(at('Failed to place order'));
    expect(at('Failed to place order')).toBeLessThan(at('Checkout failed'));
    expect(at('Checkout failed')).toBeLessThan(at('Circuit breaker'));
    const firstSeen = incident?.templates.map((t) => t.firstSeen) ?? [];
    expect(firstSeen).toEqual([...firstSeen].sort());
    expect(incident?.components.map((c) => c.name)).toContain('com.shop.gateway.CheckoutController');
  });

  it('counts HTTP 5xx responses as errors and names status and endpoint', () => {
    const { summary } = summarizeLog(incidentText('nginx-5xx-spike'));
    expect(summary.incidents).toHaveLength(1);
    const incident = summary.incidents[0];
    expect(incident?.kind).toBe('errors');
    expect(incident?.start).toMatch(/^2024-03-07T10:09:/);
    expect(incident?.end).toMatch(/^2024-03-07T10:1[12]:/);
    expect(incident?.http5xx.map((e) => e.name)).toEqual(
      expect.arrayContaining(['503 POST /api/checkout', '503 GET /api/orders/{id}']),
    );
    expect(summary.errors).toEqual({ total: 49, inferred: 49 });
  });

  it('names the hosts of an incident in a syslog mix, pseudonymised', () => {
    const { summary } = summarizeLog(incidentText('k8s-syslog-oom'));
    const incident = summary.incidents[0];
    expect(incident?.start).toMatch(/T09:2[2-3]:/);
    expect(incident?.hosts[0]?.name).toMatch(/^<HOST#\d+>$/);
    expect(incident?.templates.some((t) => t.template.startsWith('Out of memory: Killed process'))).toBe(
      true,
    );
    expect(JSON.stringify(summary)).not.toContain('node-b');
  });
});
