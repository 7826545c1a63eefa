import { describe, expect, it } from 'vitest';
import { summarizeLog } from '../../../lambdas/core/logs/summarize-log.ts';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
const CALLS = [
  ['s3.amazonaws.com', 'GetObject'],
  ['s3.amazonaws.com', 'PutObject'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['ec2.amazonaws.com', 'RunInstances'],
];

/** CloudTrail records as JSON lines: no message key; the event is named by `eventSource` and `eventName`. */
function cloudTrail(records = 24): string {
  const lines: string[] = [];
  for (let i = 0; i < records; i++) {
    const [source, name] = CALLS[i % CALLS.length] as string[];
    const user = USERS[i % USERS.length] as string;
    lines.push(
      JSON.stringify({
        eventVersion: '1.08',
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/${user}`, userName: user },
        eventTime: `2026-05-01T10:00:${String(i * 2).padStart(2, '0')}Z`,
        eventSource: source,
        eventName: name,
        awsRegion: 'us-east-1',
        sourceIPAddress: `10.0.${i % 5}.${i + 1}`,
        requestID: `REQ${1000 + i}`,
      }),
    );
  }
  return lines.join('\n');
}

/** Traefik's JSON access log: an empty `msg`, the request in `RequestMethod`/`RequestPath`, the status in `DownstreamStatus`. */
function traefik(): string {
  const lines: string[] = [];
  for (let i = 0; i < 24; i++) {
    lines.push(
      JSON.stringify({
        ClientHost: `10.0.0.${i + 1}`,
        DownstreamStatus: i >= 10 && i < 14 ? 502 : 200,
        Duration: (i + 1) * 10_000_000,
        RequestMethod: i % 3 === 0 ? 'POST' : 'GET',
        RequestPath: `/api/items/${100 + i}`,
        RouterName: 'api@docker',
        level: 'info',
        msg: '',
        time: `2026-05-01T10:00:${String(i * 2).padStart(2, '0')}Z`,
      }),
    );
  }
  return lines.join('\n');
}

/** Audit records of one kind, each `outcome(i)` merged in: a failure on records 5, 6 and 7. */
function audit(outcome: (i: number) => Record<string, unknown>): string {
  const lines: string[] = [];
  for (let i = 0; i < 24; i++) {
    lines.push(
      JSON.stringify({
        published: `2026-05-01T10:00:${String(i * 2).padStart(2, '0')}Z`,
        eventType: i % 2 === 0 ? 'user.session.start' : 'user.session.end',
        actor: { alternateId: `${USERS[i % USERS.length]}@example.com` },
        ...outcome(i),
      }),
    );
  }
  return lines.join('\n');
}
const failing = (i: number): boolean => i >= 5 && i < 8;

describe('JSON records without a message key', () => {
  it('are named by the fields that name their event, not split per user', () => {
    const { summary, templates } = summarizeLog(cloudTrail());
    expect(summary.header.description).toContain('message from eventsource+eventname');
    expect(templates.map((t) => t.template).sort()).toEqual([
      '<HOST> DescribeInstances',
      '<HOST> GetObject',
      '<HOST> PutObject',
      '<HOST> RunInstances',
    ]);
    expect(JSON.stringify(templates.map((t) => t.template))).not.toMatch(/alice|bob|userName/i);
  });

  it('read a request stated field by field, its status under a key named for a status', () => {
    const { summary, templates } = summarizeLog(traefik());
    expect(summary.http?.statusClasses).toEqual({ '2xx': 20, '5xx': 4 });
    expect(summary.errors.total).toBe(4);
    expect(summary.http?.endpoints.map((e) => e.endpoint).sort()).toEqual([
      'GET /api/items/{id}',
      'POST /api/items/{id}',
    ]);
    expect(templates.length).toBeLessThanOrEqual(2);
  });

  it('leave a log whose records have a message as it was', () => {
    const withMessage = cloudTrail()
      .split('\n')
      .map((line, i) =>
        JSON.stringify({ ...JSON.parse(line), msg: `call ${i % 2 === 0 ? 'served' : 'queued'}` }),
      )
      .join('\n');
    const { summary, templates } = summarizeLog(withMessage);
    expect(summary.header.description).toBe('JSON lines (msg/level/time keys; time eventtime)');
    expect(templates.map((t) => t.template).sort()).toEqual(['call queued', 'call served']);
  });

  it('count an error code, a failed outcome or a 5xx status as errors, a blocked request as a warning', () => {
    const levels = (text: string) => summarizeLog(text).summary.levels.counts;
    const errorCode = (i: number) => (failing(i) ? { errorCode: 'AccessDenied' } : { errorCode: '' });
    expect(levels(audit(errorCode))).toEqual({ ERROR: 3, UNKNOWN: 21 });
    const outcome = (i: number) => ({
      outcome: { result: failing(i) ? 'FAILURE' : 'SUCCESS' },
      severity: 'INFO',
    });
    expect(levels(audit(outcome))).toEqual({ ERROR: 3, INFO: 21 });
    const blocked = (i: number) => ({ action: failing(i) ? 'BLOCK' : 'ALLOW' });
    expect(levels(audit(blocked))).toEqual({ WARN: 3, UNKNOWN: 21 });
    const status = (i: number) => ({ responseStatus: { code: failing(i) ? 503 : i === 9 ? 404 : 200 } });
    expect(levels(audit(status))).toEqual({ ERROR: 3, UNKNOWN: 21 });
    expect(summarizeLog(audit(errorCode)).summary.errors.total).toBe(3);
  });

  it('read a unit-less duration of whole numbers around 1e6 and more as nanoseconds (Traefik)', () => {
    const { summary } = summarizeLog(traefik());
    // 10 ms to 240 ms, one request every 10 ms.
    expect(summary.http?.latencyMs).toMatchObject({ count: 24, max: 240 });
    expect(summary.http?.latencyMs?.p50).toBeGreaterThan(100);
    expect(summary.http?.latencyMs?.p50).toBeLessThan(140);
  });

  it('read durations written as text, with or without a unit (logfmt, quoted numbers)', () => {
    const logfmt: string[] = [];
    const json: string[] = [];
    for (let i = 0; i < 20; i++) {
      const path = `/api/items/${i}`;
      logfmt.push(
        `time=2026-05-01T10:00:${String(i).padStart(2, '0')}Z level=info method=GET path=${path} status=200 duration=${i + 1}ms`,
      );
      json.push(
        JSON.stringify({
          time_local: `2026-05-01T10:00:${String(i).padStart(2, '0')}Z`,
          request_method: 'GET',
          uri: path,
          status: '200',
          request_time: ((i + 1) / 1000).toFixed(3),
        }),
      );
    }
    for (const text of [logfmt, json]) {
      const { summary } = summarizeLog(text.join('\n'));
      // 1 to 20 ms, however written.
      expect(summary.http?.latencyMs).toMatchObject({ count: 20, max: 20 });
    }
  });
});
