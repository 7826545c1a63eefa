/**
 * `ai-ops logs upload <file>`: a log of any size up to 1 GiB (plain or gzip) to a running API: a plain file up
 * to 1 MiB as text (summarizeLog, as the console sends it), a larger one by createLogUpload and the file
 * streamed to the URL it answers (never read whole); then the entry polled until its summary is written.
 * Works against `npm start` (the default URL) and a deployed stage alike.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { decompressed } from '../../lambdas/core/logs/decompress.ts';
import {
  BINARY_SAMPLE_CHARS,
  looksBinary,
  SEND_AS_TEXT_MAX_BYTES,
} from '../../lambdas/core/logs/text-checks.ts';
import { parseCommandArgs, type Say, sayAs, UsageError, wantsHelp } from './command.ts';
import { byteOrderMark, fileStat } from './logs.ts';

export const UPLOAD_USAGE = `Usage: ai-ops logs upload <file> [--source <s>] [--format <f>] [--api <url>] [--no-wait]

Uploads a log (up to 1 GiB, plain text or gzip) to a running API and prints its summary once the worker
has written it. A plain file up to 1 MiB is sent as text, as the console sends it, and the entry keeps its
redacted text (the console shows its raw text and a template's lines); a larger or gzip file is streamed,
never read whole, and only its summary is kept.

Options:
  --source <s>     the service or file the log came from: the summary says what changed since its last log
  --format <f>     Loghub-style header format (default: detected)
  --api <url>      the GraphQL URL (default: $AI_OPS_API_URL or http://localhost:4000/graphql)
  --token <t>      an access token (default: $AI_OPS_TOKEN); or sign in with
  --email <e>      --email and the password in $AI_OPS_PASSWORD, with
  --key <k>        the API key for signing in (default: $AI_OPS_API_KEY; \`npm start\` prints it)
  --no-wait        print the entry id once the file is uploaded, without waiting for the summary
  --json           print the summary as JSON (default: readable text)
  --timeout <s>    seconds to wait for the summary (default 1800)
  -h, --help       this help`;

interface Options {
  file: string;
  source?: string;
  format?: string;
  api: string;
  token?: string;
  email?: string;
  key?: string;
  wait: boolean;
  json: boolean;
  timeoutSeconds: number;
}

function parseOptions(args: string[], env: NodeJS.ProcessEnv): Options {
  const { values, positionals } = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: {
        source: { type: 'string' },
        format: { type: 'string' },
        api: { type: 'string' },
        token: { type: 'string' },
        email: { type: 'string' },
        key: { type: 'string' },
        'no-wait': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
      },
    },
    'logs upload',
  );
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('give one file to upload');
  const timeoutSeconds = Number(values.timeout ?? 1800);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new UsageError('--timeout: seconds, e.g. 600');
  const token = values.token ?? env.AI_OPS_TOKEN;
  const email = values.email ?? env.AI_OPS_EMAIL;
  if (!token && !email)
    throw new UsageError('sign in with --token <access token>, or --email with $AI_OPS_PASSWORD');
  return {
    file,
    ...(values.source === undefined ? {} : { source: values.source }),
    ...(values.format === undefined ? {} : { format: values.format }),
    api: values.api ?? env.AI_OPS_API_URL ?? 'http://localhost:4000/graphql',
    ...(token ? { token } : {}),
    ...(email ? { email } : {}),
    ...((values.key ?? env.AI_OPS_API_KEY) ? { key: values.key ?? env.AI_OPS_API_KEY } : {}),
    wait: !values['no-wait'],
    json: values.json,
    timeoutSeconds,
  };
}

type Call = (query: string, variables: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** A connection that failed, said for people: where, why (the socket's code), and what to check. */
function unreachable(url: string, error: unknown): Error {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  const why = typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `cannot reach ${url} (${why}): is the API running (\`ai-ops start\`), and is --api right?`,
  );
}

/** Which credential a call carries: a refusal names it and where it came from. */
type Credential = 'key' | 'token';

const REFUSED: Record<Credential, string> = {
  key: 'the API refused the API key (--key or $AI_OPS_API_KEY; `ai-ops start` prints it)',
  token:
    'the API refused the access token (--token or $AI_OPS_TOKEN): it may have expired or come from another deployment; pass a fresh one, or sign in with --email',
};

