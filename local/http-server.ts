import { createHash, randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { ValidationError } from '../lambdas/core/errors.ts';
import { ideCsp } from '../web/security-headers.ts';
import type { GraphQLHttpRequest, GraphQLHttpResponse } from './appsync/endpoint.ts';
import { type ParsedBody, parseBodyHere } from './body-parser.ts';
import { cachedPage, type SendPage } from './cached-page.ts';
import { consoleFile, DEFAULT_CONSOLE_DIR, SECURITY_HEADERS } from './console-files.ts';

export interface HttpServerOptions {
  port: number;
  host?: string;
  handleGraphQL: (request: GraphQLHttpRequest) => Promise<GraphQLHttpResponse>;
  /**
   * The answer the endpoint gives from the headers alone (credentials it refuses), asked before the body is read;
   * null: read the body and handle the request.
   */
  refuseFromHeaders?: (headers: GraphQLHttpRequest['headers']) => GraphQLHttpResponse | null;
  /** The local API key: the console's `/config.json` and the IDE's headers carry it. */
  apiKey: string;
  /** Serves `GET /metrics` (Prometheus text format). */
  metrics?: { contentType: string; text: () => Promise<string> };
  /** The built console (default: web/dist). */
  consoleDir?: string;
  /**
   * Requests larger than this get 413 before any parsing: at once when their Content-Length says so, else as soon
   * as the bytes received pass it (a chunked body that never ends included).
   */
  maxBodyBytes: number;
  /** How long a GraphQL body may take to arrive, from the end of its headers (default `BODY_TIMEOUT_MS`). */
  bodyTimeoutMs?: number;
  /** UTF-8 check and JSON parse of a body (local/body-parser.ts); by default on the event loop. */
  parseBody?: (bytes: Buffer) => Promise<ParsedBody>;
  onError: (error: unknown) => void;
  /** `PUT /uploads/…`: the local createLogUpload URLs (local/uploads.ts). */
  uploads?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Readiness: whether requests can be served now (database reachable, migrations applied). */
  readiness?: () => Promise<Readiness>;
  /** On close, how long requests in flight get to finish before their connections are cut (default 5 s). */
  closeGraceMs?: number;
}

export interface Readiness {
  ready: boolean;
  /** Each check's state in a few words, e.g. `{ database: 'reachable', migrations: 'applied' }`. */
  checks: Record<string, string>;
}

const CLOSE_GRACE_MS = 5_000;

/**
 * A GraphQL body (at most 6 MB) arrives within this or gets 408. Node's own bound is `requestTimeout`, 300 s for
 * the whole server, uploads of up to 1 GiB included: a client trickling a byte every few seconds held its
 * connection and buffer that long (1,000 such clients: 1,000 sockets for 5 minutes). 30 s is 6 MB at 200 KB/s.
 */
export const BODY_TIMEOUT_MS = 30_000;

export interface RunningHttpServer {
  url: string;
  close: () => Promise<void>;
}

const IDE_QUERY = `# Opened from the console: your access token and the API key are in Headers below.
# Otherwise only signup, login and refreshToken work (with the API key alone):
#   mutation { login(email: "you@example.com", password: "…") { accessToken } }
# then add "Authorization": "Bearer <accessToken>" to Headers.
query Me {
  me { id email role }
}
`;

/** Session storage key of the console (web/src/session/session-store.ts SESSION_KEY). */
const CONSOLE_SESSION_KEY = 'ai-ops.session';
const HEADERS_PLACEHOLDER = '__AI_OPS_IDE_HEADERS__';

/**
 * GraphiQL (the self-contained build in @graphql-yoga/render-graphiql, no CDN) with its Headers filled in the
 * browser: the API key, and the signed-in console user's access token while it is valid.
 */
export function renderIde(apiKey: string): string {
  const html = renderGraphiQL({
    title: 'AI Ops Assistant — GraphQL',
    endpoint: '/graphql',
    defaultQuery: IDE_QUERY,
    headers: HEADERS_PLACEHOLDER,
  });
  const placeholder = JSON.stringify(HEADERS_PLACEHOLDER);
  if (!html.includes(placeholder)) throw new Error('GraphiQL page: the headers option was not found');
  const script = `<script>
window.aiOpsIdeHeaders = function () {
  var headers = { 'x-api-key': ${JSON.stringify(apiKey)} };
  try {
    var session = JSON.parse(window.localStorage.getItem(${JSON.stringify(CONSOLE_SESSION_KEY)}) || 'null');
    if (session && typeof session.accessToken === 'string' && Date.parse(session.expiresAt) > Date.now()) {
      headers.Authorization = 'Bearer ' + session.accessToken;
    }
  } catch (e) {}
  return JSON.stringify(headers, null, 2);
};
</script>`;
  return html.replace('<head>', `<head>\n${script}`).replace(placeholder, 'window.aiOpsIdeHeaders()');
}

/**
 * SHA-256 (base64) of each inline script of a page, as a CSP hash source takes it. Like the HTML parser, a
 * script ends at the first `</script`, even when its code holds the string "<script>".
 */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script/gi)].map((match) =>
    createHash('sha256')
      .update(match[1] ?? '')
      .digest('base64'),
  );
}

