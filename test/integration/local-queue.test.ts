import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../lambdas/adapters/db/client.ts';
import { LocalQueue, type LocalQueueDefinition } from '../../lambdas/adapters/queue/local-queue.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { startEventSourceMapping } from '../../local/event-source-mapping.ts';
import { FakeClock } from '../support/clock.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { until } from '../support/eventually.ts';

const silent = new Logger({ logLevel: 'SILENT' });

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.close());

let queueCounter = 0;
/** A queue of its own on a clock of its own: visibility timeouts and delays pass when the test says so. */
function freshQueue(options: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number } = {}) {
  queueCounter += 1;
  const definition: LocalQueueDefinition = {
    name: `work-${queueCounter}`,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 1,
    deadLetterQueue: { name: `work-${queueCounter}-dlq`, maxReceiveCount: options.maxReceiveCount ?? 3 },
  };
  const clock = new FakeClock(Date.now());
  return { definition, clock, queue: new LocalQueue(database.sql, [definition], { clock }) };
}

describe('local queue', () => {
  it('hides a received message until its visibility timeout passes, then delivers it again', async () => {
    const { queue, definition, clock } = freshQueue({ visibilityTimeoutSeconds: 1 });
    await queue.send(definition.name, 'hello', { attributes: { traceId: 't-1' } });

    const [first] = await queue.receive(definition.name);
    expect(first).toMatchObject({ body: 'hello', receiveCount: 1, attributes: { traceId: 't-1' } });
    expect(await queue.receive(definition.name)).toEqual([]);
    expect(await queue.depth(definition.name)).toMatchObject({ visible: 0, inFlight: 1 });
    clock.advance(0.9);
    expect(await queue.receive(definition.name)).toEqual([]);

    clock.advance(0.1);
    const [second] = await queue.receive(definition.name);
    if (!second) throw new Error('the message did not come back after its visibility timeout');
    expect(second.messageId).toBe(first?.messageId);
    expect(second.receiveCount).toBe(2);
    expect(second.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const { queue, definition } = freshQueue({ maxReceiveCount: 2 });
    const { messageId } = await queue.send(definition.name, 'poison');

    for (const expectedCount of [1, 2]) {
      const [message] = await queue.receive(definition.name, { visibilityTimeoutSeconds: 0 });
      expect(message?.receiveCount).toBe(expectedCount);
    }
    expect(await queue.receive(definition.name, { visibilityTimeoutSeconds: 0 })).toEqual([]);

    const dlqName = `${definition.name}-dlq`;
    const deadLetters = await queue.listDeadLetters(dlqName, 10);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ messageId, body: 'poison', receiveCount: 2 });
    expect(deadLetters[0]?.deadLetteredFrom).toBe(definition.name);
    expect((await queue.depth(definition.name)).visible).toBe(0);
  });

  it('listing dead letters does not receive them', async () => {
    const { queue, definition } = freshQueue({ maxReceiveCount: 1 });
    await queue.send(definition.name, 'x');
    await queue.receive(definition.name, { visibilityTimeoutSeconds: 0 });
    await queue.receive(definition.name);
    const dlqName = `${definition.name}-dlq`;
    const once = await queue.listDeadLetters(dlqName, 10);
    const twice = await queue.listDeadLetters(dlqName, 10);
    expect(twice).toEqual(once);
    expect(await queue.depth(dlqName)).toMatchObject({ visible: 1, inFlight: 0 });
  });

  it('keeps a delayed message invisible until the delay passes', async () => {
    const { queue, definition, clock } = freshQueue();
    await queue.send(definition.name, 'later', { delaySeconds: 1 });

    expect(await queue.receive(definition.name)).toEqual([]);
    expect(await queue.depth(definition.name)).toMatchObject({ visible: 0, delayed: 1 });
    clock.advance(1);
    const [message] = await queue.receive(definition.name);
    expect(message?.body).toBe('later');
  });

  it('redrives dead letters back to their source queue with a fresh receive count', async () => {
    const { queue, definition } = freshQueue({ maxReceiveCount: 1 });
    await queue.send(definition.name, 'a');
    await queue.send(definition.name, 'b');
    await queue.receive(definition.name, { maxMessages: 10, visibilityTimeoutSeconds: 0 });
    expect(await queue.receive(definition.name, { maxMessages: 10 })).toEqual([]);
    const dlqName = `${definition.name}-dlq`;
    expect(await queue.listDeadLetters(dlqName, 10)).toHaveLength(2);

    expect(await queue.redrive(dlqName)).toBe(2);

    expect(await queue.listDeadLetters(dlqName, 10)).toEqual([]);
    const redelivered = await queue.receive(definition.name, { maxMessages: 10 });
    expect(redelivered.map((m) => m.body).sort()).toEqual(['a', 'b']);
    expect(redelivered.every((m) => m.receiveCount === 1 && m.deadLetteredFrom === null)).toBe(true);
  });

  it('treats a stale receipt handle as harmless', async () => {
    const { queue, definition } = freshQueue();
    await queue.send(definition.name, 'm');
    const [first] = await queue.receive(definition.name, { visibilityTimeoutSeconds: 0 });
    const [second] = await queue.receive(definition.name, { visibilityTimeoutSeconds: 30 });
    if (!first || !second) throw new Error('expected two receipts');

    expect(await queue.deleteMessage(definition.name, first.receiptHandle)).toBe(false);
    expect(await queue.changeVisibility(definition.name, first.receiptHandle, 0)).toBe(false);
    expect(await queue.depth(definition.name)).toMatchObject({ inFlight: 1 });

    expect(await queue.deleteMessage(definition.name, second.receiptHandle)).toBe(true);
    expect(await queue.deleteMessage(definition.name, second.receiptHandle)).toBe(false);
    expect(await queue.depth(definition.name)).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
      oldestAgeSeconds: 0,
    });
  });

  it('never hands the same message to two concurrent receivers', async () => {
    const { queue, definition } = freshQueue({ visibilityTimeoutSeconds: 30 });
    for (let i = 0; i < 20; i += 1) await queue.send(definition.name, `m${i}`);
    const batches = await Promise.all(
      Array.from({ length: 4 }, () => queue.receive(definition.name, { maxMessages: 10 })),
    );
    const ids = batches.flat().map((m) => m.messageId);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it('rejects bad arguments with a ValidationError naming the field', async () => {
    const { queue, definition } = freshQueue();
    await expect(queue.send(definition.name, 'x', { delaySeconds: 901 })).rejects.toMatchObject({
      field: 'delaySeconds',
    });
    await expect(queue.send('no-such-queue', 'x')).rejects.toBeInstanceOf(ValidationError);
    await expect(queue.receive(definition.name, { maxMessages: 0 })).rejects.toMatchObject({
      field: 'maxMessages',
    });
    await expect(queue.deleteMessage(definition.name, 'forged')).rejects.toMatchObject({
      field: 'receiptHandle',
    });
  });
});

