import { describe, expect, it } from 'vitest';
import { LlmError } from '../../../lambdas/core/llm/ports.ts';
import {
  parseRetryAfter,
  type RetryClock,
  retryDelayMs,
  withRetry,
} from '../../../lambdas/core/llm/retry.ts';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, budgetMs: 10_000 };

/** A clock that only moves when the code under test sleeps, recording each wait. */
function fakeClock(random = 0.999_999): RetryClock & { waits: number[] } {
  let now = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    random: () => random,
  };
}

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

describe('retry delays', () => {
  it('doubles the cap of the jittered wait with each failed attempt, up to the maximum', () => {
    const top = () => 0.999_999;
    expect(retryDelayMs(1, policy, null, top)).toBe(100);
    expect(retryDelayMs(2, policy, null, top)).toBe(200);
    expect(retryDelayMs(3, policy, null, top)).toBe(400);
    expect(retryDelayMs(6, policy, null, top)).toBe(1000);
  });

  it('draws the wait uniformly below the cap (full jitter)', () => {
    expect(retryDelayMs(3, policy, null, () => 0)).toBe(0);
    expect(retryDelayMs(3, policy, null, () => 0.5)).toBe(200);
  });

  it('never waits less than the Retry-After the provider asked for', () => {
    expect(retryDelayMs(1, policy, 2500, () => 0.5)).toBe(2500);
    expect(retryDelayMs(4, policy, 10, () => 0.999_999)).toBe(800);
  });
});

describe('Retry-After parsing', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '3' }))).toBe(250);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5000);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(headers({}))).toBeNull();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});

describe('withRetry', () => {
  it('retries rate limits and server errors, then returns the answer', async () => {
    const clock = fakeClock();
    const failures = [
      new LlmError('rate_limited', 'slow down', { status: 429, retryAfterMs: 700 }),
      new LlmError('server', 'oops', { status: 502 }),
    ];
    const result = await withRetry(
      async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      },
      policy,
      clock,
    );
    expect(result).toBe('ok');
    expect(clock.waits).toEqual([700, 200]);
  });

  it('does not retry an error retrying cannot fix, such as a bad request', async () => {
    const clock = fakeClock();
    let calls = 0;
    const failure = await withRetry(
      async () => {
        calls += 1;
        throw new LlmError('client', 'bad request', { status: 400 });
      },
      policy,
      clock,
    ).catch((error: unknown) => error);
    expect(calls).toBe(1);
    expect(failure).toBeInstanceOf(LlmError);
    expect((failure as LlmError).attempts).toBe(1);
  });

  it('gives up after the last attempt and reports how many were made', async () => {
    const clock = fakeClock();
    const failure = await withRetry(
      async () => {
        throw new LlmError('timeout', 'no answer');
      },
      policy,
      clock,
    ).catch((error: unknown) => error);
    expect((failure as LlmError).kind).toBe('timeout');
    expect((failure as LlmError).attempts).toBe(4);
    expect(clock.waits).toHaveLength(3);
  });

  it('gives up at once when the provider asks to wait past the deadline', async () => {
    const clock = fakeClock();
    let calls = 0;
    const failure = await withRetry(
      async () => {
        calls += 1;
        throw new LlmError('rate_limited', 'come back in a minute', { status: 429, retryAfterMs: 60_000 });
      },
      policy,
      clock,
    ).catch((error: unknown) => error);
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
    expect((failure as LlmError).retryAfterMs).toBe(60_000);
  });

  it('passes each attempt the time left before the deadline', async () => {
    const clock = fakeClock();
    const remaining: number[] = [];
    await withRetry(
      async (n, left) => {
        remaining.push(left);
        if (n < 2) throw new LlmError('server', 'again', { status: 500, retryAfterMs: 1000 });
        return n;
      },
      policy,
      clock,
    );
    expect(remaining).toEqual([10_000, 9_000]);
  });
});