/** The IDE page with the console's security headers, its CSP allowing exactly the page's own scripts. */
function idePage(apiKey: string): SendPage {
  const html = renderIde(apiKey);
  return cachedPage(html, {
    'content-type': 'text/html; charset=utf-8',
    ...SECURITY_HEADERS,
    'content-security-policy': ideCsp(inlineScriptHashes(html)),
  });
}

/**
 * A port that cannot be listened on is the user's choice to revisit (`--port`, PORT): a ValidationError on
 * `port` that says why, instead of Node's `listen EADDRINUSE: address already in use 127.0.0.1:4000`.
 */
function listenProblem(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new ValidationError(
      'port',
      `${port} is in use by another program: stop it, or choose another port`,
    );
  if (error.code === 'EACCES')
    return new ValidationError('port', `${port} needs privileges this user lacks: choose one above 1023`);
  return error;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const ide = idePage(options.apiKey);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res, options, ide).catch((error: unknown) => {
      // A client that hung up mid-body (an aborted upload, a dropped connection) is nobody's failure here:
      // logging it as an error would let any client flood the error log and page whoever watches it.
      if (clientHungUp(req, error)) return;
      options.onError(error);
      if (!res.headersSent)
        sendJson(res, 500, { errors: [{ message: 'Internal error', errorType: 'InternalError' }] });
    });
  };
  const server: Server = createServer(handle);
  // A client that asks before sending its body (`Expect: 100-continue`, which curl does past 1 MB) is told to go
  // on only once its credentials pass: a refused one never sends the body at all.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!isGraphQLPost(req)) res.writeContinue();
    handle(req, res);
  });
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenProblem(error, options.port)));
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** Errors a request's stream raises when its client went away before the body was read. */
const HANG_UP_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

function clientHungUp(req: IncomingMessage, error: unknown): boolean {
  const code = error !== null && typeof error === 'object' && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && HANG_UP_CODES.has(code) && req.socket.destroyed;
}

/**
 * A request Node's HTTP parser refused before any route saw it (headers too large, not HTTP at all, too slow
 * to arrive): answered with the endpoint's JSON error shape instead of Node's empty-bodied default.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request headers are too large (an access token is at most 4 KB)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time']
        : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify({ errors: [{ message, errorType: 'BadRequest' }] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** A browser navigating to a URL asks for HTML first; an API client asks for JSON or anything. */
const wantsHtml = (req: IncomingMessage): boolean => /\btext\/html\b/i.test(req.headers.accept ?? '');

