/**
 * Runs each job kind's worker in a worker thread of its own (docs/architecture.md, "Local workers"), so that a
 * CPU-heavy job (a 5 MB log, a hostile format) never holds up the API's event loop. Supervises them: a thread
 * that dies is started again after a pause (its messages in flight reappear after their visibility timeout,
 * as on SQS); stop() lets each finish its batch in flight, then ends it. Threads die with the process, so a
 * kill -9 of `ai-ops start` leaves nothing behind.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LocalQueueDefinition } from '../lambdas/adapters/queue/local-queue.ts';
import type { JobKind } from '../lambdas/core/jobs/registry.ts';
import type { MetricEmission } from '../lambdas/shared/observability.ts';
import type { WorkerConfig } from '../lambdas/workers/runtime.ts';
import type { LineSource, LogOutput } from './log-output.ts';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './worker-thread.ts';

/**
 * Set by scripts/build-cli.mjs: the bundled thread entry, relative to this source file (which is where the
 * build points `import.meta.url`). Undefined when running from the TypeScript sources (vitest, tsx).
 */
declare const AI_OPS_WORKER_THREAD_ENTRY: string | undefined;

export interface WorkerThreadsOptions {
  kinds: readonly JobKind[];
  config: WorkerConfig;
  queues: LocalQueueDefinition[];
  /** Connections of each thread's event-source mapping (its worker has `config.database.DB_POOL_MAX` more). */
  queueConnections: number;
  /** Each thread's poll interval while its queue's notifications are down. */
  pollIntervalMs: number;
  /** The longest a thread's receive waits with nothing notified or due (its mapping's `maxWaitMs`). */
  longPollMaxMs: number;
  /** Receives every metric value the threads' handlers emit. */
  onMetric: (emission: MetricEmission) => void;
  onError: (error: unknown) => void;
  /**
   * Where each thread's stdout and stderr go (its log records and EMF lines), a source per thread and stream;
   * without it a thread writes to the process's own streams, as Node does by default.
   */
  output?: LogOutput;
  /** First pause before a dead thread is started again; doubles per failure up to 30 s. */
  restartDelayMs?: number;
  /** How long stop() waits for a batch in flight before ending the thread anyway. */
  stopTimeoutMs?: number;
}

export interface WorkerThreads {
  /** Ends a kind's thread at once, as a crash would; the supervisor starts another. */
  terminate(kind: JobKind): Promise<void>;
  /** How many times a kind's thread was started again after it died. */
  restarts(kind: JobKind): number;
  stop(): Promise<void>;
}

/**
 * Starts one thread per kind and returns at once: `ai-ops start` is ready when the API is, and a job accepted
 * in the second a thread takes to load waits in its durable queue, as behind a Lambda cold start. A thread
 * that fails to start is reported through `onError` and started again like one that died.
 */
export function startWorkerThreads(options: WorkerThreadsOptions): WorkerThreads {
  const threads = new Map(options.kinds.map((kind) => [kind, new SupervisedThread(kind, options)] as const));
  const thread = (kind: JobKind): SupervisedThread => {
    const found = threads.get(kind);
    if (!found) throw new Error(`no worker thread for ${kind}`);
    return found;
  };
  return {
    terminate: (kind) => thread(kind).terminate(),
    restarts: (kind) => thread(kind).restarts,
    stop: async () => {
      await Promise.all([...threads.values()].map((supervised) => supervised.stop()));
    },
  };
}

const MAX_RESTART_DELAY_MS = 30_000;
/** A thread that ran this long before dying is restarted after the first pause again, not a longer one. */
const HEALTHY_RUN_MS = 60_000;

class SupervisedThread {
  restarts = 0;
  readonly #kind: JobKind;
  readonly #options: WorkerThreadsOptions;
  #worker: Worker | null = null;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #failures = 0;

  constructor(kind: JobKind, options: WorkerThreadsOptions) {
    this.#kind = kind;
    this.#options = options;
    this.#spawn();
  }

  #spawn(): void {
    const options = this.#options;
    const data: WorkerThreadData = {
      kind: this.#kind,
      config: options.config,
      queues: options.queues,
      queueConnections: options.queueConnections,
      pollIntervalMs: options.pollIntervalMs,
      longPollMaxMs: options.longPollMaxMs,
    };
    const source = workerThreadSource();
    const output = options.output;
    const worker = new Worker(source.filename, {
      eval: source.eval,
      workerData: data,
      stdout: output !== undefined,
      stderr: output !== undefined,
    });
    if (output) {
      readLines(worker.stdout, output.source('stdout'));
      readLines(worker.stderr, output.source('stderr'));
    }
    this.#worker = worker;
    const startedAt = Date.now();
    worker.on('message', (message: FromWorkerThread) => {
      if (message.type === 'metric') options.onMetric(message.emission);
    });
    worker.on('error', (error: unknown) => options.onError(error));
    worker.once('exit', (code) => {
      if (this.#worker === worker) this.#worker = null;
      if (!this.#stopping) this.#restartLater(code, Date.now() - startedAt);
    });
  }

  #restartLater(code: number, ranMs: number): void {
    this.#failures = ranMs >= HEALTHY_RUN_MS ? 1 : this.#failures + 1;
    const base = this.#options.restartDelayMs ?? 1000;
    const delay = Math.min(MAX_RESTART_DELAY_MS, base * 2 ** (this.#failures - 1));
    this.#options.onError(
      new Error(`the ${this.#kind} worker thread exited with code ${code}; starting another in ${delay} ms`),
    );
    this.#restartTimer = setTimeout(() => {
      if (this.#stopping) return;
      this.restarts += 1;
      this.#spawn();
    }, delay);
  }

  async terminate(): Promise<void> {
    await this.#worker?.terminate();
  }

  /** Asks the thread to finish its batch in flight (a thread still starting gets the request once it polls). */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const worker = this.#worker;
    if (!worker) return;
    const stopped = new Promise<void>((resolve) => {
      worker.on('message', (message: FromWorkerThread) => {
        if (message.type === 'stopped') resolve();
      });
      worker.once('exit', () => resolve());
    });
    worker.postMessage({ type: 'stop' } satisfies ToWorkerThread);
    const timeout = this.#options.stopTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))]);
    clearTimeout(timer);
    await worker.terminate();
  }
}

/** A thread's stream, read to its end (the thread's exit), decoded as UTF-8 across chunks. */
function readLines(stream: NodeJS.ReadableStream, lines: LineSource): void {
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => lines.write(text));
  stream.once('end', () => lines.end());
}

/**
 * The bundled entry in the built CLI; from the TypeScript sources, a thread that registers tsx (the thread
 * does not share the main thread's module loader) and then imports local/worker-thread.ts. The job threads and
 * the redaction thread (local/redaction-thread.ts) share it; its `workerData` says which one it is.
 */
export function workerThreadSource(): { filename: string | URL; eval: boolean } {
  if (typeof AI_OPS_WORKER_THREAD_ENTRY === 'string') {
    return { filename: new URL(AI_OPS_WORKER_THREAD_ENTRY, import.meta.url), eval: false };
  }
  // tsx's ESM API (the import condition of `tsx/esm/api`; require() would resolve its CommonJS twin).
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const tsx = pathToFileURL(join(dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./worker-thread.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { filename: code, eval: true };
}
