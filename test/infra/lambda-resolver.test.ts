import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

/** AppSync's util.error stops the resolver by throwing; this stand-in does the same and keeps the type. */
class AppSyncError extends Error {
  constructor(
    message: string,
    readonly errorType: string | undefined,
  ) {
    super(message);
  }
}

interface ResolverModule {
  request(ctx: Record<string, unknown>): { operation: string; payload: Record<string, unknown> };
  response(ctx: Record<string, unknown>): unknown;
}

let resolver: ResolverModule;

beforeAll(async () => {
  // The APPSYNC_JS runtime provides @aws-appsync/utils; here a global stands in for it.
  const source = readFileSync(new URL('../../lib/appsync/lambda-resolver.js', import.meta.url), 'utf8');
  const importLine = "import { util } from '@aws-appsync/utils';";
  expect(source).toContain(importLine);
  Object.assign(globalThis, {
    __appsyncUtil: {
      error: (message: string, type?: string) => {
        throw new AppSyncError(message, type);
      },
    },
  });
  const runnable = source.replace(importLine, 'const util = globalThis.__appsyncUtil;');
  resolver = (await import(`data:text/javascript,${encodeURIComponent(runnable)}`)) as ResolverModule;
});

function errorOf(run: () => unknown): AppSyncError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof AppSyncError) return error;
    throw error;
  }
  throw new Error('expected util.error');
}

describe('APPSYNC_JS Lambda resolver', () => {
  it("invokes the function with AppSync's direct Lambda event", () => {
    const ctx = {
      args: { id: 't1' },
      identity: { resolverContext: { sub: 'u1', role: 'USER' } },
      source: null,
      request: { headers: { 'x-request-id': 'r1' } },
      info: { fieldName: 'ticket', parentTypeName: 'Query', selectionSetList: ['id'], variables: {} },
      prev: null,
      stash: {},
    };
    expect(resolver.request(ctx)).toEqual({
      operation: 'Invoke',
      payload: {
        arguments: ctx.args,
        identity: ctx.identity,
        source: ctx.source,
        request: ctx.request,
        info: ctx.info,
        prev: ctx.prev,
        stash: ctx.stash,
      },
    });
  });

  it('returns the function result unchanged', () => {
    expect(resolver.response({ result: { id: 't1', title: 'x' } })).toEqual({ id: 't1', title: 'x' });
    expect(resolver.response({ result: null })).toBeNull();
  });

  it('turns an error envelope into a GraphQL error with its errorType', () => {
    const error = errorOf(() =>
      resolver.response({ result: { __error: { type: 'NotFound', message: 'Ticket not found' } } }),
    );
    expect(error.message).toBe('Ticket not found');
    expect(error.errorType).toBe('NotFound');
  });

  it('hides a failed invocation behind a generic InternalError', () => {
    const error = errorOf(() =>
      resolver.response({
        error: { message: 'Error: password authentication failed at Object.<anonymous>' },
      }),
    );
    expect(error.message).toBe('Internal error');
    expect(error.errorType).toBe('InternalError');
  });
});
