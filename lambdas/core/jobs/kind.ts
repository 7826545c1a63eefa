/**
 * What a job kind declares besides its use cases: its queue and its worker function. The CDK work queues,
 * the local runtime, the admin routes and the repositories read these through the registry (`registry.ts`);
 * nothing about a kind is configured anywhere else. Plain data, so any bundle may import it.
 */

/** Deliveries of a message before its queue moves it to the dead-letter queue; the last one fails the job. */
export const MAX_RECEIVE_COUNT = 5;

/** AWS guidance for SQS event sources: visibility at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface QueueSettings {
  /** The queue's name where the runtime names it (the local queue); CloudFormation names the SQS queues. */
  readonly name: string;
  /** Records per worker invocation; the worker reports per-record failures. */
  readonly batchSize: number;
  /** How long the queue gathers a batch before invoking the worker. */
  readonly maxBatchingWindowSeconds: number;
  /** Deliveries before the dead-letter queue (the redrive policy's maxReceiveCount). */
  readonly maxReceiveCount: number;
  /** Worker invocations at once at most (a stage may allow fewer; AWS needs at least 2). */
  readonly maxConcurrency: number;
}

export interface WorkerSettings {
  /**
   * The Lambda handler module, from the repository root. It reads `process.env` once and calls its folder's
   * `createWorker(config)` (worker.ts), which the local runtime calls with its own configuration object.
   */
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** Files the worker reads at run time, copied next to its bundle (e.g. the ticket model). */
  readonly assets?: readonly string[];
  /** Variables of this worker only (e.g. LLM time budgets that fit its timeout and batch size). */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface JobKindDefinition<K extends string = string> {
  /** Lower-case words and dashes; the key in JOB_QUEUE_URLS and the `kind` metric dimension. */
  readonly kind: K;
  readonly description: string;
  readonly queue: QueueSettings;
  readonly worker: WorkerSettings;
}

/** Keeps the literal kind (for the `JobKind` union) and checks the rest against the definition's shape. */
export function defineJobKind<const K extends string>(
  definition: JobKindDefinition<K>,
): JobKindDefinition<K> {
  return definition;
}

/** A record may wait in the batching window, then runs for up to the timeout, six times over. */
export function visibilityTimeoutSeconds(definition: JobKindDefinition): number {
  return (
    definition.worker.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR + definition.queue.maxBatchingWindowSeconds
  );
}
