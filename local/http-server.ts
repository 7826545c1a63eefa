import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphQLHttpRequest, GraphQLHttpResponse } from './appsync/endpoint.ts';

export interface HttpServerOptions {
  port: number;
  host?: string;
  handleGraphQL: (request: GraphQLHttpRequest) => Promise<GraphQLHttpResponse>;
  /** Headers the IDE pre-fills (the local API key), so a newcomer can call signup/login at once. */
  ideHeaders: Record<string, string>;
  /** Requests larger than this get 413 before any parsing. */
  maxBodyBytes: number;
  onError: (error: unknown) => void;
}

export interface RunningHttpServer {
  url: string;
  close: () => Promise<void>;
}

const IDE_QUERY = `# Sign up with the API key (pre-filled in Headers), then log in and put
# "Authorization": "Bearer <accessToken>" in Headers to call \`me\`.
mutation Signup {
  signup(email: "newcomer@example.com", password: "correct horse battery staple") {
    accessToken
    refreshToken
    expiresAt
    user { id email role }
  }
}
`;

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const ide = renderGraphiQL({
    title: 'AI Ops Assistant — GraphQL',
    endpoint: '/graphql',
    defaultQuery: IDE_QUERY,
    headers: JSON.stringify(options.ideHeaders, null, 2),
  });
  const server: Server = createServer((req, res) => {
    route(req, res, options, ide).catch((error: unknown) => {
      options.onError(error);
      if (!res.headersSent)
        sendJson(res, 500, { errors: [{ message: 'Internal error', errorType: 'InternalError' }] });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions, ide: string) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && (path === '/' || path === '/graphql')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(ide);
    return;
  }
  if (req.method === 'GET' && path === '/health') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (path !== '/graphql') {
    sendJson(res, 404, { errors: [{ message: 'Not found: POST /graphql', errorType: 'NotFound' }] });
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendJson(res, 405, { errors: [{ message: 'Use POST /graphql', errorType: 'BadRequest' }] });
    return;
  }
  const raw = await readBody(req, options.maxBodyBytes);
  if (raw === null) {
    sendJson(res, 413, {
      errors: [{ message: `Request body over ${options.maxBodyBytes} bytes`, errorType: 'ValidationError' }],
    });
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    sendJson(res, 400, {
      errors: [{ message: 'The request body is not valid JSON', errorType: 'BadRequest' }],
    });
    return;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  const response = await options.handleGraphQL({ headers, body });
  res.setHeader('x-amzn-requestid', response.requestId);
  sendJson(res, response.status, response.body);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