describe('local event-source mapping', () => {
  it('builds a real SQS event for the handler', async () => {
    const { queue, definition } = freshQueue();
    await queue.send(definition.name, '{"hello":"world"}', { attributes: { traceId: 'trace-9' } });
    const records: SQSRecord[] = [];
    const mapping = startEventSourceMapping({
      queue,
      definition,
      batchSize: 5,
      pollIntervalMs: 50,
      logger: silent,
      handler: async (event: SQSEvent) => {
        records.push(...event.Records);
        return { batchItemFailures: [] };
      },
    });
    await until(async () => (records.length > 0 ? true : undefined));
    await mapping.stop();

    const [record] = records;
    expect(record).toMatchObject({
      body: '{"hello":"world"}',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${definition.name}`,
      awsRegion: 'local',
      md5OfBody: 'fbc24bcc7a1794758fc1327fcfebdaf6',
      messageAttributes: { traceId: { stringValue: 'trace-9', dataType: 'String' } },
    });
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
    expect(Number(record?.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record?.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(
      Number(record?.attributes.SentTimestamp),
    );
    expect(await queue.depth(definition.name)).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('retries only the records reported in batchItemFailures', async () => {
    const { queue, definition, clock } = freshQueue({ visibilityTimeoutSeconds: 1 });
    for (const body of ['a', 'b', 'c']) await queue.send(definition.name, body);
    const deliveries: string[] = [];
    const mapping = startEventSourceMapping({
      queue,
      definition,
      batchSize: 10,
      pollIntervalMs: 50,
      logger: silent,
      handler: async (event): Promise<SQSBatchResponse> => {
        const failures = [];
        for (const record of event.Records) {
          deliveries.push(`${record.body}#${record.attributes.ApproximateReceiveCount}`);
          if (record.body === 'b' && record.attributes.ApproximateReceiveCount === '1') {
            failures.push({ itemIdentifier: record.messageId });
          }
        }
        return { batchItemFailures: failures };
      },
    });
    await until(async () => (deliveries.length === 3 ? true : undefined));
    // b's visibility timeout passes; a and c were deleted and never come back.
    clock.advance(1);
    await until(async () => (deliveries.includes('b#2') ? true : undefined));
    await mapping.stop();

    expect(deliveries.sort()).toEqual(['a#1', 'b#1', 'b#2', 'c#1']);
    expect(await queue.depth(definition.name)).toMatchObject({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('keeps the whole batch when the handler throws', async () => {
    const { queue, definition } = freshQueue({ visibilityTimeoutSeconds: 30 });
    await queue.send(definition.name, 'a');
    await queue.send(definition.name, 'b');
    let calls = 0;
    const mapping = startEventSourceMapping({
      queue,
      definition,
      pollIntervalMs: 50,
      logger: silent,
      handler: async () => {
        calls += 1;
        throw new Error('crash');
      },
    });
    await until(async () => (calls > 0 ? true : undefined));
    await mapping.stop();
    expect(await queue.depth(definition.name)).toMatchObject({ inFlight: 2 });
  });

  it('stop waits for the batch in flight to finish and be deleted', async () => {
    const { queue, definition } = freshQueue({ visibilityTimeoutSeconds: 30 });
    await queue.send(definition.name, 'slow');
    let started = false;
    let finished = false;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const mapping = startEventSourceMapping({
      queue,
      definition,
      pollIntervalMs: 50,
      logger: silent,
      handler: async () => {
        started = true;
        await released;
        finished = true;
        return undefined;
      },
    });
    await until(async () => (started ? true : undefined));
    const stopped = mapping.stop();
    expect(finished).toBe(false);
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(await queue.depth(definition.name)).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('loses nothing when the process dies mid-batch: the message comes back on a new connection', async () => {
    const definition: LocalQueueDefinition = {
      name: 'restart-queue',
      visibilityTimeoutSeconds: 1,
      deadLetterQueue: { name: 'restart-queue-dlq', maxReceiveCount: 5 },
    };
    const clock = new FakeClock(Date.now());
    const firstConnection = connectDatabase({ url: database.url, maxConnections: 2 });
    const firstQueue = new LocalQueue(firstConnection.sql, [definition], { clock });
    await firstQueue.send(definition.name, 'survivor');

    let releaseHandler: () => void = () => {};
    const handlerBlocked = new Promise<void>((resolve) => {
      releaseHandler = resolve;
    });
    let firstRunReceived = false;
    const firstMapping = startEventSourceMapping({
      queue: firstQueue,
      definition,
      pollIntervalMs: 50,
      logger: silent,
      handler: async () => {
        firstRunReceived = true;
        await handlerBlocked;
        return undefined;
      },
    });
    await until(async () => (firstRunReceived ? true : undefined));
    // The connection goes away while the record is in flight, so its delete can never happen.
    await firstConnection.close();
    releaseHandler();
    await firstMapping.stop();

    // The record's visibility timeout passes while nothing runs.
    clock.advance(1);
    const secondConnection = connectDatabase({ url: database.url, maxConnections: 2 });
    try {
      const secondQueue = new LocalQueue(secondConnection.sql, [definition], { clock });
      const delivered: SQSRecord[] = [];
      const secondMapping = startEventSourceMapping({
        queue: secondQueue,
        definition,
        pollIntervalMs: 50,
        logger: silent,
        handler: async (event) => {
          delivered.push(...event.Records);
          return undefined;
        },
      });
      await until(async () => (delivered.length > 0 ? true : undefined));
      await secondMapping.stop();
      expect(delivered.map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([
        ['survivor', '2'],
      ]);
      expect(await secondQueue.depth(definition.name)).toMatchObject({ visible: 0, inFlight: 0 });
    } finally {
      await secondConnection.close();
    }
  });
});
