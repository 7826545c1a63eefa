import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  connectWithSecret,
  DatabaseSecretError,
  LAMBDA_CONNECTION_SETTINGS,
} from '../../lambdas/adapters/db/aws-connection.ts';
import type { DatabaseConnection } from '../../lambdas/adapters/db/client.ts';

const secretsMock = mockClient(SecretsManagerClient);
const PROXY = 'ai-ops-alice.proxy-abc123.eu-west-1.rds.amazonaws.com';
let counter = 0;
/** Powertools caches per secret name for the container's life: a fresh ARN per test keeps tests apart. */
const nextArn = () => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-${++counter}`;
const rdsSecret = (password: string) =>
  JSON.stringify({
    username: 'aiops_admin',
    password,
    host: 'instance.internal',
    port: 5432,
    dbname: 'aiops',
  });

/** postgres.js keeps the password option at runtime but types it as hidden (`null`). */
async function passwordOf(connection: DatabaseConnection): Promise<unknown> {
  const pass: unknown = Reflect.get(connection.sql.options, 'pass');
  if (typeof pass !== 'function') throw new Error('the password is not read lazily');
  return await pass();
}

beforeEach(() => {
  secretsMock.reset();
  process.env.AWS_REGION = 'eu-west-1';
});
afterAll(() => secretsMock.restore());

describe('database connection of a deployed function', () => {
  it('connects to the proxy with one connection, TLS verification and no prepared statements', async () => {
    const arn = nextArn();
    secretsMock
      .on(GetSecretValueCommand, { SecretId: arn })
      .resolves({ SecretString: rdsSecret('s3cret-1') });
    const connection = await connectWithSecret({
      secretArn: arn,
      host: PROXY,
      databaseName: 'aiops',
      viaProxy: true,
    });
    const options = connection.sql.options;
    expect(options.host).toEqual([PROXY]);
    expect(options.port).toEqual([5432]);
    expect(options.user).toBe('aiops_admin');
    expect(options.database).toBe('aiops');
    expect(options.max).toBe(1);
    expect(options.prepare).toBe(false);
    expect(options.ssl).toBe('verify-full');
    expect(options.connect_timeout).toBe(LAMBDA_CONNECTION_SETTINGS.connect_timeout);
    expect(options.idle_timeout).toBe(LAMBDA_CONNECTION_SETTINGS.idle_timeout);
    await connection.close();
  });

  it('connects straight to a cluster that pauses with prepared statements, TLS and a connect timeout longer than a resume', async () => {
    const arn = nextArn();
    secretsMock
      .on(GetSecretValueCommand, { SecretId: arn })
      .resolves({ SecretString: rdsSecret('s3cret-3') });
    const connection = await connectWithSecret({
      secretArn: arn,
      host: 'ai-ops-alice.cluster-abc123.eu-west-1.rds.amazonaws.com',
      databaseName: 'aiops',
      viaProxy: false,
      connectTimeoutSeconds: 20,
    });
    const options = connection.sql.options;
    expect(options.prepare).toBe(true);
    expect(options.ssl).toBe('verify-full');
    expect(options.connect_timeout).toBe(20);
    expect(options.max).toBe(1);
    await connection.close();
  });

  it('reads the password from the secret for each new connection, through the Powertools cache', async () => {
    const arn = nextArn();
    secretsMock
      .on(GetSecretValueCommand, { SecretId: arn })
      .resolves({ SecretString: rdsSecret('s3cret-2') });
    const connection = await connectWithSecret({
      secretArn: arn,
      host: PROXY,
      databaseName: 'aiops',
      viaProxy: true,
    });
    expect(await passwordOf(connection)).toBe('s3cret-2');
    expect(await passwordOf(connection)).toBe('s3cret-2');
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    await connection.close();
  });

  it('picks up a rotated password once the cached secret is older than its max age', async () => {
    const arn = nextArn();
    secretsMock
      .on(GetSecretValueCommand, { SecretId: arn })
      .resolvesOnce({ SecretString: rdsSecret('before-rotation') })
      .resolves({ SecretString: rdsSecret('after-rotation') });
    const connection = await connectWithSecret({
      secretArn: arn,
      host: PROXY,
      databaseName: 'aiops',
      viaProxy: true,
      secretMaxAgeSeconds: 1,
    });
    expect(await passwordOf(connection)).toBe('before-rotation');
    // The cache's clock moves past the max age; nothing waits.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 1100);
      expect(await passwordOf(connection)).toBe('after-rotation');
    } finally {
      vi.useRealTimers();
    }
    await connection.close();
  });

  it('names the missing fields of a malformed secret without echoing its values', async () => {
    const arn = nextArn();
    secretsMock
      .on(GetSecretValueCommand, { SecretId: arn })
      .resolves({ SecretString: JSON.stringify({ username: 'aiops_admin', pass: 'do-not-log-me' }) });
    const attempt = connectWithSecret({
      secretArn: arn,
      host: PROXY,
      databaseName: 'aiops',
      viaProxy: true,
    });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseSecretError);
    await expect(attempt).rejects.toThrow(/password/);
    await attempt.catch((error: unknown) => expect(String(error)).not.toContain('do-not-log-me'));
  });
});