async function route(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions, ide: SendPage) {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (read && path === '/graphiql') {
    await ide(req, res);
    return;
  }
  if (read && path === '/graphql' && wantsHtml(req)) {
    // A browser opening the API URL wants the IDE; an API client's GET is answered below (405, as documented).
    res.writeHead(302, { location: '/graphiql' });
    res.end();
    return;
  }
  if (read && path === '/metrics' && options.metrics) {
    const text = await options.metrics.text();
    res.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }
  if (path.startsWith('/uploads/') && options.uploads) {
    await options.uploads(req, res);
    return;
  }
  if (read && path === '/health/live') {
    // Liveness: the process answers. Restarting it would not bring a database back.
    sendJson(res, 200, { status: 'live' });
    return;
  }
  if (read && (path === '/health' || path === '/health/ready')) {
    const readiness = options.readiness ? await options.readiness() : { ready: true, checks: {} };
    res.setHeader('cache-control', 'no-store');
    sendJson(res, readiness.ready ? 200 : 503, {
      status: readiness.ready ? 'ready' : 'unavailable',
      live: true,
      ...readiness.checks,
    });
    return;
  }
  if (read && path === '/config.json') {
    res.setHeader('cache-control', 'no-store');
    sendJson(res, 200, { graphqlUrl: '/graphql', apiKey: options.apiKey });
    return;
  }
  if (path !== '/graphql') {
    const file = read ? consoleFile(options.consoleDir ?? DEFAULT_CONSOLE_DIR, path) : null;
    if (!file) {
      sendJson(res, 404, { errors: [{ message: `Not found: ${path}`, errorType: 'NotFound' }] });
      return;
    }
    res.writeHead(file.status, { ...file.headers, 'content-length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return;
  }
  for (const [name, value] of Object.entries(CORS_RESPONSE_HEADERS)) res.setHeader(name, value);
  if (req.method === 'OPTIONS') {
    answerPreflight(res);
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST, OPTIONS');
    sendJson(res, 405, { errors: [{ message: 'Use POST /graphql', errorType: 'BadRequest' }] });
    return;
  }
  const refused = options.refuseFromHeaders?.(plainHeaders(req));
  if (refused) {
    // The body is never read into memory: what the client still sends is dropped (a client that asked first
    // sends none, and its connection closes).
    if (asksFirst(req)) res.setHeader('connection', 'close');
    sendGraphQL(res, refused);
    if (!asksFirst(req)) dropRestOfBody(req);
    return;
  }
  const raw = await acceptedBody(req, res, options);
  if (raw === null) return;
  const parsed = await (options.parseBody ?? parseBodyHere)(raw);
  if (!parsed.ok) {
    const message = parsed.problem === 'not-utf8' ? 'not valid UTF-8' : 'not valid JSON';
    sendJson(res, 400, { errors: [{ message: `The request body is ${message}`, errorType: 'BadRequest' }] });
    return;
  }
  sendGraphQL(res, await options.handleGraphQL({ headers: plainHeaders(req), body: parsed.body }));
}

/**
 * The body of a GraphQL POST, or null when it is refused, answered here: 413 over the size limit, 408 past the
 * body deadline. A client that asks first (`Expect: 100-continue`) is told to go on only if its size fits.
 */
async function acceptedBody(
  req: IncomingMessage,
  res: ServerResponse,
  options: HttpServerOptions,
): Promise<Buffer | null> {
  const declaredTooLarge = Number(req.headers['content-length']) > options.maxBodyBytes;
  if (asksFirst(req) && declaredTooLarge) {
    // Told no before it sends anything: there is no body to wait for, and the connection cannot carry another.
    res.setHeader('connection', 'close');
    sendJson(res, 413, { errors: [unreadBodyError('too-large', options)] });
    return null;
  }
  if (asksFirst(req)) res.writeContinue();
  const raw = declaredTooLarge
    ? 'too-large'
    : await readBody(req, options.maxBodyBytes, options.bodyTimeoutMs ?? BODY_TIMEOUT_MS);
  if (raw === 'too-slow') {
    // A client this slow is not reading either: the connection closes once the answer is sent.
    res.setHeader('connection', 'close');
    sendJson(res, 408, { errors: [unreadBodyError(raw, options)] });
    return null;
  }
  if (raw === 'too-large') {
    sendJson(res, 413, { errors: [unreadBodyError(raw, options)] });
    dropRestOfBody(req);
    return null;
  }
  return raw;
}

/** `Expect: 100-continue`: the client sends its body only once told to go on. */
const asksFirst = (req: IncomingMessage): boolean => req.headers.expect?.toLowerCase() === '100-continue';

function isGraphQLPost(req: IncomingMessage): boolean {
  return req.method === 'POST' && (req.url ?? '/').split('?')[0] === '/graphql';
}

function plainHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  return headers;
}

/** As AppSync: the request id on every answer, and a refused request's error type in `x-amzn-ErrorType`. */
function sendGraphQL(res: ServerResponse, response: GraphQLHttpResponse): void {
  res.setHeader('x-amzn-requestid', response.requestId);
  const errorType = response.status === 200 ? undefined : response.body.errors?.[0]?.errorType;
  if (errorType) res.setHeader('x-amzn-errortype', errorType);
  sendJson(res, response.status, response.body);
}

/**
 * What AppSync's GraphQL endpoint sends with every answer, to any origin (it has no CORS setting: README,
 * "Browsers and CORS"). The token travels in a header, never a cookie, so no credentials mode is allowed.
 */
export const CORS_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'x-amzn-RequestId,x-amzn-ErrorType,x-amz-user-agent,x-amzn-ErrorMessage,Date,x-amz-schema-version',
};

