import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { parseConfig } from '../shared/config.ts';
import { logger } from '../shared/observability.ts';
import { ensureKeySet, type KeySetOutcome, secretsManagerKeySetStore } from './ensure-key-set.ts';

/** The trigger invokes with an empty event; an operator may invoke with `{"rotate": true}`. */
const keygenConfigSchema = z.object({ JWT_KEYS_SECRET_ARN: z.string().min(1) });
const eventSchema = z.object({ rotate: z.boolean().optional() }).passthrough();

const config = parseConfig(keygenConfigSchema, process.env, 'keygen');
const store = secretsManagerKeySetStore(new SecretsManagerClient({}), config.JWT_KEYS_SECRET_ARN);

export async function handler(event: unknown): Promise<{ outcome: KeySetOutcome; kid: string }> {
  const parsed = eventSchema.safeParse(event ?? {});
  const rotate = parsed.success ? parsed.data.rotate === true : false;
  const result = await ensureKeySet(store, { rotate });
  logger.info('JWT key set checked', { ...result });
  return result;
}
