import { describe, expect, it } from 'vitest';
import { retryingUnavailable } from './retry-unavailable.ts';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const unavailable = () =>
  json({
    data: null,
    errors: [{ message: 'The database cannot be reached right now.', errorType: 'ServiceUnavailable' }],
  });

function scripted(answers: Array<() => Response>) {
  let calls = 0;
  const fetchImpl = (async () => {
    const answer = answers[Math.min(calls, answers.length - 1)];
    calls += 1;
    if (!answer) throw new Error('no answer scripted');
    return answer();
  }) as typeof fetch;
  return { fetchImpl, calls: () => calls };
}

describe('retrying ServiceUnavailable answers (a paused database resuming)', () => {
  it('asks again after a wait and hands over the answer that came once the database was back', async () => {
    const api = scripted([unavailable, unavailable, () => json({ data: { me: { id: 'u1' } } })]);
    const waits: number[] = [];
    const fetchRetrying = retryingUnavailable(api.fetchImpl, {
      delaysMs: [10, 20, 30],
      sleep: async (ms) => void waits.push(ms),
    });
    const response = await fetchRetrying('https://api.example/graphql', { method: 'POST' });
    expect(await response.json()).toEqual({ data: { me: { id: 'u1' } } });
    expect(waits).toEqual([10, 20]);
    expect(api.calls()).toBe(3);
  });

  it('gives up after its last wait and returns the ServiceUnavailable answer for the page to show', async () => {
    const api = scripted([unavailable]);
    const fetchRetrying = retryingUnavailable(api.fetchImpl, { delaysMs: [1, 1], sleep: async () => {} });
    const body = await (await fetchRetrying('https://api.example/graphql')).json();
    expect(body.errors[0].errorType).toBe('ServiceUnavailable');
    expect(api.calls()).toBe(3);
  });

  it('does not retry other errors, nor HTTP failures', async () => {
    for (const answer of [
      () => json({ errors: [{ message: 'bad', errorType: 'ValidationError' }] }),
      () => json({ errors: [{ message: 'no', errorType: 'ServiceUnavailable' }] }, 401),
    ]) {
      const api = scripted([answer]);
      const fetchRetrying = retryingUnavailable(api.fetchImpl, { delaysMs: [1], sleep: async () => {} });
      await fetchRetrying('https://api.example/graphql');
      expect(api.calls()).toBe(1);
    }
  });
});