/**
 * AppSync's answer to a preflight: 200 with no body, the headers a GraphQL client sends, cached for 2 days. No
 * allowed methods: POST needs none (a CORS-safelisted method), and the captured AppSync answer has none.
 */
function answerPreflight(res: ServerResponse): void {
  res.writeHead(200, {
    'access-control-allow-headers':
      'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent',
    'access-control-max-age': '172800',
    'x-amzn-requestid': randomUUID(),
    'content-length': 0,
  });
  res.end();
}

type UnreadBody = 'too-large' | 'too-slow';

function unreadBodyError(problem: UnreadBody, options: HttpServerOptions) {
  if (problem === 'too-slow') {
    const seconds = (options.bodyTimeoutMs ?? BODY_TIMEOUT_MS) / 1000;
    return { message: `The request body did not arrive within ${seconds} s`, errorType: 'BadRequest' };
  }
  // The one argument that can be this large is a log: say which field to shrink (AppSync's limit is similar).
  return {
    message: `raw: the request body is over ${options.maxBodyBytes} bytes; a log (raw) may be at most 5 MB`,
    errorType: 'ValidationError',
  };
}

/**
 * How long the rest of a refused body (413, or a 401 from the headers) is still read and dropped after its
 * answer. A client usually sends the whole body before it reads the answer: closing at once reset the connection
 * under it (`fetch failed: write EPIPE`, 3 to 4 times in 5 for a 7 MB body) instead of letting it read the
 * answer. A body that has not ended by then (a chunked one that never ends) has its connection cut.
 */
export const DROP_BODY_MS = 5_000;

function dropRestOfBody(req: IncomingMessage): void {
  if (req.complete) return;
  const cut = setTimeout(() => req.socket.destroy(), DROP_BODY_MS);
  const done = () => clearTimeout(cut);
  req.once('end', done);
  req.socket.once('close', done);
  req.resume();
}

/**
 * The body, or why it is not read to its end: a body whose bytes pass the limit or its deadline, as soon as
 * they do (a Content-Length over the limit is refused before this is called). Reading on to the end (as before) meant
 * no answer at all to a chunked body that never ends, only bytes read and thrown away for 300 s.
 */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer | UnreadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | UnreadBody) => {
      clearTimeout(deadline);
      req.off('data', onData);
      resolve(result);
    };
    const deadline = setTimeout(() => finish('too-slow'), timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish('too-large');
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', (error: unknown) => {
      clearTimeout(deadline);
      reject(error);
    });
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
