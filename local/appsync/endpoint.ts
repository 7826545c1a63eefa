/**
 * The local AppSync-compatible GraphQL endpoint: auth-mode selection by header, the Lambda authorizer with
 * AppSync's event and per-token cache, `deniedFields`, direct Lambda resolver events, `errorType`-shaped errors,
 * AWS scalar validation, query depth and resolver count limits. Beyond AppSync, for a shared local process: the
 * API's request-wide bounds checked on the whole operation before any field runs (`refuseOperation`), at most
 * `MAX_FIELDS_IN_FLIGHT` root fields of a request at once, and `MAX_ANSWER_BYTES` of answers. Transport-free:
 * `server.ts` feeds it HTTP.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AppSyncAuthorizerEvent, AppSyncAuthorizerResult, AppSyncResolverEvent } from 'aws-lambda';
import {
  type ASTNode,
  type DocumentNode,
  execute,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLError,
  type GraphQLFieldResolver,
  GraphQLIncludeDirective,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getOperationAST,
  getVariableValues,
  type InlineFragmentNode,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  print,
  type SelectionSetNode,
  specifiedRules,
  type ValueNode,
  validate,
  visit,
} from 'graphql';
import { type AuthMode, allowedModes } from './auth-modes.ts';
import { depthLimitRule, MAX_TEXT_NESTING, textNestingDepth } from './depth-limit.ts';

type ResolverContext = Record<string, string>;
export type AuthorizerInvoker = (
  event: AppSyncAuthorizerEvent,
) => Promise<AppSyncAuthorizerResult<ResolverContext>>;
export type ResolverInvoker = (event: AppSyncResolverEvent<Record<string, unknown>>) => Promise<unknown>;

export interface AppSyncEndpointOptions {
  schema: GraphQLSchema;
  apiId: string;
  /** Keys accepted in `x-api-key` (read on every request so a rotated key file takes effect). */
  apiKeys: () => readonly string[];
  authorizer: AuthorizerInvoker;
  /**
   * The API's `identityValidationExpression`: an Authorization header that does not match it is refused (401)
   * without invoking the authorizer, as AppSync does. None: every header goes to the authorizer.
   */
  identityValidationExpression?: RegExp;
  /** The API's authorizer result TTL, used when the authorizer gives no `ttlOverride`. */
  authorizerTtlSeconds: number;
  resolver: ResolverInvoker;
  /** 0 disables the limit, as on AppSync. */
  queryDepthLimit: number;
  /** 0 disables the limit, as on AppSync. */
  resolverCountLimit: number;
  introspection: boolean;
  /**
   * The API's request-wide bounds: given every root field the operation will send to the resolver (aliases,
   * fragments and @skip/@include resolved, each with its arguments and AppSync's `selectionSetList`), the error
   * that refuses the request as a whole before any field runs, or null. AppSync has no such hook (its resolvers
   * each see one field); locally the whole operation is at hand, so a bound can hold per request.
   */
  refuseOperation?: (fields: readonly OperationField[]) => { errorType: string; message: string } | null;
  /** Reports unexpected failures (the caller only sees a generic InternalError). */
  onInternalError?: (error: unknown, context: { requestId: string }) => void;
  /** Told of every root field answered, and of each request refused before any field ran (API metrics). */
  onAnswer?: (answer: FieldAnswer) => void;
  now?: () => number;
}

/** A root field of an operation as its resolver will be asked for it. */
export interface OperationField {
  fieldName: string;
  parentTypeName: string;
  arguments: Record<string, unknown>;
  selectionSetList: readonly string[];
}

export interface FieldAnswer {
  /** The root field (`summarizeLog`); null for a request refused as a whole (credentials, a bad document). */
  operation: string | null;
  /** Null when it succeeded. */
  errorType: string | null;
  durationMs: number;
}

