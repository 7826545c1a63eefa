/**
 * Key set from a Secrets Manager secret (JWT_KEYS_SECRET_ARN) through Powertools Parameters, which caches
 * the value for `maxAgeSeconds` per container. A rotated secret is seen within that time, or sooner when a
 * token arrives with a kid we do not know (at most one forced fetch per `minRefreshIntervalSeconds`).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { type KeyProvider, type KeySet, parseKeySet } from '../../core/auth/keys.ts';

export type SecretFetcher = (
  secretId: string,
  options: { maxAge: number; forceFetch: boolean },
) => Promise<unknown>;

export interface SecretsManagerKeyProviderOptions {
  secretId: string;
  maxAgeSeconds?: number;
  minRefreshIntervalSeconds?: number;
  /** Defaults to Powertools `getSecret`; injectable for a provider with its own client. */
  fetchSecret?: SecretFetcher;
  now?: () => number;
  /** Told when a fetch failed and the last good key set is used instead. */
  onStale?: (error: unknown) => void;
}

const powertoolsFetch: SecretFetcher = (secretId, options) =>
  getSecret(secretId, { maxAge: options.maxAge, forceFetch: options.forceFetch });

export function createSecretsManagerKeyProvider(options: SecretsManagerKeyProviderOptions): KeyProvider {
  const maxAge = options.maxAgeSeconds ?? 300;
  const minRefreshMs = (options.minRefreshIntervalSeconds ?? 30) * 1000;
  const fetchSecret = options.fetchSecret ?? powertoolsFetch;
  const now = options.now ?? Date.now;
  let lastForcedAt = Number.NEGATIVE_INFINITY;
  let last: { raw: string; keySet: KeySet } | undefined;

  return {
    async getKeySet(request = {}) {
      const forceFetch = Boolean(request.refresh) && now() - lastForcedAt >= minRefreshMs;
      if (forceFetch) lastForcedAt = now();
      let value: unknown;
      try {
        value = await fetchSecret(options.secretId, { maxAge, forceFetch });
      } catch (error: unknown) {
        // Keys only ever move forward, so the last good set beats refusing every request during an outage.
        if (last) {
          options.onStale?.(error);
          return last.keySet;
        }
        throw error;
      }
      const raw = value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
      if (typeof raw !== 'string') throw new Error(`secret ${options.secretId} has no value`);
      if (last && last.raw === raw) return last.keySet;
      const keySet = parseKeySet(raw);
      last = { raw, keySet };
      return keySet;
    },
  };
}
