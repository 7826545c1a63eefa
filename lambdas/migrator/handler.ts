/** The deployed migrator: configuration from the environment, once per container. */
import { createMigrator, migratorConfigFromEnv } from './migrator.ts';

export const handler = createMigrator(migratorConfigFromEnv(process.env));