export interface GraphQLHttpRequest {
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface AppSyncErrorBody {
  message: string;
  errorType: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  data?: null;
  /** AppSync's `errorInfo`: details the resolver attached, e.g. `{ retryAfterSeconds: 5 }`. */
  errorInfo?: Record<string, unknown> | null;
}

export interface GraphQLHttpResponse {
  status: number;
  body: { data?: unknown; errors?: AppSyncErrorBody[] };
  requestId: string;
}

/** Raised inside field resolution; becomes one GraphQL error with this `errorType`. */
export class FieldError extends Error {
  readonly errorType: string;
  readonly info: Record<string, unknown> | null;
  constructor(errorType: string, message: string, info: Record<string, unknown> | null = null) {
    super(message);
    this.name = 'FieldError';
    this.errorType = errorType;
    this.info = info;
  }
}

interface RequestState {
  mode: AuthMode;
  resolverContext: ResolverContext | null;
  deniedFields: ReadonlySet<string>;
  headers: Record<string, string>;
  variables: Record<string, unknown>;
  resolverInvocations: number;
  /** Root fields of this request whose resolver runs now, and those waiting for a turn (MAX_FIELDS_IN_FLIGHT). */
  fieldsInFlight: number;
  fieldsWaiting: (() => void)[];
  /** When the request began (`options.now`), for FIELD_START_DEADLINE_MS. */
  startedAt: number;
  /** Bytes of resolver answers so far in this request (bounded by MAX_ANSWER_BYTES). */
  answerBytes: number;
  requestId: string;
}

/**
 * Most bytes of resolver answers one request may gather: each answer is bounded (a Lambda response is at
 * most 6 MB), but aliases multiply them, and the whole response is built in this process's memory.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

interface CachedAnswer {
  answer: AppSyncAuthorizerResult<ResolverContext>;
  expiresAt: number;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

type Reply = (status: number, body: GraphQLHttpResponse['body']) => GraphQLHttpResponse;

interface ParsedRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

export function createAppSyncEndpoint(options: AppSyncEndpointOptions) {
  const authorizer = cachedAuthorizer(options);
  const rules = [
    ...specifiedRules,
    ...(options.queryDepthLimit > 0 ? [depthLimitRule(options.queryDepthLimit)] : []),
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const fieldResolver = makeFieldResolver(options);
  const validated = validatedDocuments(options.schema, rules);

  async function handle(request: GraphQLHttpRequest): Promise<GraphQLHttpResponse> {
    const started = performance.now();
    const answered = await answer(request);
    // Refused as a whole: an HTTP error, or variables that could not be coerced (no data, no field ran).
    if (answered.status !== 200 || answered.body.data === null) {
      const errorType = answered.body.errors?.[0]?.errorType ?? 'InternalError';
      options.onAnswer?.({ operation: null, errorType, durationMs: performance.now() - started });
    }
    return answered;
  }

  async function answer(request: GraphQLHttpRequest): Promise<GraphQLHttpResponse> {
    const requestId = randomUUID();
    const reply: Reply = (status, body) => ({ status, body, requestId });
    const headers = lowerCaseHeaders(request.headers);
    const parsed = parseRequestBody(request.body);
    if ('error' in parsed)
      return reply(400, { errors: [{ message: parsed.error, errorType: 'BadRequest' }] });
    if (valuesPast(parsed.variables, MAX_VARIABLE_VALUES)) return reply(400, { errors: [TOO_MANY_VALUES] });
    const auth = await authenticate(options, authorizer, headers, parsed, requestId);
    if (!auth) return reply(401, unauthorizedBody());
    const document = validated(parsed);
    if ('errors' in document) return reply(400, { errors: document.errors });
    const refusal = options.refuseOperation?.(operationFields(options.schema, document.document, parsed));
    if (refusal) return reply(400, { errors: [refusal] });
    const state: RequestState = {
      ...auth,
      headers,
      variables: parsed.variables,
      resolverInvocations: 0,
      fieldsInFlight: 0,
      fieldsWaiting: [],
      startedAt: (options.now ?? Date.now)(),
      answerBytes: 0,
      requestId,
    };
    const result = await execute({
      schema: options.schema,
      document: document.document,
      variableValues: parsed.variables,
      operationName: parsed.operationName,
      contextValue: state,
      fieldResolver,
    });
    const errors = result.errors?.map((error) =>
      formatExecutionError(error, requestId, options.onInternalError),
    );
    // As on AppSync, a request whose variables could not be coerced has no data at all.
    if (!('data' in result) || result.data === undefined) return reply(200, { data: null, errors });
    return reply(200, errors && errors.length > 0 ? { data: result.data, errors } : { data: result.data });
  }

  /**
   * The 401 AppSync answers from the headers alone (no credentials, an API key it does not know, an Authorization
   * header its validation expression refuses), or null when the body is needed to decide. The HTTP server asks
   * before it reads the body, so a client without credentials cannot make it read and parse megabytes.
   */
  function refuseFromHeaders(rawHeaders: GraphQLHttpRequest['headers']): GraphQLHttpResponse | null {
    if (!credentialsRefused(options, lowerCaseHeaders(rawHeaders))) return null;
    options.onAnswer?.({ operation: null, errorType: UNAUTHORIZED, durationMs: 0 });
    return { status: 401, body: unauthorizedBody(), requestId: randomUUID() };
  }

