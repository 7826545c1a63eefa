import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { parseConfig } from '../shared/config.ts';
import { instrument, logger, tracer } from '../shared/observability.ts';
import { ensureKeySet, secretsManagerKeySetStore } from './ensure-key-set.ts';

/** The trigger invokes with an empty event; an operator may invoke with `{"rotate": true}`. */
const keygenConfigSchema = z.object({ JWT_KEYS_SECRET_ARN: z.string().min(1) });
const eventSchema = z.object({ rotate: z.boolean().optional() }).passthrough();

const config = parseConfig(keygenConfigSchema, process.env, 'keygen');
const store = secretsManagerKeySetStore(
  tracer.captureAWSv3Client(new SecretsManagerClient({})),
  config.JWT_KEYS_SECRET_ARN,
);

export const handler = instrument('keygen', async (event: unknown) => {
  const parsed = eventSchema.safeParse(event ?? {});
  const rotate = parsed.success ? parsed.data.rotate === true : false;
  const result = await ensureKeySet(store, { rotate });
  logger.info('JWT key set checked', { ...result });
  return result;
});
