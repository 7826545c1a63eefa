import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createFileKeyProvider,
  ensureKeySetFile,
  rotateKeySetFile,
} from '../../../lambdas/adapters/keys/file-key-provider.ts';
import { keyProviderFromConfig } from '../../../lambdas/adapters/keys/from-config.ts';
import { createSecretsManagerKeyProvider } from '../../../lambdas/adapters/keys/secrets-manager-key-provider.ts';
import {
  generateKeySet,
  type KeySet,
  KeySetFormatError,
  rotateKeySet,
} from '../../../lambdas/core/auth/keys.ts';

let keySet: KeySet;
let rotated: KeySet;
const dir = mkdtempSync(join(tmpdir(), 'ai-ops-keys-'));

beforeAll(async () => {
  keySet = await generateKeySet();
  rotated = await rotateKeySet(keySet);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file key provider', () => {
  it('creates a key set file once, readable only by its owner', async () => {
    const path = join(dir, 'nested', 'jwt-keys.json');
    const first = await ensureKeySetFile(path);
    expect(first.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = await ensureKeySetFile(path);
    expect(second).toEqual({ created: false, keySet: first.keySet });
  });

  it('caches the file and re-reads it after maxAge, or on refresh after the minimum interval', async () => {
    const path = join(dir, 'cached.json');
    await ensureKeySetFile(path);
    let clock = 0;
    const provider = createFileKeyProvider(path, {
      maxAgeSeconds: 60,
      minRefreshIntervalSeconds: 5,
      now: () => clock,
    });
    const original = await provider.getKeySet();
    expect(await provider.getKeySet()).toBe(original);
    const next = await rotateKeySetFile(path);
    expect(next.previous[0]?.kid).toBe(original.current.kid);
    clock = 1000;
    expect(await provider.getKeySet({ refresh: true })).toBe(original);
    clock = 6000;
    expect((await provider.getKeySet({ refresh: true })).current.kid).toBe(next.current.kid);
    writeFileSync(path, JSON.stringify(rotated));
    clock = 67_000;
    expect((await provider.getKeySet()).current.kid).toBe(rotated.current.kid);
  });

  it('fails clearly on a malformed file', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"current": {}}');
    await expect(createFileKeyProvider(path).getKeySet()).rejects.toThrow(KeySetFormatError);
  });
});

describe('Secrets Manager key provider', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => {
    secrets.reset();
    vi.useRealTimers();
  });

  it('reads the key set through Powertools and caches it for maxAge', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:keys-cache' })
      .resolves({ SecretString: JSON.stringify(keySet) });
    const provider = createSecretsManagerKeyProvider({ secretId: 'arn:keys-cache', maxAgeSeconds: 300 });
    const first = await provider.getKeySet();
    expect(first).toEqual(keySet);
    expect(await provider.getKeySet()).toBe(first);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:keys-cache' })
      .resolves({ SecretString: JSON.stringify(rotated) });
    vi.setSystemTime(Date.now() + 301_000);
    expect((await provider.getKeySet()).current.kid).toBe(rotated.current.kid);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('fetches again for an unknown kid, at most once per minimum interval', async () => {
    let clock = 0;
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:keys-refresh' })
      .resolves({ SecretString: JSON.stringify(keySet) });
    const provider = createSecretsManagerKeyProvider({
      secretId: 'arn:keys-refresh',
      minRefreshIntervalSeconds: 30,
      now: () => clock,
    });
    await provider.getKeySet();
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:keys-refresh' })
      .resolves({ SecretString: JSON.stringify(rotated) });
    clock = 40_000;
    expect((await provider.getKeySet({ refresh: true })).current.kid).toBe(rotated.current.kid);
    clock = 50_000;
    await provider.getKeySet({ refresh: true });
    await provider.getKeySet({ refresh: true });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('keeps the last good key set when Secrets Manager fails, and fails when it never had one', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:keys-outage' })
      .resolvesOnce({ SecretString: JSON.stringify(keySet) })
      .rejects(new Error('throttled'));
    const stale: unknown[] = [];
    const provider = createSecretsManagerKeyProvider({
      secretId: 'arn:keys-outage',
      minRefreshIntervalSeconds: 0,
      onStale: (error) => stale.push(error),
    });
    const first = await provider.getKeySet();
    expect(await provider.getKeySet({ refresh: true })).toBe(first);
    expect(stale).toHaveLength(1);

    secrets.on(GetSecretValueCommand, { SecretId: 'arn:keys-down' }).rejects(new Error('unavailable'));
    await expect(
      createSecretsManagerKeyProvider({ secretId: 'arn:keys-down' }).getKeySet(),
    ).rejects.toThrow();
  });

  it('refuses a secret that is not a key set, without echoing it', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:keys-bad' })
      .resolves({ SecretString: '{"password":"hunter2"}' });
    const error = await createSecretsManagerKeyProvider({ secretId: 'arn:keys-bad' })
      .getKeySet()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeySetFormatError);
    expect(String(error)).not.toContain('hunter2');
  });

  it('is chosen over the file when both are configured', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:keys-both' })
      .resolves({ SecretString: JSON.stringify(rotated) });
    const provider = keyProviderFromConfig({
      JWT_KEYS_SECRET_ARN: 'arn:keys-both',
      JWT_KEYS_FILE: join(dir, 'missing.json'),
    });
    expect((await provider.getKeySet()).current.kid).toBe(rotated.current.kid);
  });
});