/** GraphQL error types that are the server's trouble, not the request's: trying again later may work. */
const SERVER_SIDE = new Set(['ServiceUnavailable', 'InternalError', 'RateLimited']);

/**
 * An answer without data, said for people, and whose to fix: a refused credential or a bad request is the
 * user's (a UsageError, exit 2); a server that failed or answered nothing usable is not (an Error, exit 1).
 */
function apiProblem(
  api: string,
  status: number,
  errors: readonly { message: string; errorType?: string }[],
  credential: Credential,
): Error {
  // The authorizer's and API_KEY mode's refusal (HTTP 401, UnauthorizedException), not a field's (login's).
  if (status === 401 || errors.some((e) => e.errorType === 'UnauthorizedException'))
    return new UsageError(REFUSED[credential]);
  if (errors.length > 0) {
    const message = errors.map((e) => e.message).join('; ');
    const serverSide = status >= 500 || errors.some((e) => SERVER_SIDE.has(e.errorType ?? ''));
    return serverSide ? new Error(`the API failed (HTTP ${status}): ${message}`) : new UsageError(message);
  }
  if (status >= 500) return new Error(`the API failed with HTTP ${status} and no answer; try again later`);
  return new UsageError(
    `${api} answered HTTP ${status} without a GraphQL answer: is --api the API's GraphQL URL (…/graphql)?`,
  );
}

/** One GraphQL call; an answer with errors is an error naming them (the API's messages are for people). */
function graphqlClient(api: string, headers: Record<string, string>, credential: Credential): Call {
  return async (query, variables) => {
    const response = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    }).catch((error: unknown) => {
      throw unreachable(api, error);
    });
    const body = (await response.json().catch(() => ({}))) as {
      data?: Record<string, unknown>;
      errors?: { message: string; errorType?: string }[];
    };
    if (body.errors?.length || !body.data)
      throw apiProblem(api, response.status, body.errors ?? [], credential);
    return body.data;
  };
}

async function signIn(options: Options, env: NodeJS.ProcessEnv): Promise<string> {
  if (options.token) return options.token;
  const password = env.AI_OPS_PASSWORD;
  if (!password) throw new UsageError('set $AI_OPS_PASSWORD to sign in with --email');
  if (!options.key) throw new UsageError('signing in needs the API key: --key or $AI_OPS_API_KEY');
  const data = await graphqlClient(
    options.api,
    { 'x-api-key': options.key },
    'key',
  )('mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken } }', {
    e: options.email,
    p: password,
  });
  return (data.login as { accessToken: string }).accessToken;
}

/** PUTs the file as a stream with its exact length (S3 and the local endpoint both hold uploads to it). */
function putFile(url: URL, file: string, size: number, headers: Record<string, string>): Promise<void> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'PUT', headers: { ...headers, 'content-length': String(size) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < 4096) text += chunk;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const problem = `(HTTP ${status}): ${uploadProblem(text)}`;
          if (status >= 200 && status < 300) resolve();
          // A refusal (too large, an expired URL) is the request's; a 5xx is the storage's, worth another try.
          else if (status >= 500) reject(new Error(`the upload failed ${problem}`));
          else reject(new UsageError(`the upload was refused ${problem}`));
        });
      },
    );
    req.on('error', (error: unknown) => reject(unreachable(url.origin, error)));
    createReadStream(file).on('error', reject).pipe(req);
  });
}

/** The reason in a refused upload's body: the local endpoint's JSON message, or S3's XML <Message>. */
function uploadProblem(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {}
  return /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? (body.trim() || 'no reason given');
}

const CREATE = `mutation($f: String!, $s: Int!, $src: String, $fmt: String, $k: String) {
  createLogUpload(filename: $f, size: $s, source: $src, format: $fmt, idempotencyKey: $k) {
    entry { id } uploadUrl uploadHeaders
  }
}`;
const SUMMARIZE = `mutation($raw: String!, $src: String, $fmt: String, $k: String) {
  summarizeLog(raw: $raw, source: $src, format: $fmt, idempotencyKey: $k) { id }
}`;
const READ = `query($id: ID!) { logEntry(id: $id) { status summary { text json } job { lastError } } }`;

interface Entry {
  status: string;
  summary: { text: string; json: string } | null;
  job: { lastError: string | null } | null;
}

