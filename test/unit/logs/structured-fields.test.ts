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

describe('samples and first errors of structured lines', () => {
  it('quote the error, status, method, path and trace id beside the message, errors first', () => {
    const { templates } = summarizeLog(appLog());
    const refused = templates.find((t) => t.template === 'upstream payments-svc connection refused');
    expect(refused?.samples[0]?.text).toBe(
      'upstream payments-svc connection refused · error="ECONNREFUSED <IP#31>:8443" trace_id=dfcfcdd6affa905b',
    );
    const access = templates.find((t) => t.template === 'request completed');
    expect(access?.samples[0]?.text).toBe(
      'request completed · status=200 method=GET path=/healthz trace_id=t0',
    );
  });

  it('name the first error by what failed, not only by its message', () => {
    const { summary } = summarizeLog(appLog());
    expect(summary.firstError?.text).toBe(
      'request completed · status=503 method=POST path=/api/checkout trace_id=t20',
    );
  });

  it("name an incident's first error by what failed", () => {
    // Forty quiet minutes of access lines, then two minutes in which checkout answers 503.
    const lines = Array.from({ length: 1200 }, (_, i) => {
      const failed = i >= 600 && i < 660 && i % 3 === 0;
      const at = new Date(Date.UTC(2024, 2, 10, 12, 0, 0) + i * 2000).toISOString();
      return JSON.stringify({
        ts: at,
        level: failed ? 'error' : 'info',
        msg: 'request completed',
        method: failed ? 'POST' : 'GET',
        path: failed ? '/api/checkout' : '/healthz',
        status: failed ? 503 : 200,
        request_id: `r${i}`,
      });
    });
    const { summary } = summarizeLog(lines.join('\n'));
    expect(summary.incidents[0]?.firstError?.text).toBe(
      'request completed · status=503 method=POST path=/api/checkout request_id=r600',
    );
  });

  it('redact quoted fields like the message: secrets, e-mails, addresses with the same pseudonyms', () => {
    const raw = [
      '{"level":"info","msg":"client connected","remote_addr":"10.7.7.7"}',
      '{"level":"error","msg":"login failed","error":"bad credentials for bob@example.com password=hunter2 from 10.7.7.7","request_id":"r-1"}',
    ].join('\n');
    const { summary, templates } = summarizeLog(raw);
    const text = summary.firstError?.text ?? '';
    expect(text).toBe(
      'login failed · error="bad credentials for <EMAIL> password=<SECRET> from <IP#1>" request_id=r-1',
    );
    expect(JSON.stringify(templates)).not.toMatch(/hunter2|bob@|10\.7\.7\.7/);
    // Counted once, with the line: quoting the fields again adds nothing.
    expect(summary.redactions.byKind).toMatchObject({ email: 1, secret: 1, ipv4: 2 });
  });

  it('keep mining templates from the message alone', () => {
    const { summary } = summarizeLog(appLog());
    expect(summary.templates.total).toBe(2);
    expect(summary.topTemplates.map((t) => t.template)).toEqual([
      'request completed',
      'upstream payments-svc connection refused',
    ]);
  });

  it('quote logfmt fields the same way, and bound what they add', () => {
    const stack = `Error: boom ${'at handler (/srv/app.js:10:5) '.repeat(40)}`;
    const raw = [
      `ts=2024-03-10T12:00:00Z level=error msg="charge failed" status=502 stack="${stack}" req_id=abc123`,
      'ts=2024-03-10T12:00:01Z level=info msg="charge ok" status=200 req_id=abc124',
    ].join('\n');
    const { summary } = summarizeLog(raw);
    const text = summary.firstError?.text ?? '';
    expect(text.startsWith('charge failed · stack="Error: boom at handler')).toBe(true);
    expect(text).toContain('…" status=502 req_id=abc123');
    expect(text.length).toBeLessThan('charge failed · '.length + 301);
  });
});

describe('error templates of requests a few of which failed', () => {
  it('say how many of the lines are errors and why, not the level most lines have', async () => {
    const { renderSummaryText } = await import('../../../lambdas/core/logs/summary-text.ts');
    const { summary } = summarizeLog(appLog());
    const access = summary.errorTemplates.find((t) => t.template === 'request completed');
    // The level of most of its lines stays as it was (backward compatible); `errors` says the rest.
    expect(access).toMatchObject({ count: 30, level: 'INFO' });
    expect(access?.errors).toEqual({ lines: 4, level: 4, http5xx: 4, wording: 0 });
    const text = renderSummaryText(summary);
    expect(text).toMatch(/\n {2}ERROR +4 of 30 {2}T\d+ {2}request completed {2}\(level ERROR, HTTP 5xx\)\n/);
    expect(text).not.toMatch(/\n {2}INFO +30 +T\d+ +request completed/);
    expect(text).toMatch(/\n {2}ERROR +1 {2}T\d+ {2}upstream payments-svc connection refused\n/);
  });

  it('list a template whose only errors are HTTP 5xx answers logged at INFO', async () => {
    const { renderSummaryText } = await import('../../../lambdas/core/logs/summary-text.ts');
    const raw = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        level: 'info',
        msg: 'request completed',
        method: 'GET',
        path: '/x',
        status: i < 3 ? 502 : 200,
      }),
    ).join('\n');
    const { summary } = summarizeLog(raw);
    expect(summary.errors.total).toBe(3);
    expect(summary.errorTemplates[0]?.errors).toEqual({ lines: 3, level: 0, http5xx: 3, wording: 0 });
    expect(renderSummaryText(summary)).toMatch(
      /\n {2}5xx +3 of 10 {2}T1 {2}request completed {2}\(HTTP 5xx\)\n/,
    );
  });
});
