import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { AppSyncAuthorizerEvent, AppSyncAuthorizerResult, AppSyncResolverEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TEXT_NESTING } from '../../../local/appsync/depth-limit.ts';
import {
  type AppSyncEndpointOptions,
  createAppSyncEndpoint,
  FIELD_START_DEADLINE_MS,
  MAX_ANSWER_BYTES,
  MAX_CACHED_ANSWERS,
  MAX_FIELDS_IN_FLIGHT,
} from '../../../local/appsync/endpoint.ts';
import { findAwsDeclarations, loadAppSyncSchema } from '../../../local/appsync/schema.ts';
import { type RunningHttpServer, startHttpServer } from '../../../local/http-server.ts';

const schemaText = readFileSync('schema/schema.graphql', 'utf8');
const API_KEY = 'da2-testkey';

type ResolverEvent = AppSyncResolverEvent<Record<string, unknown>>;

/** Stand-ins for the authorizer and resolver Lambdas: the endpoint itself is what these tests exercise. */
const calls = { authorizer: [] as AppSyncAuthorizerEvent[], resolver: [] as ResolverEvent[] };
let authorizerAnswer: (token: string) => AppSyncAuthorizerResult<Record<string, string>> = () => ({
  isAuthorized: false,
});
let resolverAnswer: (event: ResolverEvent) => unknown = () => null;

let server: RunningHttpServer;
let clock = 1_000_000;

async function startEndpoint(
  overrides: Partial<AppSyncEndpointOptions> = {},
  onError: (error: unknown) => void = () => {},
  http: { bodyTimeoutMs?: number; maxBodyBytes?: number } = {},
): Promise<RunningHttpServer> {
  const endpoint = createAppSyncEndpoint({
    schema: loadAppSyncSchema(schemaText),
    apiId: 'local',
    apiKeys: () => [API_KEY],
    authorizer: async (event) => {
      calls.authorizer.push(event);
      return authorizerAnswer(event.authorizationToken);
    },
    authorizerTtlSeconds: 300,
    resolver: async (event) => {
      calls.resolver.push(event);
      return resolverAnswer(event);
    },
    queryDepthLimit: 4,
    resolverCountLimit: 3,
    introspection: true,
    now: () => clock,
    ...overrides,
  });
  return startHttpServer({
    port: 0,
    handleGraphQL: endpoint.handle,
    refuseFromHeaders: endpoint.refuseFromHeaders,
    apiKey: API_KEY,
    maxBodyBytes: 64 * 1024,
    onError,
    ...http,
  });
}

