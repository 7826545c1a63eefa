import { readFileSync } from 'node:fs';
import { AppSyncGraphQLResolver } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/lambda-context.ts';

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

/** What the Lambda receives: the payload as JSON, where undefined values disappear. */
function onTheWire(payload: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
}

/** The event check and routing of the real resolver (Powertools), with one route. */
async function resolveWithPowertools(event: unknown): Promise<unknown> {
  const quiet = () => {};
  const app = new AppSyncGraphQLResolver({
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  app.onQuery('me', async () => ({ id: 'u1' }));
  const context: Context = lambdaContext('ai-ops-api', 30);
  return app.resolve(event, context);
}

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
      request: { headers: { 'x-request-id': 'r1' }, domainName: null },
      info: {
        fieldName: 'ticket',
        parentTypeName: 'Query',
        selectionSetList: ['id'],
        selectionSetGraphQL: '{ id }',
        variables: {},
      },
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

  it('sends every key of the event even when AppSync leaves values undefined, and the function resolves it', async () => {
    // A unit resolver has no ctx.prev, an API without a custom domain no request.domainName, and an API_KEY
    // request no identity; a field without arguments may come with no args at all.
    const sparse = [
      { info: { fieldName: 'me', parentTypeName: 'Query', variables: {} }, request: { headers: {} } },
      {
        args: {},
        identity: { resolverContext: { sub: 'u1' } },
        request: { headers: { host: 'api' } },
        info: { fieldName: 'me', parentTypeName: 'Query', selectionSetList: ['id'], variables: {} },
        stash: {},
      },
    ];
    for (const ctx of sparse) {
      const payload = onTheWire(resolver.request(ctx).payload);
      for (const key of ['arguments', 'identity', 'source', 'request', 'info', 'prev', 'stash']) {
        expect(payload, key).toHaveProperty(key);
      }
      expect(payload.request).toHaveProperty('domainName', null);
      expect(await resolveWithPowertools(payload)).toEqual({ id: 'u1' });
    }
  });

  it('is needed: forwarding the context as it is loses keys on the wire and the function answers nothing', async () => {
    const ctx = {
      args: {},
      identity: null,
      source: null,
      request: { headers: {} },
      info: { fieldName: 'me', parentTypeName: 'Query', variables: {} },
      stash: {},
    };
    const forwarded = onTheWire({ ...ctx, arguments: ctx.args, prev: undefined });
    expect(await resolveWithPowertools(forwarded)).toBeUndefined();
    expect(await resolveWithPowertools(onTheWire(resolver.request(ctx).payload))).toEqual({ id: 'u1' });
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
