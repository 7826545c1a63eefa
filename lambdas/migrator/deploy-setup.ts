/**
 * What runs on deploy before the new code takes traffic: pending migrations, then the first admin from the
 * bootstrap secret. Any failure is thrown, so the CDK trigger fails and CloudFormation rolls the deploy back.
 */
import { z } from 'zod';

/** The bootstrap secret the stack generates: `{ "email": "...", "password": "..." }`. */
export const bootstrapSecretSchema = z.object({ email: z.string().min(3), password: z.string().min(1) });

export interface DeploySetupDeps {
  migrate(): Promise<void>;
  /** Absent when the stage has no bootstrap secret. */
  readBootstrapSecret?: () => Promise<unknown>;
  bootstrapAdmin(input: { email: string; password: string }): Promise<{ created: boolean }>;
}

export interface DeploySetupResult {
  migrated: true;
  admin: 'created' | 'exists' | 'skipped';
}

export class BootstrapSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapSecretError';
  }
}

export async function runDeploySetup(deps: DeploySetupDeps): Promise<DeploySetupResult> {
  await deps.migrate();
  if (!deps.readBootstrapSecret) return { migrated: true, admin: 'skipped' };
  const parsed = bootstrapSecretSchema.safeParse(await deps.readBootstrapSecret());
  if (!parsed.success) {
    // Field names only: the password must not reach CloudFormation events or logs.
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new BootstrapSecretError(`The admin bootstrap secret is invalid: ${fields.join(', ')}`);
  }
  const { created } = await deps.bootstrapAdmin(parsed.data);
  return { migrated: true, admin: created ? 'created' : 'exists' };
}
