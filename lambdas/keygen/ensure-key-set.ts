/**
 * Deploy-time initialiser of the JWT signing key set secret. CloudFormation cannot generate an EC key pair,
 * so the stack creates the secret with a generated random value and runs this function (a CDK trigger) after
 * it: that initial value becomes a fresh ES256 key set; a valid key set is left alone, so redeploys never invalidate
 * tokens. Invoked by hand with `{"rotate": true}` it rotates (the old public key keeps verifying).
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { generateKeySet, type KeySet, parseKeySet, rotateKeySet } from '../core/auth/keys.ts';

export interface KeySetStore {
  read(): Promise<string | undefined>;
  write(value: string): Promise<void>;
}

export type KeySetOutcome = 'generated' | 'kept' | 'rotated';

/** The marker earlier stacks wrote as the secret's value; still recognised. */
export const KEY_SET_PLACEHOLDER = '{"placeholder":true}';

/**
 * Whether the secret still holds its initial value: nothing, the old placeholder, or the random string
 * CloudFormation generates at creation (never JSON: the stack asks for letters and digits with at least one
 * of each). A JSON object that does not parse as a key set is damage, not a reset: it fails the deploy.
 */
export function isInitialValue(raw: string | undefined): boolean {
  if (raw === undefined || raw === KEY_SET_PLACEHOLDER) return true;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed !== 'object' || parsed === null;
  } catch {
    return true;
  }
}

export async function ensureKeySet(
  store: KeySetStore,
  options: { rotate?: boolean } = {},
): Promise<{ outcome: KeySetOutcome; kid: string }> {
  const raw = await store.read();
  if (isInitialValue(raw)) {
    const fresh = await generateKeySet();
    await store.write(JSON.stringify(fresh));
    return { outcome: 'generated', kid: fresh.current.kid };
  }
  // A damaged key set must fail the deploy rather than be replaced: replacing it logs everybody out.
  const existing: KeySet = parseKeySet(raw);
  if (!options.rotate) return { outcome: 'kept', kid: existing.current.kid };
  const rotated = await rotateKeySet(existing);
  await store.write(JSON.stringify(rotated));
  return { outcome: 'rotated', kid: rotated.current.kid };
}

export function secretsManagerKeySetStore(client: SecretsManagerClient, secretArn: string): KeySetStore {
  return {
    async read() {
      const response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      return response.SecretString;
    },
    async write(value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: value }));
    },
  };
}