  return {
    handle,
    refuseFromHeaders,
    clearAuthorizerCache: authorizer.clear,
    authorizerCacheSize: authorizer.size,
  };
}

/**
 * Refused by AppSync's auth-mode selection before any authorizer or body: `Authorization` (the Lambda mode)
 * that fails the validation expression; without it, an `x-api-key` that is missing or unknown.
 */
function credentialsRefused(options: AppSyncEndpointOptions, headers: Record<string, string>): boolean {
  const authorization = headers.authorization;
  if (authorization !== undefined)
    return !(options.identityValidationExpression?.test(authorization) ?? true);
  const apiKey = headers['x-api-key'];
  return apiKey === undefined || !options.apiKeys().includes(apiKey);
}

type CachedAuthorizer = ReturnType<typeof cachedAuthorizer>;

/**
 * Most authorizer answers kept. A denial is cached like an approval (as AppSync does), so without a bound every
 * distinct garbage token a client sends stays for the TTL: 40,000 tokens of 8 KB took the process from 264 to
 * 542 MB, and past 10,000 entries each new one scanned the whole map (throughput of such requests fell from
 * ~1,100/s to ~200/s, on the event loop every other request shares).
 */
export const MAX_CACHED_ANSWERS = 10_000;

/** The cache's key: a token's digest, so an entry costs the same whatever the length of the header. */
const tokenKey = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * The Lambda authorizer with AppSync's per-token answer cache (the answer's ttlOverride, else the API's TTL),
 * holding at most `MAX_CACHED_ANSWERS`: when full, expired answers go, then the oldest, down to nine tenths, so
 * the scan runs once per thousand new tokens, not on every one. A forgotten answer is only asked for again.
 */
function cachedAuthorizer(options: AppSyncEndpointOptions) {
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedAnswer>();
  async function authorize(
    token: string,
    request: ParsedRequest,
    headers: Record<string, string>,
    requestId: string,
  ): Promise<AppSyncAuthorizerResult<ResolverContext>> {
    const key = tokenKey(token);
    const cached = cache.get(key);
    if (cached && cached.expiresAt > now()) return cached.answer;
    let answer: AppSyncAuthorizerResult<ResolverContext>;
    try {
      answer = await options.authorizer(authorizerEvent(options.apiId, token, request, headers, requestId));
    } catch (error: unknown) {
      // AppSync treats an authorizer failure as a denial.
      options.onInternalError?.(error, { requestId });
      return { isAuthorized: false };
    }
    const ttlSeconds = answer.ttlOverride ?? options.authorizerTtlSeconds;
    if (ttlSeconds > 0) {
      cache.delete(key);
      cache.set(key, { answer, expiresAt: now() + ttlSeconds * 1000 });
      if (cache.size > MAX_CACHED_ANSWERS) trim(cache, now());
    }
    return answer;
  }
  return { authorize, clear: () => cache.clear(), size: () => cache.size };
}

