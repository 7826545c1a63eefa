/**
 * The entry of one job kind's worker thread (local/worker-threads.ts starts it): the kind's worker factory
 * fed by the same local event-source mapping as before, on this thread's own event loop and its own database
 * connections, so a CPU-heavy job never delays the API. The metrics the handlers emit go to the main thread,
 * whose `/metrics` serves them. The same entry serves the redaction thread of pasted logs (`role: 'redaction'`).
 */
import { isMainThread, type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { connectDatabase } from '../lambdas/adapters/db/client.ts';
import { LocalQueue, type LocalQueueDefinition } from '../lambdas/adapters/queue/local-queue.ts';
import { listenForQueueWakeups } from '../lambdas/adapters/queue/local-queue-wakeups.ts';
import { type JobKind, jobKindDefinition } from '../lambdas/core/jobs/registry.ts';
import { logger, type MetricEmission, observeMetrics } from '../lambdas/shared/observability.ts';
import type { WorkerConfig } from '../lambdas/workers/runtime.ts';
import { startEventSourceMapping } from './event-source-mapping.ts';
import { type RedactionThreadData, serveRedaction } from './redaction-thread.ts';
import { WORKER_FACTORIES } from './worker-factories.ts';

/** What the main thread gives a worker thread: plain data (it is copied across). */
export interface WorkerThreadData {
  kind: JobKind;
  config: WorkerConfig;
  /** Every local queue (the kind's queue and its DLQ among them), with the runtime's visibility timeouts. */
  queues: LocalQueueDefinition[];
  /** Connections of the event-source mapping's own pool (receive, delete); it listens on one more. */
  queueConnections: number;
  /** The mapping's poll interval while its queue's notifications are down (it long-polls otherwise). */
  pollIntervalMs: number;
  /** The longest a receive waits with nothing notified or due. */
  longPollMaxMs: number;
}

export type ToWorkerThread = { type: 'stop' };
export type FromWorkerThread = { type: 'metric'; emission: MetricEmission } | { type: 'stopped' };

async function runWorkerThread(port: MessagePort, data: WorkerThreadData): Promise<void> {
  const send = (message: FromWorkerThread) => port.postMessage(message);
  const unobserve = observeMetrics((emission) => send({ type: 'metric', emission }));
  const kind = jobKindDefinition(data.kind);
  const { createWorker } = await WORKER_FACTORIES[data.kind]();
  const handler = createWorker(data.config);
  const url = data.config.database.DATABASE_URL;
  if (!url) throw new Error('a local worker thread needs the database URL');
  const connection = connectDatabase({ url, maxConnections: data.queueConnections });
  const queue = new LocalQueue(connection.sql, data.queues);
  // The thread's own LISTEN connection: a job sent by the API's thread wakes this thread's receive at once.
  const wakeups = listenForQueueWakeups({ url, log: logger });
  const mapping = startEventSourceMapping({
    queue,
    definition: queue.definition(kind.queue.name),
    handler,
    batchSize: kind.queue.batchSize,
    pollIntervalMs: data.pollIntervalMs,
    wakeups,
    maxWaitMs: data.longPollMaxMs,
    functionName: `ai-ops-${kind.kind}`,
    functionTimeoutSeconds: kind.worker.timeoutSeconds,
  });
  port.on('message', (message: ToWorkerThread) => {
    if (message.type !== 'stop') return;
    // The batch in flight finishes (Ctrl-C loses nothing); the main thread then ends the thread.
    void mapping
      .stop()
      .finally(async () => {
        unobserve();
        await wakeups.close();
        await connection.close().catch(() => {});
      })
      .finally(() => send({ type: 'stopped' }));
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const data = workerData as WorkerThreadData | RedactionThreadData;
  if ('role' in data && data.role === 'redaction') serveRedaction(port);
  else {
    // A failure to start is thrown in the thread: the main thread sees it as the thread's 'error'.
    runWorkerThread(port, data as WorkerThreadData).catch((error: unknown) => {
      queueMicrotask(() => {
        throw error;
      });
    });
  }
}
