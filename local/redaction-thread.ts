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
import { answerRequests, startRequestThread } from './request-thread.ts';
import { workerThreadSource } from './worker-threads.ts';

/** What the main thread gives the thread (local/worker-thread.ts reads the role). */
export interface RedactionThreadData {
  role: 'redaction';
}

interface RedactionRequest {
  raw: string;
  options: RedactionOptions;
}

export interface RedactionThread {
  redact(raw: string, options: RedactionOptions): Promise<RedactedLog>;
  /** Ends the thread at once, as a crash would; the next log starts another. */
  terminate(): Promise<void>;
  /** Ends the thread; later logs are redacted with `fallback`. */
  close(): Promise<void>;
}

/** The thread's side. */
export function serveRedaction(port: MessagePort): void {
  answerRequests(port, (request: RedactionRequest) => redactLog(request.raw, request.options));
}

/** Starts the thread now, so that it has loaded its code before the first paste. */
export function startRedactionThread(options: {
  fallback: (raw: string, options: RedactionOptions) => Promise<RedactedLog>;
}): RedactionThread {
  const thread = startRequestThread<RedactionRequest, RedactedLog>('the redaction thread', () => {
    const source = workerThreadSource();
    const data: RedactionThreadData = { role: 'redaction' };
    return new Worker(source.filename, { eval: source.eval, workerData: data });
  });
  return {
    async redact(raw, redaction) {
      try {
        return await thread.ask({ raw, options: redaction });
      } catch {
        return options.fallback(raw, redaction);
      }
    },
    terminate: thread.terminate,
    close: thread.close,
  };
}