function trim(cache: Map<string, CachedAnswer>, nowMs: number): void {
  for (const [key, entry] of cache) if (entry.expiresAt <= nowMs) cache.delete(key);
  const target = Math.floor(MAX_CACHED_ANSWERS * 0.9);
  // A Map iterates in insertion order, and an answer is re-inserted when renewed: the first are the oldest.
  for (const key of cache.keys()) {
    if (cache.size <= target) break;
    cache.delete(key);
  }
}

function authorizerEvent(
  apiId: string,
  token: string,
  request: ParsedRequest,
  headers: Record<string, string>,
  requestId: string,
): AppSyncAuthorizerEvent {
  return {
    authorizationToken: token,
    requestContext: {
      apiId,
      accountId: '000000000000',
      requestId,
      queryString: request.query,
      operationName: request.operationName ?? undefined,
      variables: request.variables,
    },
    requestHeaders: headers,
  } as AppSyncAuthorizerEvent;
}

/**
 * AppSync's auth-mode selection: `Authorization` means the Lambda authorizer, `x-api-key` an API key; neither,
 * or a refusal, is null (401).
 */
async function authenticate(
  options: AppSyncEndpointOptions,
  authorizer: CachedAuthorizer,
  headers: Record<string, string>,
  request: ParsedRequest,
  requestId: string,
): Promise<Pick<RequestState, 'mode' | 'resolverContext' | 'deniedFields'> | null> {
  if (credentialsRefused(options, headers)) return null;
  if (headers.authorization !== undefined) {
    const answer = await authorizer.authorize(headers.authorization, request, headers, requestId);
    if (!answer.isAuthorized) return null;
    return {
      mode: 'AWS_LAMBDA',
      resolverContext: answer.resolverContext ?? {},
      deniedFields: new Set(answer.deniedFields ?? []),
    };
  }
  return { mode: 'API_KEY', resolverContext: null, deniedFields: new Set() };
}

/**
 * What graphql-js says, and nothing more, when a document exhausts its validation budget (thousands of
 * overlapping selections of one field, or fragments spread into each other combinatorially).
 */
const VALIDATION_ABORTED = 'Validation aborted.';
const TOO_COMPLEX =
  'The query is too complex to validate (too many repeated or overlapping selections): select each field once';

/** Valid documents kept by their text: clients send the same few queries again and again. */
const VALID_DOCUMENTS_KEPT = 500;
/** Longer texts are not kept: values written inline (a pasted log in `raw: "…"`) make them unique and large. */
const KEPT_DOCUMENT_CHARS = 8_192;

/**
 * `validatedDocument`, remembering the documents that passed by their text: parsing and validating took a
 * tenth of the API's CPU for a small query sent over and over (a console polling a list). The schema and
 * rules are fixed, so a text valid once is valid again; refusals are not kept (a hostile client's garbage
 * would push out the queries in use), nor long texts. The oldest entry goes first when the cache is full.
 */
function validatedDocuments(schema: GraphQLSchema, rules: Parameters<typeof validate>[2]) {
  const valid = new Map<string, DocumentNode>();
  return (request: ParsedRequest): ReturnType<typeof validatedDocument> => {
    const known = valid.get(request.query);
    if (known) {
      return getOperationAST(known, request.operationName)
        ? { document: known }
        : { errors: [UNKNOWN_OPERATION] };
    }
    const result = validatedDocument(schema, rules, request);
    if ('document' in result && request.query.length <= KEPT_DOCUMENT_CHARS) {
      if (valid.size >= VALID_DOCUMENTS_KEPT) valid.delete(valid.keys().next().value ?? '');
      valid.set(request.query, result.document);
    }
    return result;
  };
}

const UNKNOWN_OPERATION = { message: 'Unknown or ambiguous operation name', errorType: 'ValidationError' };

