/**
 * The deploy-time migrator as the container builds it: configuration object in, instrumented handler out.
 * A fresh connection per run: deploys are rare, and a kept one could predate a rotated password.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { openDatabase } from '../adapters/db/connection-from-config.ts';
import { CONFIG_SECTIONS, type ConfigOf, configFromEnv } from '../shared/config.ts';
import { type Handler, instrument, logger, tracer } from '../shared/observability.ts';
import { type DeploySetupResult, runDeploySetup } from './deploy-setup.ts';
import { deploySetupDeps } from './setup-deps.ts';

export const migratorConfigSchema = z.object({
  ADMIN_BOOTSTRAP_SECRET_ARN: z.string().min(1).optional(),
  /** The secret the functions connect with as ai_ops_app (docs/operations.md); the migrator gives it a login. */
  APP_DB_SECRET_ARN: z.string().min(1).optional(),
  BCRYPT_COST: z.coerce.number().int().min(12).max(15).default(12),
});

const MIGRATOR_CONFIG = {
  database: CONFIG_SECTIONS.database,
  migrator: { schema: migratorConfigSchema, label: 'migrator' },
};
export type MigratorConfig = ConfigOf<typeof MIGRATOR_CONFIG>;

export const migratorConfigFromEnv = (env: Record<string, string | undefined>): MigratorConfig =>
  configFromEnv(MIGRATOR_CONFIG, env);

/** Invoked by the deploy trigger (once per deploy that changes this function or its migrations). */
export function createMigrator(config: MigratorConfig): Handler<unknown, DeploySetupResult> {
  const secretArn = config.migrator.ADMIN_BOOTSTRAP_SECRET_ARN;
  const readBootstrapSecret = secretArn
    ? () => getSecret(secretArn, { transform: 'json', forceFetch: true })
    : undefined;
  const writeBootstrapSecret = secretArn
    ? async (value: string) => {
        const client = tracer.captureAWSv3Client(new SecretsManagerClient({}));
        await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: value }));
      }
    : undefined;
  const appSecretArn = config.migrator.APP_DB_SECRET_ARN;
  const readAppRoleSecret = appSecretArn
    ? () => getSecret(appSecretArn, { transform: 'json', forceFetch: true })
    : undefined;
  return instrument('migrator', async () => {
    const connection = await openDatabase(config.database, { statementTimeoutMs: 0 });
    try {
      const result = await runDeploySetup(
        deploySetupDeps(connection, {
          bcryptCost: config.migrator.BCRYPT_COST,
          ...(readBootstrapSecret ? { readBootstrapSecret } : {}),
          ...(readAppRoleSecret ? { readAppRoleSecret } : {}),
          ...(writeBootstrapSecret ? { writeBootstrapSecret } : {}),
        }),
      );
      logger.info('Deploy setup finished', { ...result });
      return result;
    } catch (error: unknown) {
      // The trigger reports the message to CloudFormation, which fails and rolls back the deploy.
      logger.error('Deploy setup failed', { error });
      throw error;
    } finally {
      await connection.close();
    }
  });
}
