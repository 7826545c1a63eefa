/**
 * Pasted logs redacted on a worker thread of their own (docs/architecture.md, "Where a pasted log is
 * redacted"). Redacting 5 MB on the API's event loop, even in slices that pause, kept that loop busy for most
 * of a paste: 300–650 ms of CPU in slices, each slice a wait for every other request, and the garbage of
 * 40,000 redacted lines collected by the loop's own heap in pauses of 10–60 ms (up to 0.4 s for a full
 * collection on a loaded machine). On a thread, the loop only copies the text over and the result back.
 *
 * The thread computes exactly `redactLog`, as a Lambda does, so the stored text is byte for byte the same.
 * Whatever goes wrong there (the thread died, failed to start, or threw) the log is redacted again here with
 * `fallback`, which gives the same text or the same error: a paste never fails because of the thread.
 */
import { type MessagePort, Worker } from 'node:worker_threads';
import {
  type RedactedLog,
  type RedactionOptions,
  redactLog,
} from '../lambdas/core/jobs/kinds/summarize-log/accept.ts';
import { workerThreadSource } from './worker-threads.ts';

/** What the main thread gives the thread (local/worker-thread.ts reads the role). */
export interface RedactionThreadData {
  role: 'redaction';
}

interface RedactionRequest {
  id: number;
  raw: string;
  options: RedactionOptions;
}

type RedactionReply =
  | { id: number; ok: true; value: RedactedLog }
  | { id: number; ok: false; message: string };

export interface RedactionThread {
  redact(raw: string, options: RedactionOptions): Promise<RedactedLog>;
  /** Ends the thread at once, as a crash would; the next log starts another. */
  terminate(): Promise<void>;
  /** Ends the thread; later logs are redacted with `fallback`. */
  close(): Promise<void>;
}

/** The thread's side: every request answered in arrival order, each computed whole. */
export function serveRedaction(port: MessagePort): void {
  port.on('message', (request: RedactionRequest) => {
    let reply: RedactionReply;
    try {
      reply = { id: request.id, ok: true, value: redactLog(request.raw, request.options) };
    } catch (error: unknown) {
      reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}

interface Pending {
  resolve: (value: RedactedLog) => void;
  reject: (error: Error) => void;
}

/**
 * Starts the thread now (it loads its code while the server starts, not during the first paste) and returns
 * its client. The thread holds the process open only while it redacts.
 */
export function startRedactionThread(options: {
  fallback: (raw: string, options: RedactionOptions) => Promise<RedactedLog>;
}): RedactionThread {
  let worker: Worker | null = null;
  let closed = false;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const spawn = (): Worker => {
    const source = workerThreadSource();
    const data: RedactionThreadData = { role: 'redaction' };
    const started = new Worker(source.filename, { eval: source.eval, workerData: data });
    started.unref();
    started.on('message', (reply: RedactionReply) => {
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if (!waiting) return;
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(reply.message));
    });
    // Its end (below) refuses what it held, and those logs are redacted here instead: nothing to report twice,
    // and an unhandled 'error' event would end the whole process.
    started.on('error', () => {});
    started.once('exit', (code) => {
      if (worker === started) worker = null;
      for (const waiting of pending.values())
        waiting.reject(new Error(`the redaction thread exited (${code})`));
      pending.clear();
    });
    return started;
  };

  const onThread = (raw: string, redaction: RedactionOptions): Promise<RedactedLog> =>
    new Promise((resolve, reject) => {
      worker ??= spawn();
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, raw, options: redaction } satisfies RedactionRequest);
    });

  worker = spawn();
  return {
    async redact(raw, redaction) {
      if (closed) return options.fallback(raw, redaction);
      try {
        return await onThread(raw, redaction);
      } catch {
        return options.fallback(raw, redaction);
      }
    },
    async terminate() {
      await worker?.terminate();
    },
    async close() {
      closed = true;
      await worker?.terminate();
    },
  };
}
