/**
 * Long polling of the local queue on Postgres notifications. Every mapping here polls once an hour at most
 * (`pollIntervalMs` and `maxWaitMs`), so a test can only pass by what wakes the wait: a notification, the
 * queue's next visible time, or (listener down) the fallback interval, where a test sets a short one.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../lambdas/adapters/db/client.ts';
import {
  LOCAL_QUEUE_CHANNEL,
  LocalQueue,
  type LocalQueueDefinition,
} from '../../lambdas/adapters/queue/local-queue.ts';
import {
  listenForQueueWakeups,
  type QueueWakeups,
} from '../../lambdas/adapters/queue/local-queue-wakeups.ts';
import { type EventSourceMapping, startEventSourceMapping } from '../../local/event-source-mapping.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { until } from '../support/eventually.ts';

const silent = new Logger({ logLevel: 'SILENT' });
const HOUR_MS = 3_600_000;

let database: TestDatabase;
/** The sender's own pool, as the API's thread has: notifications cross connections. */
let sender: ReturnType<typeof connectDatabase>;
beforeAll(async () => {
  database = await createTestDatabase();
  sender = connectDatabase({ url: database.url, maxConnections: 2 });
});
afterAll(async () => {
  await sender.close();
  await database.close();
});

let queueCounter = 0;
function freshDefinition(visibilityTimeoutSeconds = 30): LocalQueueDefinition {
  queueCounter += 1;
  return {
    name: `long-poll-${queueCounter}`,
    visibilityTimeoutSeconds,
    deadLetterQueue: { name: `long-poll-${queueCounter}-dlq`, maxReceiveCount: 5 },
  };
}

async function listening(options: { retryMs?: number } = {}): Promise<QueueWakeups> {
  const wakeups = listenForQueueWakeups({ url: database.url, ...options });
  await until(async () => (wakeups.listening ? true : undefined));
  return wakeups;
}

interface Consumer {
  mapping: EventSourceMapping;
  records: SQSRecord[];
  /** Receives the mapping has completed. */
  receives: () => number;
}

/** A mapping that would poll once an hour, consuming with `handle` (default: every record succeeds). */
function consume(
  queue: LocalQueue,
  definition: LocalQueueDefinition,
  wakeups: QueueWakeups,
  options: {
    pollIntervalMs?: number;
    fail?: (record: SQSRecord) => boolean;
    afterReceive?: (count: number, received: number) => Promise<void>;
    /** Runs after the mapping's last look at the queue before it waits, and before the answer reaches it. */
    beforeWait?: () => Promise<void>;
  } = {},
): Consumer {
  const records: SQSRecord[] = [];
  let receives = 0;
  const counted: Pick<LocalQueue, 'receive' | 'deleteMessage' | 'nextVisibleInMs'> = {
    receive: async (name, receiveOptions) => {
      const received = await queue.receive(name, receiveOptions);
      receives += 1;
      await options.afterReceive?.(receives, received.length);
      return received;
    },
    deleteMessage: (name, handle) => queue.deleteMessage(name, handle),
    nextVisibleInMs: async (name) => {
      const ms = await queue.nextVisibleInMs(name);
      await options.beforeWait?.();
      return ms;
    },
  };
  const mapping = startEventSourceMapping({
    queue: counted,
    definition,
    wakeups,
    pollIntervalMs: options.pollIntervalMs ?? HOUR_MS,
    maxWaitMs: HOUR_MS,
    logger: silent,
    handler: async (event) => {
      records.push(...event.Records);
      const failed = event.Records.filter((record) => options.fail?.(record) ?? false);
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
    },
  });
  return { mapping, records, receives: () => receives };
}

