import { describe, expect, it } from 'vitest';
import { describeError } from '../../lambdas/core/errors.ts';
import { fullJitterDelaySeconds, MAX_RETRY_DELAY_SECONDS } from '../../lambdas/core/jobs/backoff.ts';
import { isFinal, parseJobMessage } from '../../lambdas/core/jobs/job.ts';

const JOB_ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

describe('job statuses', () => {
  it('counts SUCCEEDED and FAILED as final, QUEUED and PROCESSING as live', () => {
    expect(isFinal('SUCCEEDED')).toBe(true);
    expect(isFinal('FAILED')).toBe(true);
    expect(isFinal('QUEUED')).toBe(false);
    expect(isFinal('PROCESSING')).toBe(false);
  });
});

describe('job messages', () => {
  it('parses a well-formed message', () => {
    expect(parseJobMessage(JSON.stringify({ jobId: JOB_ID, kind: 'triage-ticket', traceId: 't' }))).toEqual({
      ok: true,
      message: { jobId: JOB_ID, kind: 'triage-ticket', traceId: 't' },
    });
  });

  it('names the problem of a malformed message', () => {
    expect(parseJobMessage('{')).toEqual({ ok: false, problem: 'body is not JSON' });
    const parsed = parseJobMessage(JSON.stringify({ jobId: 'x', kind: 'triage-ticket' }));
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain('jobId');
  });
});

describe('retry backoff with full jitter', () => {
  const policy = { baseSeconds: 2, maxSeconds: 60 };

  it('doubles the cap with each failed attempt', () => {
    const highest = (attempt: number) => fullJitterDelaySeconds(attempt, policy, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(highest)).toEqual([2, 4, 8, 16, 32, 60]);
  });

  it('draws anywhere from zero up to the cap', () => {
    expect(fullJitterDelaySeconds(4, policy, () => 0)).toBe(0);
    expect(fullJitterDelaySeconds(4, policy, () => 0.5)).toBe(8);
  });

  it('never exceeds what SQS accepts, even for absurd inputs', () => {
    expect(fullJitterDelaySeconds(500, { baseSeconds: 10, maxSeconds: 10 ** 9 }, () => 0.999999)).toBe(
      MAX_RETRY_DELAY_SECONDS,
    );
  });
});

describe('error descriptions', () => {
  it('are one bounded line', () => {
    expect(describeError(new Error('line one\n  line two'))).toBe('line one line two');
    expect(describeError('x'.repeat(5000))).toHaveLength(1000);
    expect(describeError({ weird: true })).toBe('unknown error');
  });
});