/** The parsed document, or the errors that stop it before execution (syntax, validation, operation name). */
function validatedDocument(
  schema: GraphQLSchema,
  rules: Parameters<typeof validate>[2],
  request: ParsedRequest,
): { document: DocumentNode } | { errors: AppSyncErrorBody[] } {
  if (textNestingDepth(request.query) > MAX_TEXT_NESTING) {
    return {
      errors: [
        {
          message: `Query is nested more than ${MAX_TEXT_NESTING} levels deep (braces, brackets, parentheses); too deep to parse`,
          errorType: 'ValidationError',
        },
      ],
    };
  }
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: 10_000 });
  } catch (error: unknown) {
    return { errors: [graphQLErrorBody(error as GraphQLError, 'ValidationError')] };
  }
  const validationErrors = validate(schema, document, rules);
  if (validationErrors.length > 0) {
    const where = argumentPaths(document);
    return {
      errors: validationErrors.map((e) =>
        e.message === VALIDATION_ABORTED
          ? { message: TOO_COMPLEX, errorType: 'ValidationError' }
          : namingTheArgument(graphQLErrorBody(e, 'ValidationError'), e, where),
      ),
    };
  }
  if (!getOperationAST(document, request.operationName)) return { errors: [UNKNOWN_OPERATION] };
  return { document };
}

/**
 * Field resolution as AppSync does it: auth modes and denied fields checked on every field, root fields sent
 * to the resolver Lambda (counted against the resolver limit), other fields read from their parent.
 */
function makeFieldResolver(
  options: AppSyncEndpointOptions,
): GraphQLFieldResolver<unknown, RequestState, Record<string, unknown>> {
  const resolveField: GraphQLFieldResolver<unknown, RequestState, Record<string, unknown>> = async (
    source,
    args,
    state,
    info,
  ) => {
    const field = info.parentType.getFields()[info.fieldName];
    if (field && !allowedModes(info.parentType, field, 'AWS_LAMBDA').includes(state.mode)) {
      throw notAuthorized(info);
    }
    if (state.deniedFields.has(`${info.parentType.name}.${info.fieldName}`)) throw notAuthorized(info);
    if (!ROOT_TYPES.has(info.parentType.name)) {
      return source !== null && typeof source === 'object'
        ? (source as Record<string, unknown>)[info.fieldName]
        : undefined;
    }
    return resolveRootField(options, source, args, state, info);
  };
  const onAnswer = options.onAnswer;
  if (!onAnswer) return resolveField;
  return async (source, args, state, info) => {
    if (!ROOT_TYPES.has(info.parentType.name)) return resolveField(source, args, state, info);
    const started = performance.now();
    const report = (errorType: string | null) =>
      onAnswer({ operation: info.fieldName, errorType, durationMs: performance.now() - started });
    try {
      const value = await resolveField(source, args, state, info);
      report(null);
      return value;
    } catch (error: unknown) {
      report(error instanceof FieldError ? error.errorType : 'InternalError');
      throw error;
    }
  };
}

/** A root field: counted against the resolver limit, then sent to the resolver Lambda. */
async function resolveRootField(
  options: AppSyncEndpointOptions,
  source: unknown,
  args: Record<string, unknown>,
  state: RequestState,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  state.resolverInvocations += 1;
  if (options.resolverCountLimit > 0 && state.resolverInvocations > options.resolverCountLimit) {
    throw new FieldError('ValidationError', `Resolver count limit of ${options.resolverCountLimit} exceeded`);
  }
  await fieldTurn(state);
  try {
    if ((options.now ?? Date.now)() - state.startedAt > FIELD_START_DEADLINE_MS) {
      throw new FieldError(
        'ServiceUnavailable',
        'The request ran out of time before this field started: ask for fewer fields at once',
        { retryAfterSeconds: 1 },
      );
    }
    return await invokeResolver(options, source, args, state, info);
  } finally {
    nextField(state);
  }
}

/**
 * A field whose turn (MAX_FIELDS_IN_FLIGHT) comes this long after its request began is not started: AppSync ends
 * a request at 30 s, and without this, fields waiting their turn would stretch one request far past it.
 */
export const FIELD_START_DEADLINE_MS = 25_000;

