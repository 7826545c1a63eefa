import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../../lambdas/adapters/queue/local-queue.ts';
import { type SqsEventHandler, startEventSourceMapping } from '../../../local/event-source-mapping.ts';

type Line = [level: 'info' | 'warn' | 'error', message: string];

/** Runs one batch of one message through `handler`; returns the mapping's log lines and the deleted handles. */
async function oneBatch(handler: SqsEventHandler): Promise<{ lines: Line[]; deleted: string[] }> {
  const lines: Line[] = [];
  const deleted: string[] = [];
  let invoked: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    invoked = resolve;
  });
  const message: ReceivedMessage = {
    messageId: 'm1',
    queueName: 'jobs',
    body: '{}',
    attributes: {},
    receiveCount: 5,
    sentAt: new Date(),
    firstReceivedAt: new Date(),
    deadLetteredFrom: null,
    receiptHandle: 'r1',
  };
  const waiting = [message];
  const mapping = startEventSourceMapping({
    queue: {
      receive: async () => waiting.splice(0),
      deleteMessage: async (_queue, handle) => Boolean(deleted.push(handle)),
    },
    definition: { name: 'jobs', visibilityTimeoutSeconds: 30 },
    handler: async (event, context) => {
      try {
        return await handler(event, context);
      } finally {
        invoked();
      }
    },
    pollIntervalMs: 1,
    logger: {
      info: (text) => lines.push(['info', text]),
      warn: (text) => lines.push(['warn', text]),
      error: (text) => lines.push(['error', text]),
    },
  });
  await done;
  await mapping.stop();
  return { lines, deleted };
}

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

  it('adds no line of its own when every record of a batch failed: the worker logged each one and what happens to it next', async () => {
    // As the job worker answers: Powertools throws FullBatchFailureError when every record failed. The
    // worker's own ERROR said the message goes to the dead-letter queue; a WARN "the whole batch will be
    // delivered again" contradicted it (QA2 finding 9).
    const { lines, deleted } = await oneBatch((event, context) =>
      processPartialResponse(
        event,
        async () => {
          throw new Error('job failed');
        },
        new BatchProcessor(EventType.SQS),
        { context },
      ),
    );
    expect(lines).toEqual([]);
    expect(deleted).toEqual([]);
  });

  it('warns once when a handler crashes outright, without promising a redelivery past the last receive', async () => {
    const { lines, deleted } = await oneBatch(async () => {
      throw new Error('could not start');
    });
    expect(lines).toEqual([
      [
        'warn',
        'Handler failed; no record of the batch was deleted: each is received again later, or goes to the dead-letter queue after its last receive',
      ],
    ]);
    expect(deleted).toEqual([]);
  });
});
