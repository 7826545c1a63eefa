import type { KeyProvider } from '../../core/auth/keys.ts';
import type { AuthConfig } from '../../shared/config.ts';
import { createFileKeyProvider } from './file-key-provider.ts';
import { createSecretsManagerKeyProvider } from './secrets-manager-key-provider.ts';

/** The secret wins when both are set: a deployed function must never sign with a key from its bundle. */
export function keyProviderFromConfig(
  config: Pick<AuthConfig, 'JWT_KEYS_FILE' | 'JWT_KEYS_SECRET_ARN'>,
  options: { onStale?: (error: unknown) => void } = {},
): KeyProvider {
  if (config.JWT_KEYS_SECRET_ARN) {
    return createSecretsManagerKeyProvider({
      secretId: config.JWT_KEYS_SECRET_ARN,
      onStale: options.onStale,
    });
  }
  if (config.JWT_KEYS_FILE) return createFileKeyProvider(config.JWT_KEYS_FILE);
  throw new Error('set JWT_KEYS_FILE or JWT_KEYS_SECRET_ARN');
}