/**
 * Most root fields of one request whose resolver runs at once. graphql-js starts every root field of a query
 * together, and here they share the API's pool (10 connections) and event loop, where on AWS each has a Lambda
 * of its own: fifty aliases of a page of 100 queued their 50 queries ahead of everyone else's, and a concurrent
 * `me` waited for the whole request (docs/reliability.md, "Aliases of plain lists"). A request still gets more
 * than one connection; the others get the rest.
 */
export const MAX_FIELDS_IN_FLIGHT = 2;

async function fieldTurn(state: RequestState): Promise<void> {
  if (state.fieldsInFlight < MAX_FIELDS_IN_FLIGHT) {
    state.fieldsInFlight += 1;
    return;
  }
  // The field that ends hands its turn over (nextField), so the count stays as it is.
  await new Promise<void>((resolve) => state.fieldsWaiting.push(resolve));
}

function nextField(state: RequestState): void {
  const next = state.fieldsWaiting.shift();
  if (next) next();
  else state.fieldsInFlight -= 1;
}

/** The direct Lambda resolver event AppSync sends, and its answer or error envelope as a field result. */
async function invokeResolver(
  options: AppSyncEndpointOptions,
  source: unknown,
  args: Record<string, unknown>,
  state: RequestState,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  const event = {
    arguments: args,
    identity: state.mode === 'AWS_LAMBDA' ? { resolverContext: state.resolverContext ?? {} } : null,
    source: source ?? null,
    request: { headers: state.headers, domainName: null },
    prev: null,
    stash: {},
    info: {
      fieldName: info.fieldName,
      parentTypeName: info.parentType.name,
      variables: state.variables,
      selectionSetList: selectionSetList(info.fieldNodes, info.fragments),
      selectionSetGraphQL: selectionSetGraphQL(info.fieldNodes),
    },
  } as unknown as AppSyncResolverEvent<Record<string, unknown>>;
  let result: unknown;
  try {
    result = await options.resolver(event);
  } catch (error: unknown) {
    options.onInternalError?.(error, { requestId: state.requestId });
    throw new FieldError('InternalError', 'Internal error');
  }
  const envelope = errorEnvelopeOf(result);
  if (envelope) throw new FieldError(envelope.type, envelope.message, envelope.info);
  state.answerBytes += Buffer.byteLength(JSON.stringify(result) ?? '');
  if (state.answerBytes > MAX_ANSWER_BYTES) {
    throw new FieldError(
      'BadRequest',
      `The answer to this request would pass ${MAX_ANSWER_BYTES / 1024 / 1024} MB: ask for fewer fields, aliases or items`,
    );
  }
  return result;
}

function notAuthorized(info: GraphQLResolveInfo): FieldError {
  return new FieldError(
    'Unauthorized',
    `Not Authorized to access ${info.fieldName} on type ${info.parentType.name}`,
  );
}

/**
 * AppSync's errorType for a request refused as a whole (HTTP 401, also in the `x-amzn-ErrorType` header); a
 * field refused inside a request is `Unauthorized` with HTTP 200.
 */
export const UNAUTHORIZED = 'UnauthorizedException';

function unauthorizedBody(): GraphQLHttpResponse['body'] {
  return { errors: [{ message: 'You are not authorized to make this call.', errorType: UNAUTHORIZED }] };
}

function errorEnvelopeOf(
  result: unknown,
): { type: string; message: string; info: Record<string, unknown> | null } | null {
  if (result === null || typeof result !== 'object' || !('__error' in result)) return null;
  const envelope = (result as { __error: unknown }).__error;
  if (envelope === null || typeof envelope !== 'object') return null;
  const { type, message, info } = envelope as { type?: unknown; message?: unknown; info?: unknown };
  return {
    type: typeof type === 'string' ? type : 'InternalError',
    message: typeof message === 'string' ? message : 'Internal error',
    info: info !== null && typeof info === 'object' ? (info as Record<string, unknown>) : null,
  };
}

function lowerCaseHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

/**
 * Most values a request's variables may hold, list items and object fields counted at every depth. graphql-js
 * checks each against its type on the event loop every request shares, before any resolver can refuse a list
 * as too long: 500,000 issue numbers in one changelog entry (3 MB) took 0.5–0.8 s of it, and three clients
 * sending such requests in a loop held a concurrent `me` at p50 1.95 s. The largest input the API takes,
 * 10,000 commit messages or structured entries, stays well under it.
 */
