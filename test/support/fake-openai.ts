/**
 * A local OpenAI-compatible server for tests (real HTTP on 127.0.0.1, any free port). Each request to
 * /v1/chat/completions takes the next scripted reply, or the default one; every request is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeReply =
  /** A complete chat completion whose message content is `content`. */
  | {
      kind: 'answer';
      content: string;
      finishReason?: string;
      promptTokens?: number;
      completionTokens?: number;
    }
  /** An error status with an OpenAI-style error body. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  /** Never answers (until the server closes): the client's timeout must fire. */
  | { kind: 'hang' }
  /** A 200 whose body is not JSON. */
  | { kind: 'malformed' };

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
    max_tokens?: number;
    max_completion_tokens?: number;
    temperature?: number;
    reasoning_effort?: string;
  };
}

export interface FakeOpenAi {
  /** Base URL for the openai client (ends in /v1). */
  url: string;
  requests: RecordedRequest[];
  /** Replies used in order, before the default. */
  script(...replies: FakeReply[]): void;
  /** The reply once the script is used up (default: a 503). */
  setDefault(reply: FakeReply | ((request: RecordedRequest) => FakeReply)): void;
  reset(): void;
  close(): Promise<void>;
}

export const answer = (
  value: unknown,
  extra: Partial<Extract<FakeReply, { kind: 'answer' }>> = {},
): FakeReply => ({
  kind: 'answer',
  content: typeof value === 'string' ? value : JSON.stringify(value),
  ...extra,
});

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** `port` 0 (the default) takes any free port; a fixed one serves a product started by hand. */
export async function startFakeOpenAi(port = 0): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  let queue: FakeReply[] = [];
  let fallback: FakeReply | ((request: RecordedRequest) => FakeReply) = {
    kind: 'status',
    status: 503,
    message: 'no reply scripted',
  };
  const hanging = new Set<ServerResponse>();

  const send = (response: ServerResponse, reply: FakeReply, recorded: RecordedRequest) => {
    switch (reply.kind) {
      case 'answer': {
        const body = {
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: `${recorded.body.model ?? 'fake-model'}-2024-07-18`,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.content, refusal: null },
              finish_reason: reply.finishReason ?? 'stop',
              logprobs: null,
            },
          ],
          usage: {
            prompt_tokens: reply.promptTokens ?? 100,
            completion_tokens: reply.completionTokens ?? 20,
            total_tokens: (reply.promptTokens ?? 100) + (reply.completionTokens ?? 20),
          },
        };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
        return;
      }
      case 'status':
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        response.end(
          JSON.stringify({
            error: { message: reply.message ?? `status ${reply.status}`, type: 'fake', code: null },
          }),
        );
        return;
      case 'hang':
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return;
      case 'malformed':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"id": "chatcmpl-broken", "choices": [');
        return;
    }
  };

  const server = createServer((request, response) => {
    readBody(request)
      .then((text) => {
        let body: RecordedRequest['body'] = {};
        try {
          body = JSON.parse(text) as RecordedRequest['body'];
        } catch {
          body = {};
        }
        const recorded: RecordedRequest = { path: request.url ?? '', headers: request.headers, body };
        requests.push(recorded);
        if (!recorded.path.endsWith('/chat/completions')) {
          send(response, { kind: 'status', status: 404, message: 'unknown path' }, recorded);
          return;
        }
        const next = queue.shift() ?? (typeof fallback === 'function' ? fallback(recorded) : fallback);
        send(response, next, recorded);
      })
      .catch(() => {
        response.writeHead(500);
        response.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    requests,
    script(...replies) {
      queue.push(...replies);
    },
    setDefault(reply) {
      fallback = reply;
    },
    reset() {
      queue = [];
      requests.length = 0;
      fallback = { kind: 'status', status: 503, message: 'no reply scripted' };
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
