/**
 * One worker thread that answers requests, for work the local server keeps off its event loop (a pasted log's
 * redaction, a large request body's parsing). The main thread posts `{ id, request }`; the thread answers
 * `{ id, ok: true, value }` or `{ id, ok: false, message }` (`answerRequests` below does it for a thread of ours).
 *
 * The thread is started at once (it loads while the server starts, not during the first request), holds the
 * process open only while it has work, and is started again by the next request after it died. A request
 * whose thread died, or that comes after `close`, is refused: callers do the work on their own thread instead.
 */
import type { MessagePort, Worker } from 'node:worker_threads';

export interface RequestThread<Request, Answer> {
  ask(request: Request): Promise<Answer>;
  /** Ends the thread at once, as a crash would; the next request starts another. */
  terminate(): Promise<void>;
  /** Ends the thread for good. */
  close(): Promise<void>;
}

type Reply<Answer> = { id: number; ok: true; value: Answer } | { id: number; ok: false; message: string };

interface Pending<Answer> {
  resolve: (value: Answer) => void;
  reject: (error: Error) => void;
}

export function startRequestThread<Request, Answer>(
  name: string,
  start: () => Worker,
): RequestThread<Request, Answer> {
  let worker: Worker | null = null;
  let closed = false;
  let nextId = 0;
  const pending = new Map<number, Pending<Answer>>();

  const spawn = (): Worker => {
    const started = start();
    started.unref();
    started.on('message', (reply: Reply<Answer>) => {
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if (!waiting) return;
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(`${name}: ${reply.message}`));
    });
    // Its end (below) refuses what it held, and the callers do that work themselves: nothing to report twice,
    // and an unhandled 'error' event would end the whole process.
    started.on('error', () => {});
    started.once('exit', (code) => {
      if (worker === started) worker = null;
      for (const waiting of pending.values()) waiting.reject(new Error(`${name} exited (${code})`));
      pending.clear();
    });
    return started;
  };

  worker = spawn();
  return {
    ask: (request) =>
      new Promise((resolve, reject) => {
        if (closed) {
          reject(new Error(`${name} is closed`));
          return;
        }
        worker ??= spawn();
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, request });
      }),
    async terminate() {
      await worker?.terminate();
    },
    async close() {
      closed = true;
      await worker?.terminate();
    },
  };
}

/** A thread's side of `startRequestThread`: every request answered in arrival order, each computed whole. */
export function answerRequests<Request, Answer>(
  port: MessagePort,
  compute: (request: Request) => Answer,
): void {
  port.on('message', ({ id, request }: { id: number; request: Request }) => {
    let reply: Reply<Answer>;
    try {
      reply = { id, ok: true, value: compute(request) };
    } catch (error: unknown) {
      reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