export const MAX_VARIABLE_VALUES = 100_000;

const TOO_MANY_VALUES: AppSyncErrorBody = {
  message: `variables: more than ${MAX_VARIABLE_VALUES} values (list items and object fields, at every depth); send fewer`,
  errorType: 'ValidationError',
};

/** Whether `value` holds more than `limit` values (itself included); stops counting once it does. */
function valuesPast(value: unknown, limit: number): boolean {
  let count = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    count += 1;
    if (count > limit) return true;
    // One by one: spreading a list of 150,000 items into push's arguments overflows the stack.
    if (next !== null && typeof next === 'object') for (const item of Object.values(next)) pending.push(item);
  }
  return false;
}

type ParsedBody = ParsedRequest | { error: string };

function parseRequestBody(body: unknown): ParsedBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { error: 'The request body must be a JSON object with a "query"' };
  }
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '')
    return { error: 'query: a GraphQL document is required' };
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  ) {
    return { error: 'variables: must be a JSON object' };
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return { error: 'operationName: must be a string' };
  }
  return {
    query,
    variables: (variables as Record<string, unknown> | null | undefined) ?? {},
    operationName: operationName ?? null,
  };
}

function graphQLErrorBody(error: GraphQLError, errorType: string): AppSyncErrorBody {
  return {
    message: error.message,
    errorType,
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
    data: null,
    errorInfo: null,
  };
}

/** Every literal value in the query, by the argument (and input field) it was given for: `filter.status`. */
function argumentPaths(document: DocumentNode): Map<ASTNode, string> {
  const paths = new Map<ASTNode, string>();
  const walk = (node: ValueNode, path: string): void => {
    paths.set(node, path);
    if (node.kind === Kind.OBJECT)
      for (const field of node.fields) walk(field.value, `${path}.${field.name.value}`);
    if (node.kind === Kind.LIST) for (const item of node.values) walk(item, path);
  };
  visit(document, {
    Argument(node) {
      walk(node.value, node.name.value);
    },
  });
  return paths;
}

/**
 * graphql-js says what is wrong with a literal ("Value "SOMEDAY" does not exist in "TicketStatus" enum.") but
 * not where; AppSync names the argument, and so do our own ValidationErrors (`field: problem`).
 */
function namingTheArgument(
  body: AppSyncErrorBody,
  error: GraphQLError,
  where: Map<ASTNode, string>,
): AppSyncErrorBody {
  const path = error.nodes?.map((node) => where.get(node)).find((p) => p !== undefined);
  return path === undefined ? body : { ...body, message: `${path}: ${body.message}` };
}

function formatExecutionError(
  error: GraphQLError,
  requestId: string,
  onInternalError: AppSyncEndpointOptions['onInternalError'],
): AppSyncErrorBody {
  const original = error.originalError;
  if (original instanceof FieldError) {
    return {
      ...graphQLErrorBody(error, original.errorType),
      message: original.message,
      errorInfo: original.info,
    };
  }
  // Errors graphql-js raises itself (variable coercion, invalid scalar values) describe the caller's input.
  if (!original || original.name === 'GraphQLError') return graphQLErrorBody(error, 'ValidationError');
  onInternalError?.(original, { requestId });
  return { ...graphQLErrorBody(error, 'InternalError'), message: 'Internal error' };
}

/** AppSync's `info.selectionSetList`: every selected field path below the resolved field, `a/b/c` style. */
function selectionSetList(
  fieldNodes: readonly FieldNode[],
  fragments: Record<string, FragmentDefinitionNode>,
): string[] {
  // A field's paths depend on its document alone, and valid documents are kept (`validatedDocuments`): the
  // request-wide bounds and the resolver event ask for the same field's paths, request after request.
  const [only] = fieldNodes;
  if (fieldNodes.length !== 1 || !only) return selectionPaths(fieldNodes, fragments);
  let paths = pathsOfField.get(only);
  if (!paths) {
    paths = selectionPaths(fieldNodes, fragments);
    pathsOfField.set(only, paths);
  }
  return paths;
}