describe('local queue long polling', () => {
  it('wakes a waiting receive when a message is sent, with no polling interval passing', async () => {
    const definition = freshDefinition();
    const wakeups = await listening();
    const consumer = consume(new LocalQueue(database.sql, [definition]), definition, wakeups);
    try {
      await until(async () => (consumer.receives() >= 1 ? true : undefined));
      await new LocalQueue(sender.sql, [definition]).send(definition.name, 'now');
      await until(async () => (consumer.records.length > 0 ? true : undefined));
      expect(consumer.records.map((record) => record.body)).toEqual(['now']);
    } finally {
      await consumer.mapping.stop();
      await wakeups.close();
    }
  });

  it('misses no message sent between an empty receive and the start of the wait', async () => {
    const definition = freshDefinition();
    const wakeups = await listening();
    const senderQueue = new LocalQueue(sender.sql, [definition]);
    let sent = false;
    const consumer = consume(new LocalQueue(database.sql, [definition]), definition, wakeups, {
      // After the mapping's last look at the queue (its empty receive, then the next visible time: none),
      // before it waits: a send, and its notification in.
      beforeWait: async () => {
        if (sent) return;
        sent = true;
        const before = wakeups.ticket(definition.name)?.notified ?? 0;
        await senderQueue.send(definition.name, 'in the gap');
        await until(async () =>
          (wakeups.ticket(definition.name)?.notified ?? 0) > before ? true : undefined,
        );
      },
    });
    try {
      await until(async () => (consumer.records.length > 0 ? true : undefined));
      expect(consumer.records.map((record) => record.body)).toEqual(['in the gap']);
    } finally {
      await consumer.mapping.stop();
      await wakeups.close();
    }
  });

  it('receives a delayed message when its delay ends, though nothing notifies then', async () => {
    const definition = freshDefinition();
    // Sent before anyone listens: its one notification is gone before the mapping starts.
    await new LocalQueue(sender.sql, [definition]).send(definition.name, 'later', { delaySeconds: 1 });
    const wakeups = await listening();
    const consumer = consume(new LocalQueue(database.sql, [definition]), definition, wakeups);
    try {
      await until(async () => (consumer.records.length > 0 ? true : undefined));
      expect(consumer.records.map((record) => record.body)).toEqual(['later']);
      expect(consumer.receives()).toBeGreaterThanOrEqual(2);
    } finally {
      await consumer.mapping.stop();
      await wakeups.close();
    }
  });

  it('receives again a failed message when its visibility timeout ends, though nothing notifies then', async () => {
    const definition = freshDefinition(1);
    const wakeups = await listening();
    const consumer = consume(new LocalQueue(database.sql, [definition]), definition, wakeups, {
      fail: (record) => record.attributes.ApproximateReceiveCount === '1',
    });
    try {
      await until(async () => (consumer.receives() >= 1 ? true : undefined));
      await new LocalQueue(sender.sql, [definition]).send(definition.name, 'flaky');
      await until(async () => (consumer.records.length >= 2 ? true : undefined));
      expect(consumer.records.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    } finally {
      await consumer.mapping.stop();
      await wakeups.close();
    }
  });

  it('falls back to polling while the listening connection is down, so a notification lost then loses nothing', async () => {
    const definition = freshDefinition();
    // Never listens again within the test: only the fallback can find the message.
    const wakeups = await listening({ retryMs: HOUR_MS });
    const consumer = consume(new LocalQueue(database.sql, [definition]), definition, wakeups, {
      pollIntervalMs: 50,
    });
    try {
      await until(async () => (consumer.receives() >= 1 ? true : undefined));
      await database.sql`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and query = ${`listen ${LOCAL_QUEUE_CHANNEL}`}`;
      await until(async () => (wakeups.listening ? undefined : true));
      await new LocalQueue(sender.sql, [definition]).send(definition.name, 'unheard');
      await until(async () => (consumer.records.length > 0 ? true : undefined));
      expect(consumer.records.map((record) => record.body)).toEqual(['unheard']);
    } finally {
      await consumer.mapping.stop();
      await wakeups.close();
    }
  });

  it('listens again after its connection dropped, and the consumers find what was sent unheard meanwhile', async () => {
    const definition = freshDefinition();
    const senderQueue = new LocalQueue(sender.sql, [definition]);
    // The fallback interval is an hour: only the consumers' wake when LISTEN is back can find the message.
    const wakeups = await listening({ retryMs: 1_000 });
    let sentUnheard = false;
    const consumer = consume(new LocalQueue(database.sql, [definition]), definition, wakeups, {
      // The consumer's first receive after the drop found nothing; the message is sent before it waits.
      afterReceive: async (_count, received) => {
        if (wakeups.listening || sentUnheard || received > 0) return;
        sentUnheard = true;
        await senderQueue.send(definition.name, 'sent unheard');
      },
    });
    try {
      await until(async () => (consumer.receives() >= 1 ? true : undefined));
      await database.sql`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and query = ${`listen ${LOCAL_QUEUE_CHANNEL}`}`;
      await until(async () => (consumer.records.length > 0 ? true : undefined));
      expect(sentUnheard).toBe(true);
      expect(consumer.records.map((record) => record.body)).toEqual(['sent unheard']);
      expect(wakeups.listening).toBe(true);
    } finally {
      await consumer.mapping.stop();
      await wakeups.close();
    }
  });

  it('ends a waiting receive at once when the mapping stops', async () => {
    const definition = freshDefinition();
    const wakeups = await listening();
    const consumer = consume(new LocalQueue(database.sql, [definition]), definition, wakeups);
    try {
      await until(async () => (consumer.receives() >= 1 ? true : undefined));
      await consumer.mapping.stop();
      expect(consumer.receives()).toBe(1);
    } finally {
      await wakeups.close();
    }
  });

  it('notifies the queue on every change that can make a message visible sooner', async () => {
    const definition = freshDefinition(30);
    const dlqName = `${definition.name}-dlq`;
    const queue = new LocalQueue(database.sql, [
      { ...definition, deadLetterQueue: { name: dlqName, maxReceiveCount: 1 } },
    ]);
    const wakeups = await listening();
    const notified = (name: string) => wakeups.ticket(name)?.notified ?? 0;
    const expectNotified = async (name: string, change: () => Promise<unknown>) => {
      const before = notified(name);
      await change();
      await until(async () => (notified(name) > before ? true : undefined));
      expect(notified(name)).toBeGreaterThan(before);
    };
    try {
      await expectNotified(definition.name, () => queue.send(definition.name, 'a'));
      await expectNotified(definition.name, () => queue.send(definition.name, 'b', { delaySeconds: 60 }));
      await queue.receive(definition.name);
      await expectNotified(definition.name, () => queue.releaseInFlight());
      // Its next receive is one past maxReceiveCount: it moves to the dead-letter queue, which is notified.
      await expectNotified(dlqName, () => queue.receive(definition.name));
      await expectNotified(definition.name, () => queue.redrive(dlqName));
      const [received] = await queue.receive(definition.name);
      if (!received) throw new Error('the redriven message was not received');
      await expectNotified(definition.name, () =>
        queue.changeVisibility(definition.name, received.receiptHandle, 0),
      );
    } finally {
      await wakeups.close();
    }
  });
});
