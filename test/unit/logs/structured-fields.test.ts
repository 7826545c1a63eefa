import { describe, expect, it } from 'vitest';
import { summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';

/** A small nginx/app style JSON-lines log: access lines with a client address, a few 503s, one app error. */
function appLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) {
    const failed = i >= 20 && i < 24;
    lines.push(
      JSON.stringify({
        '@timestamp': `2024-03-10T12:00:${String(i * 2).padStart(2, '0')}Z`,
        level: failed ? 'error' : 'info',
        logger: 'nginx.access',
        host: `web-0${(i % 3) + 1}`,
        msg: 'request completed',
        method: failed ? 'POST' : 'GET',
        path: failed ? '/api/checkout' : '/healthz',
        status: failed ? 503 : 200,
        request_time: 0.1,
        remote_addr: `10.0.${i % 5}.${i % 7}`,
        trace_id: `t${i}`,
      }),
    );
  }
  lines.push(
    JSON.stringify({
      '@timestamp': '2024-03-10T12:01:00Z',
      level: 'error',
      logger: 'app.checkout',
      host: 'app-01',
      msg: 'upstream payments-svc connection refused',
      error: 'ECONNREFUSED 10.1.2.3:8443',
      user: 'alice@example.com',
      trace_id: 'dfcfcdd6affa905b',
    }),
  );
  return lines.join('\n');
}

describe('redaction of the fields of structured lines', () => {
  it('counts and pseudonymises an address in a JSON field beside the message', () => {
    const { summary } = summarizeLog(appLog());
    // 30 distinct remote_addr values (i % 5, i % 7 differ for i < 35) and the address in the error.
    expect(summary.redactions.byKind.ipv4).toBe(31);
    expect(summary.redactions.distinct.ip).toBe(31);
    expect(summary.redactions.byKind.email).toBe(1);
    // Host fields are counted once, as before.
    expect(summary.redactions.byKind.hostname).toBe(31);
    expect(JSON.stringify(summary)).not.toContain('10.1.2.3');
  });

  it('counts a finding in the message once, though the message is inside the line', () => {
    const raw = [
      '{"level":"info","msg":"login by bob@example.com from 10.9.9.9","remote_addr":"10.9.9.9"}',
      '{"level":"info","msg":"login by eve@example.com from 10.9.9.8","remote_addr":"10.9.9.8"}',
    ].join('\n');
    const { summary } = summarizeLog(raw);
    expect(summary.redactions.byKind.email).toBe(2);
    expect(summary.redactions.byKind.ipv4).toBe(4);
    expect(summary.redactions.distinct.ip).toBe(2);
  });

  it('counts a logfmt host field once', () => {
    const raw = Array.from(
      { length: 5 },
      (_, i) => `level=info host=web-0${i % 2} msg="request done" client=10.0.0.${i}`,
    ).join('\n');
    const { summary } = summarizeLog(raw);
    expect(summary.header.kind).toBe('logfmt');
    expect(summary.redactions.byKind.hostname).toBe(5);
    expect(summary.redactions.byKind.ipv4).toBe(5);
    expect(summary.redactions.distinct).toEqual({ ip: 5, host: 2 });
  });
});