async function post(
  body: unknown,
  headers: Record<string, string>,
  url = server.url,
): Promise<{
  status: number;
  json: { data?: Record<string, unknown> | null; errors?: Record<string, unknown>[] };
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const bearer = { authorization: 'Bearer good-token' };
const userContext = { sub: 'user-1', role: 'USER', sid: 'session-1', email: 'u@example.com' };

/** A bare endpoint (no limits, every token accepted) whose resolver waits on `work`, then answers `me`. */
function endpointAnsweringMe(work: () => Promise<void>, now?: () => number) {
  return createAppSyncEndpoint({
    schema: loadAppSyncSchema(schemaText),
    apiId: 'x',
    apiKeys: () => [],
    authorizer: async () => ({ isAuthorized: true, resolverContext: userContext }),
    authorizerTtlSeconds: 0,
    resolver: async () => {
      await work();
      return { id: 'user-1', email: 'u@example.com', role: 'USER', createdAt: '2026-01-01T00:00:00.000Z' };
    },
    queryDepthLimit: 0,
    resolverCountLimit: 0,
    introspection: true,
    ...(now ? { now } : {}),
  });
}

beforeAll(async () => {
  server = await startEndpoint();
});
afterAll(async () => server.close());
beforeEach(() => {
  calls.authorizer.length = 0;
  calls.resolver.length = 0;
  clock += 1_000_000;
  authorizerAnswer = (token) =>
    token === 'Bearer good-token'
      ? { isAuthorized: true, resolverContext: userContext, deniedFields: ['Query.users'], ttlOverride: 60 }
      : { isAuthorized: false };
  resolverAnswer = (event) =>
    event.info.fieldName === 'me'
      ? { id: 'user-1', email: 'u@example.com', role: 'USER', createdAt: '2026-01-01T00:00:00.000Z' }
      : null;
});

describe('local AppSync endpoint', () => {
  it('declares no AWS scalar or directive in the schema file', () => {
    expect(findAwsDeclarations(schemaText)).toEqual([]);
    expect(() => loadAppSyncSchema(`scalar AWSDateTime\n${schemaText}`)).toThrow(/AWSDateTime/);
  });

  it('serves a GraphQL IDE at /graphiql', async () => {
    const response = await fetch(server.url.replace('/graphql', '/graphiql'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('GraphiQL');
  });

  it('rejects a request with neither an Authorization header nor an API key', async () => {
    const { status, json } = await post({ query: '{ me { id } }' }, {});
    expect(status).toBe(401);
    // AppSync's errorType for a request refused as a whole; `Unauthorized` is a field's, with HTTP 200.
    expect(json.errors?.[0]).toEqual({
      errorType: 'UnauthorizedException',
      message: 'You are not authorized to make this call.',
    });
  });

  it('rejects an unknown API key', async () => {
    const { status } = await post({ query: 'mutation { logout }' }, { 'x-api-key': 'da2-wrong' });
    expect(status).toBe(401);
  });

  it('refuses fields not marked @aws_api_key to an API key caller', async () => {
    const { status, json } = await post({ query: '{ me { id } }' }, { 'x-api-key': API_KEY });
    expect(status).toBe(200);
    expect(json.data).toEqual({ me: null });
    expect(json.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', path: ['me'] });
    expect(calls.resolver).toHaveLength(0);
  });

  it('lets an API key caller reach @aws_api_key fields, with a null identity', async () => {
    resolverAnswer = () => ({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: '2026-01-01T00:15:00.000Z',
      user: { id: 'u', email: 'new@example.com', role: 'USER', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    const { json } = await post(
      {
        query:
          'mutation($e: AWSEmail!) { signup(email: $e, password: "p") { accessToken user { email role } } }',
        variables: { e: 'new@example.com' },
      },
      { 'x-api-key': API_KEY },
    );
    expect(json.errors).toBeUndefined();
    expect(json.data).toEqual({
      signup: { accessToken: 'a', user: { email: 'new@example.com', role: 'USER' } },
    });
    expect(calls.resolver[0]?.identity).toBeNull();
    expect(calls.resolver[0]?.arguments).toEqual({ email: 'new@example.com', password: 'p' });
  });

  it('invokes the authorizer with AppSync event shape and passes resolverContext to the resolver', async () => {
    const { json } = await post(
      { query: 'query Me { me { id email } }', operationName: 'Me' },
      { ...bearer, 'x-trace': 't1' },
    );
    expect(json.data).toEqual({ me: { id: 'user-1', email: 'u@example.com' } });
    const authorizerEvent = calls.authorizer[0];
    expect(authorizerEvent?.authorizationToken).toBe('Bearer good-token');
    expect(authorizerEvent?.requestContext).toMatchObject({
      apiId: 'local',
      queryString: 'query Me { me { id email } }',
      operationName: 'Me',
      variables: {},
    });
    expect(authorizerEvent?.requestHeaders['x-trace']).toBe('t1');
    const resolverEvent = calls.resolver[0];
    expect(resolverEvent?.identity).toEqual({ resolverContext: userContext });
    expect(resolverEvent?.info).toMatchObject({
      fieldName: 'me',
      parentTypeName: 'Query',
      selectionSetList: ['id', 'email'],
    });
    expect(resolverEvent?.request.headers['x-trace']).toBe('t1');
  });

  it('caches the authorizer answer per token for its ttlOverride', async () => {
    await post({ query: '{ me { id } }' }, bearer);
    await post({ query: '{ me { id } }' }, bearer);
    expect(calls.authorizer).toHaveLength(1);
    clock += 61_000;
    await post({ query: '{ me { id } }' }, bearer);
    expect(calls.authorizer).toHaveLength(2);
  });

  it('keeps a bounded number of authorizer answers, forgetting the oldest, whatever clients send', async () => {
    let asked: string[] = [];
    const endpoint = createAppSyncEndpoint({
      schema: loadAppSyncSchema(schemaText),
      apiId: 'local',
      apiKeys: () => [API_KEY],
      // Denials are cached too, as on AppSync: every garbage token a client invents is an entry.
      authorizer: async (event) => {
        asked.push(event.authorizationToken);
        return { isAuthorized: false };
      },
      authorizerTtlSeconds: 300,
      resolver: async () => null,
      queryDepthLimit: 4,
      resolverCountLimit: 3,
      introspection: true,
      now: () => clock,
    });
    const ask = (token: string) =>
      endpoint.handle({ headers: { authorization: token }, body: { query: '{ me { id } }' } });
    const tokens = Array.from(
      { length: MAX_CACHED_ANSWERS + 100 },
      (_, i) => `Bearer ${i}${'x'.repeat(2000)}`,
    );
    for (const token of tokens) expect((await ask(token)).status).toBe(401);
    expect(endpoint.authorizerCacheSize()).toBeLessThanOrEqual(MAX_CACHED_ANSWERS);
    asked = [];
    const newest = tokens[tokens.length - 1] ?? '';
    const oldest = tokens[0] ?? '';
    await ask(newest);
    expect(asked).toEqual([]);
    await ask(oldest);
    expect(asked).toEqual([oldest]);
  });

  it('does not cache an answer whose ttlOverride is 0', async () => {
    authorizerAnswer = () => ({ isAuthorized: true, resolverContext: userContext, ttlOverride: 0 });
    await post({ query: '{ me { id } }' }, bearer);
    await post({ query: '{ me { id } }' }, bearer);
    expect(calls.authorizer).toHaveLength(2);
  });

  it('refuses the request when the authorizer says no', async () => {
    const { status, json } = await post({ query: '{ me { id } }' }, { authorization: 'Bearer bad' });
    expect(status).toBe(401);
    expect(json.errors?.[0]?.errorType).toBe('UnauthorizedException');
  });

  it('resolves a field in deniedFields to null with an error, leaving the rest', async () => {
    const { json } = await post({ query: '{ me { id } users { items { id } } }' }, bearer);
    expect(json.data).toEqual({ me: { id: 'user-1' }, users: null });
    expect(json.errors).toHaveLength(1);
    expect(json.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      path: ['users'],
      message: 'Not Authorized to access users on type Query',
    });
    expect(calls.resolver.map((e) => e.info.fieldName)).toEqual(['me']);
  });

  it('shapes an error envelope from the resolver as a GraphQL error with its errorType', async () => {
    resolverAnswer = () => ({ __error: { type: 'Forbidden', message: 'Only an admin may change roles' } });
    const { json } = await post({ query: 'mutation { setUserRole(userId: "x", role: OPS) { id } }' }, bearer);
    expect(json.data).toEqual({ setUserRole: null });
    expect(json.errors?.[0]).toMatchObject({
      errorType: 'Forbidden',
      message: 'Only an admin may change roles',
    });
  });

  it('turns a crashing resolver into InternalError without stack or SQL', async () => {
    resolverAnswer = () => {
      throw new Error('syntax error at or near "SELECT" at Object.query (/app/db.ts:12:3)');
    };
    const { json } = await post({ query: '{ me { id } }' }, bearer);
    expect(json.errors?.[0]).toMatchObject({ errorType: 'InternalError', message: 'Internal error' });
    expect(JSON.stringify(json)).not.toMatch(/SELECT|db\.ts|stack/);
  });

  it('validates AWS scalars in variables and literals', async () => {
    const viaVariable = await post(
      {
        query: 'mutation($e: AWSEmail!) { login(email: $e, password: "x") { accessToken } }',
        variables: { e: 'not-an-email' },
      },
      { 'x-api-key': API_KEY },
    );
    expect(viaVariable.json.errors?.[0]?.errorType).toBe('ValidationError');
    expect(viaVariable.json.errors?.[0]?.message).toMatch(/\$e|AWSEmail/);
    const viaLiteral = await post(
      { query: 'mutation { login(email: "a@b", password: "x") { accessToken } }' },
      { 'x-api-key': API_KEY },
    );
    expect(viaLiteral.status).toBe(400);
    expect(viaLiteral.json.errors?.[0]?.errorType).toBe('ValidationError');
    expect(viaLiteral.json.errors?.[0]?.message).toBe('email: "a@b" is not a valid AWSEmail');
    expect(calls.resolver).toHaveLength(0);
  });

  it('rejects AWSDateTime values without a time zone and serializes Date values', async () => {
    resolverAnswer = () => ({
      id: 'u',
      email: 'u@example.com',
      role: 'USER',
      createdAt: '2026-01-01T00:00:00',
    });
    const bad = await post({ query: '{ me { createdAt } }' }, bearer);
    expect(bad.json.errors?.[0]?.message).toMatch(/AWSDateTime/);
    resolverAnswer = () => ({ id: 'u', email: 'u@example.com', role: 'USER', createdAt: new Date(0) });
    const good = await post({ query: '{ me { createdAt } }' }, bearer);
    expect(good.json.data).toEqual({ me: { createdAt: '1970-01-01T00:00:00.000Z' } });
  });

  it('parses AWSJSON arguments and rejects invalid JSON', async () => {
    const { loadAppSyncSchema: load } = await import('../../../local/appsync/schema.ts');
    const schema = load('type Query { echo(value: AWSJSON!): AWSJSON }');
    const endpoint = createAppSyncEndpoint({
      schema,
      apiId: 'x',
      apiKeys: () => [],
      authorizer: async () => ({ isAuthorized: true, resolverContext: {} }),
      authorizerTtlSeconds: 0,
      resolver: async (event) => event.arguments.value,
      queryDepthLimit: 0,
      resolverCountLimit: 0,
      introspection: true,
    });
    const ok = await endpoint.handle({
      headers: { authorization: 't' },
      body: { query: 'query($v: AWSJSON!) { echo(value: $v) }', variables: { v: '{"a":[1,2]}' } },
    });
    expect(ok.body).toEqual({ data: { echo: '{"a":[1,2]}' } });
    const bad = await endpoint.handle({
      headers: { authorization: 't' },
      body: { query: 'query($v: AWSJSON!) { echo(value: $v) }', variables: { v: '{oops' } },
    });
    expect(bad.body.errors?.[0]?.errorType).toBe('ValidationError');
  });

  it('rejects queries deeper than the depth limit, fragments included', async () => {
    const { status, json } = await post(
      {
        query:
          'mutation { signup(email: "a@example.com", password: "p") { ...P } } fragment P on AuthPayload { user { ...U } } fragment U on User { id }',
      },
      { 'x-api-key': API_KEY },
    );
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    const deep = await startEndpoint({ queryDepthLimit: 2 });
    try {
      const rejected = await post(
        { query: 'mutation { signup(email: "a@example.com", password: "p") { user { id } } }' },
        { 'x-api-key': API_KEY },
        deep.url,
      );
      expect(rejected.status).toBe(400);
      expect(rejected.json.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
      expect(String(rejected.json.errors?.[0]?.message)).toMatch(/depth 3 exceeds the limit of 2/);
    } finally {
      await deep.close();
    }
  });

  it('refuses a query nested too deep to parse with a ValidationError saying so, not a stack overflow', async () => {
    const nested = (levels: number) => `{ me ${'{ id '.repeat(levels)}${'}'.repeat(levels)} }`;
    // 3,000 levels: deep enough to overflow graphql-js's recursive parser, under its 10,000-token limit.
    const tooDeep = await post({ query: nested(3_000) }, { 'x-api-key': API_KEY });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.errors).toEqual([
      {
        errorType: 'ValidationError',
        message: `Query is nested more than ${MAX_TEXT_NESTING} levels deep (braces, brackets, parentheses); too deep to parse`,
      },
    ]);
    // At the bound the query is parsed, and the field depth limit answers.
    const atBound = await post({ query: nested(MAX_TEXT_NESTING - 2) }, { 'x-api-key': API_KEY });
    expect(String(atBound.json.errors?.[0]?.message)).toMatch(/^Query depth \d+ exceeds the limit of 4/);
  });

  it('refuses variables holding more than 100,000 values before checking them, naming variables', async () => {
    const changelog = 'mutation($i: ChangelogInput!) { generateChangelog(input: $i) { id } }';
    const issues = Array.from({ length: 150_000 }, (_, i) => i);
    // The local server's body limit, which such variables fit in (150,000 numbers are ~1 MB).
    const large = await startEndpoint({}, () => {}, { maxBodyBytes: 6 * 1024 * 1024 });
    try {
      const { status, json } = await post(
        { query: changelog, variables: { i: { entries: [{ type: 'feat', description: 'a', issues }] } } },
        bearer,
        large.url,
      );
      expect(status).toBe(400);
      expect(json.errors).toEqual([
        {
          message:
            'variables: more than 100000 values (list items and object fields, at every depth); send fewer',
          errorType: 'ValidationError',
        },
      ]);
      expect(calls.resolver).toHaveLength(0);
      // The largest changelog the API takes, 10,000 commit messages, still goes through.
      const commits = Array.from({ length: 10_000 }, (_, i) => `feat: change ${i}`);
      const most = await post({ query: changelog, variables: { i: { commits } } }, bearer, large.url);
      expect(most.status).toBe(200);
      expect(calls.resolver).toHaveLength(1);
    } finally {
      await large.close();
    }
  });

  it('stops invoking resolvers past the resolver count limit', async () => {
    const { json } = await post({ query: '{ a: me { id } b: me { id } c: me { id } d: me { id } }' }, bearer);
    expect(calls.resolver).toHaveLength(3);
    expect(json.data?.d).toBeNull();
    expect(json.errors?.[0]).toMatchObject({ errorType: 'ValidationError', path: ['d'] });
  });

  it('runs at most two root fields of one request at once, so aliases do not take the whole pool; answers all', async () => {
    let running = 0;
    let most = 0;
    const endpoint = endpointAnsweringMe(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    });
    const aliases = Array.from({ length: 12 }, (_, i) => `a${i}: me { id }`).join(' ');
    const answered = await endpoint.handle({
      headers: { authorization: 't' },
      body: { query: `{ ${aliases} }` },
    });
    expect(answered.body.errors).toBeUndefined();
    expect(Object.values(answered.body.data as Record<string, unknown>)).toHaveLength(12);
    expect(most).toBe(MAX_FIELDS_IN_FLIGHT);
    expect(MAX_FIELDS_IN_FLIGHT).toBe(2);
  });

  it('does not start a field whose turn comes past the request deadline, and says so', async () => {
    let now = 0;
    const endpoint = endpointAnsweringMe(
      async () => {
        await new Promise((resolve) => setImmediate(resolve));
        now += FIELD_START_DEADLINE_MS + 1; // each field takes the whole budget
      },
      () => now,
    );
    const answered = await endpoint.handle({
      headers: { authorization: 't' },
      body: { query: '{ a: me { id } b: me { id } c: me { id } }' },
    });
    // a and b start at once; c's turn comes when one of them ends, past the deadline.
    expect(answered.body.data).toEqual({ a: { id: 'user-1' }, b: { id: 'user-1' }, c: null });
    expect(answered.body.errors).toEqual([
      expect.objectContaining({
        errorType: 'ServiceUnavailable',
        path: ['c'],
        errorInfo: { retryAfterSeconds: 1 },
      }),
    ]);
  });

  it('stops gathering answers past the per-request byte bound (aliases multiply big answers)', async () => {
    const padding = 'x'.repeat(MAX_ANSWER_BYTES / 2 + 1);
    resolverAnswer = () => ({
      id: 'user-1',
      email: padding,
      role: 'USER',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const { json } = await post({ query: '{ a: me { id } b: me { id } }' }, bearer);
    expect(json.data?.a).toEqual({ id: 'user-1' });
    expect(json.data?.b).toBeNull();
    expect(json.errors?.[0]).toMatchObject({ errorType: 'BadRequest', path: ['b'] });
    expect(String(json.errors?.[0]?.message)).toContain('32 MB');
  });

  it('runs the operation each request names in a document sent again, and refuses a name it does not have', async () => {
    const query = 'query A { me { id } } query B { me { email } }';
    for (let round = 0; round < 2; round++) {
      expect((await post({ query, operationName: 'A' }, bearer)).json.data).toEqual({ me: { id: 'user-1' } });
      expect((await post({ query, operationName: 'B' }, bearer)).json.data).toEqual({
        me: { email: 'u@example.com' },
      });
      for (const operationName of ['C', undefined]) {
        const refused = await post({ query, operationName }, bearer);
        expect(refused.status).toBe(400);
        expect(refused.json.errors?.[0]).toMatchObject({
          message: 'Unknown or ambiguous operation name',
          errorType: 'ValidationError',
        });
      }
    }
  });

  it('answers malformed requests with 400 and a clear message', async () => {
    const response = await fetch(server.url, { method: 'POST', headers: bearer, body: '{not json' });
    expect(response.status).toBe(400);
    const noQuery = await post({ variables: {} }, bearer);
    expect(noQuery.status).toBe(400);
    expect(noQuery.json.errors?.[0]?.message).toMatch(/query/);
  });

  it('refuses a body over the size limit before parsing it', async () => {
    const { status } = await post({ query: `{ me { id } } #${'x'.repeat(70 * 1024)}` }, bearer);
    expect(status).toBe(413);
  });

  it('refuses a body that is not UTF-8 instead of passing U+FFFD on in place of its bytes', async () => {
    const body = Buffer.concat([
      Buffer.from('{"query":"mutation($t: String!) { triageTicket(title: $t) { id } }","variables":{"t":"ab'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}}'),
    ]);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The request body is not valid UTF-8', errorType: 'BadRequest' }],
    });
    expect(calls.resolver).toHaveLength(0);
  });

  it("answers what Node's HTTP parser refuses in the endpoint's JSON error shape", async () => {
    const tooLarge = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${'a'.repeat(20_000)}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(tooLarge.status).toBe(431);
    expect(await tooLarge.json()).toEqual({
      errors: [
        {
          message: 'The request headers are too large (an access token is at most 4 KB)',
          errorType: 'BadRequest',
        },
      ],
    });
    const garbage = await rawExchange(server.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toEqual({
      errors: [{ message: 'The request is not valid HTTP', errorType: 'BadRequest' }],
    });
  });

  it('says a query is too complex to validate, not only "Validation aborted."', async () => {
    const { status, json } = await post({ query: `{ me { ${'id '.repeat(3000)}} }` }, bearer);
    expect(status).toBe(400);
    expect(json.errors).toEqual([
      {
        message:
          'The query is too complex to validate (too many repeated or overlapping selections): select each field once',
        errorType: 'ValidationError',
      },
    ]);
  });

  it('does not report a client that hangs up mid-body as an error of the server', async () => {
    const reported: unknown[] = [];
    const endpoint = await startEndpoint({}, (error) => reported.push(error));
    try {
      for (let i = 0; i < 5; i += 1) {
        const socket = connect(Number(new URL(endpoint.url).port), '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(
          'POST /graphql HTTP/1.1\r\nhost: local\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n{"query":',
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        socket.destroy();
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(reported).toEqual([]);
      expect((await post({ query: '{ me { id } }' }, bearer, endpoint.url)).status).toBe(200);
    } finally {
      await endpoint.close();
    }
  });
});

/** Sends bytes as they are (fetch would refuse to send what is not HTTP) and reads the whole answer. */
function rawExchange(url: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(request);
  });
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Whether the server said `100 Continue` to a client that asked before sending its body. */
  continued: boolean;
}

/**
 * A POST announcing `contentLength` bytes of which only `sent` go out before the answer is awaited (the rest
 * after a `100 Continue`, when asked for one): a server that waits for the whole body before answering never
 * answers, one that decides from the headers does.
 */
function rawPost(
  url: string,
  headers: Record<string, string>,
  body: { contentLength: number; sent: string; rest?: string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.contentLength),
        ...headers,
      },
    });
    req.on('continue', () => {
      continued = true;
      req.end(body.rest ?? '');
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, continued });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
    if (body.sent) req.write(body.sent);
  });
}