const pathsOfField = new WeakMap<FieldNode, string[]>();
const printedSelections = new WeakMap<SelectionSetNode, string>();

/** AppSync's `selectionSetGraphQL`: the field's selection printed, once per kept document. */
function selectionSetGraphQL(fieldNodes: readonly FieldNode[]): string {
  const selectionSet = fieldNodes[0]?.selectionSet;
  if (!selectionSet) return '';
  let printed = printedSelections.get(selectionSet);
  if (printed === undefined) {
    printed = print(selectionSet);
    printedSelections.set(selectionSet, printed);
  }
  return printed;
}

function selectionPaths(
  fieldNodes: readonly FieldNode[],
  fragments: Record<string, FragmentDefinitionNode>,
): string[] {
  const paths: string[] = [];
  const walk = (selectionSet: SelectionSetNode | undefined, prefix: string, depth: number) => {
    if (!selectionSet || depth > 50) return;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') continue;
        const path = prefix ? `${prefix}/${selection.name.value}` : selection.name.value;
        paths.push(path);
        walk(selection.selectionSet, path, depth + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, prefix, depth + 1);
      } else {
        walk(fragments[selection.name.value]?.selectionSet, prefix, depth + 1);
      }
    }
  };
  for (const node of fieldNodes) walk(node.selectionSet, '', 0);
  return [...new Set(paths)];
}

/**
 * The root fields an operation sends to the resolver, one per response key (what graphql-js will execute:
 * fragments spread, @skip/@include applied with the request's variables), each with the `selectionSetList` its
 * resolver event will carry and its coerced arguments. The variables are coerced only when a directive or an
 * argument is asked for: graphql-js coerces them again to execute, and the largest (10,000 commits) cost the
 * event loop each time. Variables that cannot be coerced leave their fields out or their arguments empty:
 * execution then refuses the request before any field runs.
 */
function operationFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  request: ParsedRequest,
): OperationField[] {
  const operation = getOperationAST(document, request.operationName);
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType) return [];
  let coerced: Record<string, unknown> | null | undefined;
  const variables = (): Record<string, unknown> | null => {
    coerced ??=
      getVariableValues(schema, operation.variableDefinitions ?? [], request.variables).coerced ?? null;
    return coerced;
  };
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const byKey = rootFieldNodes(operation.selectionSet, fragments, variables);
  const fields: OperationField[] = [];
  for (const nodes of byKey.values()) {
    const [node] = nodes;
    const definition = node ? rootType.getFields()[node.name.value] : undefined;
    if (!node || !definition) continue; // __typename and introspection: no resolver
    fields.push({
      fieldName: node.name.value,
      parentTypeName: rootType.name,
      selectionSetList: selectionSetList(nodes, fragments),
      get arguments() {
        return argumentsOf(definition, node, variables() ?? {});
      },
    });
  }
  return fields;
}

/** The operation's root field nodes by response key, as graphql-js collects them. */
function rootFieldNodes(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: () => Record<string, unknown> | null,
): Map<string, FieldNode[]> {
  const included = (node: FieldNode | FragmentSpreadNode | InlineFragmentNode): boolean => {
    if (!node.directives || node.directives.length === 0) return true;
    const values = variables();
    return (
      values !== null &&
      getDirectiveValues(GraphQLSkipDirective, node, values)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, node, values)?.if !== false
    );
  };
  const byKey = new Map<string, FieldNode[]>();
  const collect = (set: SelectionSetNode, seen: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        byKey.set(key, [...(byKey.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        const fragment = fragments[selection.name.value];
        if (fragment) collect(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  collect(selectionSet, new Set());
  return byKey;
}

/** A field's coerced arguments; none when they cannot be (execution refuses that field; nothing runs). */
function argumentsOf(
  definition: Parameters<typeof getArgumentValues>[0],
  node: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return getArgumentValues(definition, node, variables);
  } catch {
    return {};
  }
}
