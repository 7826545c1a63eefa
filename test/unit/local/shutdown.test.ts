import { describe, expect, it } from 'vitest';
import { runShutdown } from '../../../local/shutdown.ts';

describe('runShutdown', () => {
  it('stops the steps last-started first', async () => {
    const order: string[] = [];
    const step = (name: string) => ({ name, run: async () => void order.push(name) });
    await runShutdown([step('database'), step('server'), step('workers')], () => {});
    expect(order).toEqual(['workers', 'server', 'database']);
  });

  it('names a step that overruns its deadline and goes on to the next', async () => {
    const errors: string[] = [];
    const order: string[] = [];
    await runShutdown(
      [
        { name: 'the database', run: async () => void order.push('database') },
        { name: 'the HTTP server', run: () => new Promise<void>(() => {}), deadlineMs: 20 },
      ],
      (error) => errors.push(error instanceof Error ? error.message : String(error)),
    );
    expect(errors).toEqual(['Shutdown: the HTTP server did not stop within 0.02 s; going on without it']);
    expect(order).toEqual(['database']);
  });

  it('reports a step that fails and still runs the others', async () => {
    const errors: unknown[] = [];
    let stopped = false;
    const failure = new Error('pool already ended');
    await runShutdown(
      [
        {
          name: 'the database',
          run: async () => {
            stopped = true;
          },
        },
        { name: 'the pool', run: () => Promise.reject(failure) },
      ],
      (error) => errors.push(error),
    );
    expect(errors).toEqual([failure]);
    expect(stopped).toBe(true);
  });
});
