import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { connectThroughProxy } from '../adapters/db/aws-connection.ts';
import { connectDatabase, type DatabaseConnection } from '../adapters/db/client.ts';
import { databaseConfigSchema, parseConfig } from '../shared/config.ts';
import { logger } from '../shared/observability.ts';
import { type DeploySetupResult, runDeploySetup } from './deploy-setup.ts';
import { deploySetupDeps } from './setup-deps.ts';

const migratorConfigSchema = z.object({
  ADMIN_BOOTSTRAP_SECRET_ARN: z.string().min(1).optional(),
  BCRYPT_COST: z.coerce.number().int().min(12).max(15).default(12),
});

const databaseConfig = parseConfig(databaseConfigSchema, process.env, 'database');
const migratorConfig = parseConfig(migratorConfigSchema, process.env, 'migrator');

async function connect(): Promise<DatabaseConnection> {
  if (databaseConfig.DB_SECRET_ARN && databaseConfig.DB_PROXY_ENDPOINT) {
    return connectThroughProxy({
      secretArn: databaseConfig.DB_SECRET_ARN,
      proxyEndpoint: databaseConfig.DB_PROXY_ENDPOINT,
      databaseName: databaseConfig.DB_NAME,
    });
  }
  if (databaseConfig.DATABASE_URL) return connectDatabase({ url: databaseConfig.DATABASE_URL });
  throw new Error('No database configured');
}

/** Invoked by the deploy trigger (once per deploy that changes this function or its migrations). */
export async function handler(): Promise<DeploySetupResult> {
  // A fresh connection per run: deploys are rare, and a kept one could predate a rotated password.
  const connection = await connect();
  try {
    const secretArn = migratorConfig.ADMIN_BOOTSTRAP_SECRET_ARN;
    const result = await runDeploySetup(
      deploySetupDeps(connection, {
        bcryptCost: migratorConfig.BCRYPT_COST,
        ...(secretArn
          ? { readBootstrapSecret: () => getSecret(secretArn, { transform: 'json', forceFetch: true }) }
          : {}),
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
}
