import { describe, expect, it } from 'vitest';
import { describeError } from '../../lambdas/core/jobs/accept-job.ts';
import { fullJitterDelaySeconds, MAX_RETRY_DELAY_SECONDS } from '../../lambdas/core/jobs/backoff.ts';
import { canTransition, isFinal, parseJobMessage, validateNewJob } from '../../lambdas/core/jobs/job.ts';

const JOB_ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

describe('job status machine', () => {
  it('moves QUEUED → PROCESSING → SUCCEEDED | FAILED and never leaves a final status', () => {
    expect(canTransition('QUEUED', 'PROCESSING')).toBe(true);
    expect(canTransition('PROCESSING', 'SUCCEEDED')).toBe(true);
    expect(canTransition('PROCESSING', 'FAILED')).toBe(true);
    expect(canTransition('QUEUED', 'SUCCEEDED')).toBe(false);
    for (const final of ['SUCCEEDED', 'FAILED'] as const) {
      expect(isFinal(final)).toBe(true);
      for (const next of ['QUEUED', 'PROCESSING', 'SUCCEEDED', 'FAILED'] as const) {
        expect(canTransition(final, next)).toBe(false);
      }
    }
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

describe('new job validation', () => {
  it('names the field that is wrong', () => {
    expect(() => validateNewJob({ kind: '' })).toThrow(/^kind:/);
    expect(() => validateNewJob({ kind: 'summarize-log', ownerId: '42' })).toThrow(/^ownerId:/);
    expect(() => validateNewJob({ kind: 'summarize-log', traceId: 'x'.repeat(201) })).toThrow(/^traceId:/);
    expect(validateNewJob({ kind: 'summarize-log', subjectId: JOB_ID })).toEqual({
      kind: 'summarize-log',
      subjectId: JOB_ID,
    });
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
