import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthDependencies } from '../../../lambdas/adapters/auth-dependencies.ts';
import { ensureKeySetFile } from '../../../lambdas/adapters/keys/file-key-provider.ts';
import { authorizerFromEnv } from '../../../lambdas/authorizer/container.ts';
import {
  type AuthDeps,
  authorizeRequest,
  bootstrapAdmin,
  INVALID_CREDENTIALS_MESSAGE,
  login,
  setUserRole,
  signup,
} from '../../../lambdas/core/auth/service.ts';
import { UnauthorizedError } from '../../../lambdas/core/errors.ts';
import { authConfigSchema, parseConfig } from '../../../lambdas/shared/config.ts';
import { logger } from '../../../lambdas/shared/observability.ts';
import { lambdaContext } from '../../../local/lambda-context.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-auth-flow-'));
const keysFile = join(dir, 'jwt-keys.json');
let database: TestDatabase;
let deps: AuthDeps;
const metrics: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureKeySetFile(keysFile);
  const config = parseConfig(authConfigSchema, { JWT_KEYS_FILE: keysFile, BCRYPT_COST: '12' }, 'auth');
  deps = createAuthDependencies({
    db: database.db,
    config,
    metrics: { addMetric: (name: string) => metrics.push(name) } as never,
  });
});
afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

function authorizerEvent(authorizationToken: string) {
  return {
    authorizationToken,
    requestContext: {
      apiId: 'local',
      accountId: '000000000000',
      requestId: 'req-flow',
      queryString: '{ me { id } }',
      operationName: null,
      variables: {},
    },
    requestHeaders: { authorization: authorizationToken },
  };
}

describe('auth with the real wiring (Postgres, key file, bcrypt)', () => {
  it('signs up with a bcrypt hash at the configured cost, logs in, and counts failed logins', async () => {
    const payload = await signup(deps, { email: 'flow@example.org', password: 'violet-harbour-lantern' });
    const stored = await database.sql`select password_hash from users where id = ${payload.user.id}`;
    expect(bcrypt.getRounds(String(stored[0]?.password_hash))).toBe(12);

    const wrong = await login(deps, { email: 'flow@example.org', password: 'violet-harbour-lanterm' }).catch(
      (e: unknown) => e,
    );
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect((wrong as Error).message).toBe(INVALID_CREDENTIALS_MESSAGE);
    expect(metrics).toEqual(['LoginFailures']);

    const again = await login(deps, { email: 'FLOW@example.org', password: 'violet-harbour-lantern' });
    expect(again.user.id).toBe(payload.user.id);
    const answer = await authorizeRequest(deps, { authorizationToken: `Bearer ${again.accessToken}` });
    expect(answer.resolverContext).toMatchObject({
      sub: payload.user.id,
      role: 'USER',
      email: 'flow@example.org',
    });
  });

  it('bootstraps the first admin once, who can then promote a user', async () => {
    const first = await bootstrapAdmin(deps, {
      email: 'root@example.org',
      password: 'granite-orchard-31-kite',
    });
    expect(first.created).toBe(true);
    const second = await bootstrapAdmin(deps, {
      email: 'root@example.org',
      password: 'granite-orchard-31-kite',
    });
    expect(second).toEqual({ created: false, user: first.user });
    const target = await database.sql`select id from users where email = 'flow@example.org'`;
    const promoted = await setUserRole(deps, {
      caller: {
        userId: first.user.id,
        role: 'ADMIN',
        sessionId: '00000000-0000-4000-8000-000000000000',
        email: 'root@example.org',
      },
      userId: String(target[0]?.id),
      role: 'OPS',
    });
    expect(promoted.role).toBe('OPS');
  });

  it('serves the deployed authorizer handler from environment configuration', async () => {
    const session = await login(deps, { email: 'flow@example.org', password: 'violet-harbour-lantern' });
    const authorize = authorizerFromEnv({ DATABASE_URL: database.url, JWT_KEYS_FILE: keysFile });
    const handler = (event: unknown) => authorize(event, lambdaContext('authorizer', 10));
    const answer = await handler(authorizerEvent(`Bearer ${session.accessToken}`));
    expect(answer).toMatchObject({
      isAuthorized: true,
      resolverContext: { sub: session.user.id, role: 'OPS', email: 'flow@example.org' },
      deniedFields: expect.arrayContaining(['Query.users']),
    });
    expect(await handler(authorizerEvent('Bearer nonsense'))).toEqual({ isAuthorized: false });
  });

  it('denies every request, without throwing, when the deployed authorizer is misconfigured', async () => {
    // The configuration error is logged on purpose; keep it out of the test report.
    logger.setLogLevel('SILENT');
    const authorize = authorizerFromEnv({ DATABASE_URL: database.url });
    await expect(
      authorize(authorizerEvent('Bearer whatever'), lambdaContext('authorizer', 10)),
    ).resolves.toEqual({
      isAuthorized: false,
      ttlOverride: 0,
    });
  });
});
