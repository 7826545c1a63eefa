import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parseKeySet } from '../../lambdas/core/auth/keys.ts';
import {
  ensureKeySet,
  KEY_SET_PLACEHOLDER,
  type KeySetStore,
  secretsManagerKeySetStore,
} from '../../lambdas/keygen/ensure-key-set.ts';

function memoryStore(
  initial: string | undefined,
): KeySetStore & { value: string | undefined; writes: number } {
  const store = {
    value: initial,
    writes: 0,
    read: async () => store.value,
    write: async (value: string) => {
      store.value = value;
      store.writes += 1;
    },
  };
  return store;
}

describe('JWT key set initialiser', () => {
  it('replaces the placeholder with a valid ES256 key set', async () => {
    const store = memoryStore(KEY_SET_PLACEHOLDER);
    const result = await ensureKeySet(store);
    expect(result.outcome).toBe('generated');
    const keySet = parseKeySet(store.value);
    expect(keySet.current.kid).toBe(result.kid);
    expect(keySet.current.privateJwk.crv).toBe('P-256');
    expect(keySet.previous).toEqual([]);
  });

  it("replaces CloudFormation's generated initial value with a key set, and refuses a damaged key set", async () => {
    const store = memoryStore('Xq3bH8rT0mZk2WvY7pLd5NcA9sFg4JeQ');
    expect((await ensureKeySet(store)).outcome).toBe('generated');
    expect(parseKeySet(store.value).current.privateJwk.crv).toBe('P-256');
    const damaged = memoryStore('{"current":{"kid":"k1"}}');
    await expect(ensureKeySet(damaged)).rejects.toThrow();
    expect(damaged.writes).toBe(0);
  });

  it('leaves an existing key set alone on later deploys, so issued tokens stay valid', async () => {
    const store = memoryStore(KEY_SET_PLACEHOLDER);
    const first = await ensureKeySet(store);
    const before = store.value;
    const second = await ensureKeySet(store);
    expect(second).toEqual({ outcome: 'kept', kid: first.kid });
    expect(store.value).toBe(before);
    expect(store.writes).toBe(1);
  });

  it('rotates on request and keeps the old public key for verification', async () => {
    const store = memoryStore(KEY_SET_PLACEHOLDER);
    const first = await ensureKeySet(store);
    const rotated = await ensureKeySet(store, { rotate: true });
    expect(rotated.outcome).toBe('rotated');
    expect(rotated.kid).not.toBe(first.kid);
    const keySet = parseKeySet(store.value);
    expect(keySet.previous.map((k) => k.kid)).toEqual([first.kid]);
    expect(JSON.stringify(keySet.previous)).not.toContain('"d"');
  });

  it('fails instead of overwriting a damaged key set', async () => {
    const store = memoryStore('{"current":{"kid":"x"}}');
    await expect(ensureKeySet(store)).rejects.toThrow(/JWT key set is invalid/);
    expect(store.writes).toBe(0);
  });

  it('reads and writes the secret through Secrets Manager', async () => {
    const secretsMock = mockClient(SecretsManagerClient);
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: KEY_SET_PLACEHOLDER });
    secretsMock.on(PutSecretValueCommand).resolves({});
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ai-ops/alice/jwt-keys-AbCdEf';
    const store = secretsManagerKeySetStore(new SecretsManagerClient({ region: 'eu-west-1' }), arn);
    await ensureKeySet(store);
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: arn });
    const put = secretsMock.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe(arn);
    expect(() => parseKeySet(put?.SecretString)).not.toThrow();
    secretsMock.restore();
  });
});