describe('credentials the endpoint refuses from the headers, before the body', () => {
  const MEGABYTES_6 = 6 * 1024 * 1024;
  const start = JSON.stringify({ query: 'mutation($r: String!) { summarizeLog(raw: $r) { id } }' }).slice(
    0,
    40,
  );
  let strict: RunningHttpServer;
  beforeAll(async () => {
    strict = await startEndpoint({
      identityValidationExpression: /^[Bb]earer +[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
    });
  });
  afterAll(async () => strict.close());

  it('answers AppSync’s 401 to a request with no credentials without waiting for its 6 MB body', async () => {
    const answer = await rawPost(server.url, {}, { contentLength: MEGABYTES_6, sent: start });
    expect(answer.status).toBe(401);
    expect(answer.headers['x-amzn-errortype']).toBe('UnauthorizedException');
    expect(answer.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(answer.text)).toEqual({
      errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
    });
  });

  it('answers 401 to an unknown API key without waiting for the body', async () => {
    const answer = await rawPost(
      server.url,
      { 'x-api-key': 'da2-wrong' },
      { contentLength: MEGABYTES_6, sent: start },
    );
    expect(answer.status).toBe(401);
  });

  it('tells a client that asks first (Expect: 100-continue) not to send its body at all', async () => {
    const answer = await rawPost(
      server.url,
      { expect: '100-continue' },
      { contentLength: MEGABYTES_6, sent: '' },
    );
    expect(answer).toMatchObject({ status: 401, continued: false });
  });

  it('lets a client with credentials that asks first send its body, and answers it', async () => {
    const body = JSON.stringify({ query: '{ me { id } }' });
    const answer = await rawPost(
      server.url,
      { expect: '100-continue', ...bearer },
      { contentLength: Buffer.byteLength(body), sent: '', rest: body },
    );
    expect(answer).toMatchObject({ status: 200, continued: true });
    expect(JSON.parse(answer.text)).toEqual({ data: { me: { id: 'user-1' } } });
  });

  it('refuses an Authorization header the validation expression rejects, without invoking the authorizer', async () => {
    for (const authorization of ['good-token', 'Bearer good-token', 'Basic dXNlcjpwYXNz', '']) {
      const answer = await rawPost(
        strict.url,
        { authorization },
        { contentLength: MEGABYTES_6, sent: start },
      );
      expect(answer.status, authorization).toBe(401);
    }
    expect(calls.authorizer).toEqual([]);
    const shaped = await post(
      { query: '{ me { id } }' },
      { authorization: 'Bearer aaa.bbb.ccc' },
      strict.url,
    );
    expect(shaped.status).toBe(401);
    expect(calls.authorizer.map((event) => event.authorizationToken)).toEqual(['Bearer aaa.bbb.ccc']);
  });
});

describe('bodies the endpoint does not wait for (a client that sends too much, or too slowly)', () => {
  const start = '{"query":"{ me { id } }","variables":{"pad":"';

  it('answers 413 to a Content-Length over the limit at once, without reading the body', async () => {
    const answer = await rawPost(server.url, bearer, { contentLength: 50 * 1024 * 1024, sent: start });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ errors: [{ errorType: 'ValidationError' }] });
    expect(calls.authorizer).toHaveLength(0);
  });

  it('tells a client that asks first with a Content-Length over the limit 413, not to go on', async () => {
    const answer = await rawPost(
      server.url,
      { ...bearer, expect: '100-continue' },
      { contentLength: 50 * 1024 * 1024, sent: '' },
    );
    expect(answer.status).toBe(413);
    expect(answer.continued).toBe(false);
    expect(answer.headers.connection).toBe('close');
  });

  it('answers 413 to a chunked body as soon as it passes the limit, though it never ends', async () => {
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      // Chunked (no Content-Length), past the 64 KB limit, and never ended.
      req.write(start);
      req.write('x'.repeat(80 * 1024));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ errors: [{ errorType: 'ValidationError' }] });
  });

  it('answers 408 to a body that has not arrived by the body deadline, and still serves others', async () => {
    const slow = await startEndpoint({}, () => {}, { bodyTimeoutMs: 300 });
    try {
      const answer = await rawPost(slow.url, bearer, { contentLength: 1_000, sent: start });
      expect(answer.status).toBe(408);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.text)).toEqual({
        errors: [{ message: 'The request body did not arrive within 0.3 s', errorType: 'BadRequest' }],
      });
      expect((await post({ query: '{ me { id } }' }, bearer, slow.url)).status).toBe(200);
    } finally {
      await slow.close();
    }
  });
});

describe('browsers on another origin (CORS), as AppSync answers them', () => {
  it('answers a preflight with 200, no body, every origin and the headers a GraphQL client sends', async () => {
    const response = await fetch(server.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-api-key',
      },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(',');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-api-key']));
    expect(response.headers.get('access-control-max-age')).toBe('172800');
  });

  it('lets a cross-origin page read answers, refusals included, and their request id', async () => {
    for (const headers of [bearer, {}]) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { origin: 'http://localhost:5173', 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-expose-headers')).toContain('x-amzn-RequestId');
      await response.arrayBuffer();
    }
  });
});
