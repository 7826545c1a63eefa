/**
 * A GraphQL request body turned into JSON: UTF-8 checked (decoding would replace bad bytes silently), then
 * parsed. For a large body (a pasted log, up to 6 MB) decoding and `JSON.parse` were one block of 20–40 ms on
 * the API's event loop, up to 0.1 s on a loaded machine (docs/architecture.md, "Where a pasted log is
 * redacted"); `startBodyParserThread` does them on a thread and the loop only copies the bytes over and the
 * parsed body back. Small bodies, nearly every request, are parsed where they are: a thread's round trip would
 * cost them more than it saves.
 */
import { Worker } from 'node:worker_threads';
import { startRequestThread } from './request-thread.ts';

export type ParsedBody = { ok: true; body: unknown } | { ok: false; problem: 'not-utf8' | 'not-json' };

/** Bodies from this size up are parsed on the thread. */
export const THREAD_BODY_BYTES = 256 * 1024;

/** A body turned into JSON on the caller's thread; the thread runs this very function (`THREAD_CODE`). */
export function parseBodyHere(bytes: Uint8Array): ParsedBody {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'not-utf8' };
  }
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, problem: 'not-json' };
  }
}

/**
 * The thread's code, evaluated as CommonJS: `parseBodyHere` itself, which needs nothing but Node's globals, so
 * it runs the same from the TypeScript sources and from the built command. It answers as `answerRequests`
 * does (local/request-thread.ts).
 */
const THREAD_CODE = `
const { parentPort } = require('node:worker_threads');
const parse = (${parseBodyHere.toString()});
parentPort.on('message', ({ id, request }) => parentPort.postMessage({ id, ok: true, value: parse(request) }));`;

export interface BodyParser {
  parse(bytes: Uint8Array): Promise<ParsedBody>;
  /** Ends the thread at once, as a crash would; the next large body starts another. */
  terminate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Large bodies parsed on a thread. The bytes are copied to it (not transferred), so that a body whose thread
 * died is parsed here instead (`here`, by default `parseBodyHere`): a request never fails because of the thread.
 */
export function startBodyParserThread(
  options: { here?: (bytes: Uint8Array) => ParsedBody } = {},
): BodyParser {
  const here = options.here ?? parseBodyHere;
  const thread = startRequestThread<Uint8Array, ParsedBody>(
    'the body parser thread',
    () => new Worker(THREAD_CODE, { eval: true }),
  );
  return {
    async parse(bytes) {
      if (bytes.length < THREAD_BODY_BYTES) return here(bytes);
      try {
        return await thread.ask(bytes);
      } catch {
        return here(bytes);
      }
    },
    terminate: thread.terminate,
    close: thread.close,
  };
}
