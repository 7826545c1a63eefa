import { describe, expect, it } from 'vitest';
import { startEventSourceMapping } from '../../../local/event-source-mapping.ts';

type Line = [level: 'info' | 'warn' | 'error', message: string];

describe('local event source mapping', () => {
  it('reports a polling outage once as an error and its end as information, not as a warning', async () => {
    const lines: Line[] = [];
    let calls = 0;
    let recovered: () => void = () => {};
    const working = new Promise<void>((resolve) => {
      recovered = resolve;
    });
    const mapping = startEventSourceMapping({
      queue: {
        receive: async () => {
          calls += 1;
          if (calls <= 3) throw new Error('connection refused');
          recovered();
          return [];
        },
        deleteMessage: async () => true,
      },
      definition: { name: 'jobs', visibilityTimeoutSeconds: 30 },
      handler: async () => ({ batchItemFailures: [] }),
      pollIntervalMs: 1,
      logger: {
        info: (message) => lines.push(['info', message]),
        warn: (message) => lines.push(['warn', message]),
        error: (message) => lines.push(['error', message]),
      },
    });
    await working;
    await mapping.stop();
    expect(lines).toEqual([
      ['error', 'Polling the local queue failed; retrying with backoff'],
      ['info', 'Polling the local queue works again'],
    ]);
  });
});