async function waitForSummary(call: Call, id: string, timeoutSeconds: number): Promise<Entry> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
    const entry = (await call(READ, { id })).logEntry as Entry;
    if (entry.status === 'SUCCEEDED' || entry.status === 'FAILED') return entry;
    if (Date.now() > deadline) {
      // Not a usage error: the upload went through, the worker is slow or stuck (exit 1, as a failed job).
      throw new Error(`no summary after ${timeoutSeconds} s (status ${entry.status}); entry ${id}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * The start of the file (read through gzip) as the worker checks it: a binary file is refused here, before an
 * entry is created and the whole file sent, only for the worker to fail it. Anything else it cannot read (a
 * broken gzip) is left for the worker to report as it does.
 */
async function refuseBinary(file: string): Promise<void> {
  const stream = createReadStream(file);
  let head = '';
  let utf16 = false;
  try {
    const { bytes } = await decompressed(stream);
    const decoder = new TextDecoder();
    for await (const chunk of bytes) {
      if (head === '' && byteOrderMark(chunk).encoding !== 'utf8') utf16 = true;
      head += decoder.decode(chunk, { stream: true });
      if (utf16 || head.length >= BINARY_SAMPLE_CHARS) break;
    }
  } catch {
    return;
  } finally {
    stream.destroy();
  }
  // `ai-ops logs summarize` reads UTF-16 itself; the worker reads UTF-8 only and would fail it as binary.
  if (utf16)
    throw new ValidationError(
      'file',
      'is UTF-16 text and the API reads UTF-8: convert it first (iconv -f UTF-16 -t UTF-8 <file> > <file>.utf8)',
    );
  if (looksBinary(head)) throw new ValidationError('file', 'looks like binary data, not text');
}

/**
 * A small plain file's text, without a UTF-8 byte-order mark, or undefined for gzip: such a file is sent as
 * text, as the console sends it, so the entry keeps its redacted text (its lines can be shown).
 */
function plainText(bytes: Buffer): string | undefined {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return undefined;
  return new TextDecoder().decode(bytes.subarray(byteOrderMark(bytes).length));
}

async function sendText(call: Call, options: Options, raw: string): Promise<string> {
  const variables = { raw, src: options.source ?? null, fmt: options.format ?? null, k: randomUUID() };
  return ((await call(SUMMARIZE, variables)).summarizeLog as { id: string }).id;
}

/** createLogUpload, then the file streamed to the URL it answers. */
async function uploadFile(call: Call, options: Options, size: number): Promise<string> {
  const created = (
    await call(CREATE, {
      f: basename(options.file),
      s: size,
      src: options.source ?? null,
      fmt: options.format ?? null,
      k: randomUUID(),
    })
  ).createLogUpload as { entry: { id: string }; uploadUrl: string; uploadHeaders: string };
  const headers = JSON.parse(created.uploadHeaders) as Record<string, string>;
  await putFile(new URL(created.uploadUrl, options.api), options.file, size, headers);
  return created.entry.id;
}

export async function runUpload(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  say: Say = sayAs('logs upload'),
): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${UPLOAD_USAGE}\n`);
    return 0;
  }
  const options = parseOptions(args, env);
  // Checked before an entry is created: a directory or an empty file would leave one waiting for its upload.
  const { size } = fileStat(options.file);
  if (size === 0) throw new ValidationError('file', 'is empty');
  await refuseBinary(options.file);
  const token = await signIn(options, env);
  const call = graphqlClient(options.api, { authorization: `Bearer ${token}` }, 'token');
  const text = size <= SEND_AS_TEXT_MAX_BYTES ? plainText(readFileSync(options.file)) : undefined;
  const id = text === undefined ? await uploadFile(call, options, size) : await sendText(call, options, text);
  if (!options.wait) {
    process.stdout.write(`${id}\n`);
    return 0;
  }
  const how = text === undefined ? 'uploaded' : 'sent';
  say(`${how} ${size} bytes as entry ${id}; waiting for the summary…`);
  const entry = await waitForSummary(call, id, options.timeoutSeconds);
  if (entry.status === 'FAILED' || !entry.summary) {
    say(`the summary of entry ${id} failed: ${entry.job?.lastError ?? 'no reason'}`);
    return 1;
  }
  process.stdout.write(options.json ? `${entry.summary.json}\n` : `${entry.summary.text}\n`);
  return 0;
}
