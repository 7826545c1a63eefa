import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizerHandler } from '../../../lambdas/authorizer/authorizer.ts';
import { generateKeySet, type KeySet } from '../../../lambdas/core/auth/keys.ts';
import { signup } from '../../../lambdas/core/auth/service.ts';
import { type FakeAuthDeps, fakeAuthDeps } from '../../support/auth-fakes.ts';

let keySet: KeySet;
beforeAll(async () => {
  keySet = await generateKeySet();
});

function recorder() {
  const metrics: string[] = [];
  const logs: Array<{ level: string; message: string; extra: unknown }> = [];
  const correlationIds: unknown[] = [];
  let published = 0;
  return {
    metrics,
    logs,
    correlationIds,
    published: () => published,
    logger: {
      info: (message: string, extra?: unknown) => logs.push({ level: 'info', message, extra }),
      warn: (message: string, extra?: unknown) => logs.push({ level: 'warn', message, extra }),
      error: (message: string, extra?: unknown) => logs.push({ level: 'error', message, extra }),
      setCorrelationId: (value: unknown) => correlationIds.push(value),
    },
    metricsSink: {
      addMetric: (name: string) => metrics.push(name),
      publishStoredMetrics: () => {
        published += 1;
      },
    },
  };
}

function event(authorizationToken: string) {
  return {
    authorizationToken,
    requestContext: {
      apiId: 'api-1',
      accountId: '000000000000',
      requestId: 'req-123',
      queryString: 'query { me { id } }',
      operationName: 'Me',
      variables: {},
    },
    requestHeaders: { authorization: authorizationToken, host: 'localhost' },
  };
}

async function setup() {
  const deps: FakeAuthDeps = fakeAuthDeps(keySet);
  const rec = recorder();
  const handler = createAuthorizerHandler({
    deps: async () => deps,
    logger: rec.logger as never,
    metrics: rec.metricsSink as never,
  });
  const payload = await signup(deps, { email: 'h@example.org', password: 'violet-harbour-lantern' });
  return { deps, rec, handler, payload };
}

describe('authorizer handler', () => {
  it('allows a valid bearer token, tags logs with the request id and counts AuthorizerAllowed', async () => {
    const { rec, handler, payload } = await setup();
    const answer = await handler(event(`Bearer ${payload.accessToken}`));
    expect(answer).toMatchObject({
      isAuthorized: true,
      resolverContext: { sub: payload.user.id, role: 'USER' },
    });
    expect(rec.correlationIds).toEqual(['req-123']);
    expect(rec.metrics).toEqual(['AuthorizerAllowed']);
    expect(rec.published()).toBe(1);
  });

  it('denies a bad token, logs the reason without the token and counts AuthorizerDenied', async () => {
    const { rec, handler, payload } = await setup();
    const tampered = `${payload.accessToken.slice(0, -4)}AAAA`;
    expect(await handler(event(tampered))).toEqual({ isAuthorized: false });
    expect(rec.metrics).toEqual(['AuthorizerDenied']);
    expect(rec.logs).toHaveLength(1);
    expect(JSON.stringify(rec.logs)).not.toContain(tampered);
  });

  it('never throws on events that are not AppSync authorizer events', async () => {
    const { rec, handler } = await setup();
    for (const bad of [
      undefined,
      null,
      'x',
      42,
      {},
      { authorizationToken: 'x' },
      { ...event('x'), requestContext: 5 },
    ]) {
      expect(await handler(bad)).toEqual({ isAuthorized: false });
    }
    expect(rec.metrics.every((name) => name === 'AuthorizerDenied')).toBe(true);
  });

  it('denies without caching when its dependencies cannot be built', async () => {
    const rec = recorder();
    const handler = createAuthorizerHandler({
      deps: () => Promise.reject(new Error('Invalid auth configuration: JWT_KEYS_FILE: missing')),
      logger: rec.logger as never,
      metrics: rec.metricsSink as never,
    });
    expect(await handler(event('Bearer abc'))).toEqual({ isAuthorized: false, ttlOverride: 0 });
    expect(rec.logs.map((l) => l.level)).toEqual(['error']);
    expect(rec.metrics).toEqual(['AuthorizerDenied']);
  });

  it('keeps its answer when metrics or logging fail', async () => {
    const { deps, payload } = await setup();
    const handler = createAuthorizerHandler({
      deps: async () => deps,
      logger: {
        info: () => {
          throw new Error('log sink down');
        },
        warn: () => {},
        error: () => {
          throw new Error('log sink down');
        },
        setCorrelationId: () => {},
      } as never,
      metrics: {
        addMetric: () => {
          throw new Error('metrics down');
        },
        publishStoredMetrics: () => {},
      } as never,
    });
    expect((await handler(event(payload.accessToken))).isAuthorized).toBe(true);
    expect(await handler(event('garbage'))).toEqual({ isAuthorized: false, ttlOverride: 0 });
  });
});
