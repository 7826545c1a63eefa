/**
 * What runs on deploy before the new code takes traffic: pending migrations, then the first admin from the
 * bootstrap secret. Any failure is thrown, so the CDK trigger fails and CloudFormation rolls the deploy back.
 *
 * The bootstrap password is used once: the deploy that creates the admin leaves it in the secret for the
 * operator to read; the first deploy after that admin has signed in replaces the secret's value with
 * `{ email, consumedAt }`, so no admin password stays in Secrets Manager.
 */
import { z } from 'zod';

/** The bootstrap secret the stack generates: `{ "email": "...", "password": "..." }`. */
export const bootstrapSecretSchema = z.object({ email: z.string().min(3), password: z.string().min(1) });
/** What the secret holds once consumed: no password. */
export const consumedBootstrapSchema = z.object({ email: z.string().min(3), consumedAt: z.string().min(1) });

export interface DeploySetupDeps {
  migrate(): Promise<void>;
  /** Absent when the stage has no bootstrap secret. */
  readBootstrapSecret?: () => Promise<unknown>;
  bootstrapAdmin(input: { email: string; password: string }): Promise<{ created: boolean }>;
  /** Whether the bootstrap admin has signed in at least once (then its password is no longer needed). */
  adminHasSignedIn?: (email: string) => Promise<boolean>;
  /** Replaces the secret's value with `{ email, consumedAt }`; absent: the secret is never consumed. */
  consumeBootstrapSecret?: (value: z.infer<typeof consumedBootstrapSchema>) => Promise<void>;
  now?: () => Date;
}

export interface DeploySetupResult {
  migrated: true;
  admin: 'created' | 'exists' | 'consumed' | 'skipped';
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
  const value = await deps.readBootstrapSecret();
  if (consumedBootstrapSchema.safeParse(value).success) return { migrated: true, admin: 'consumed' };
  const parsed = bootstrapSecretSchema.safeParse(value);
  if (!parsed.success) {
    // Field names only: the password must not reach CloudFormation events or logs.
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new BootstrapSecretError(`The admin bootstrap secret is invalid: ${fields.join(', ')}`);
  }
  const { created } = await deps.bootstrapAdmin(parsed.data);
  if (created) return { migrated: true, admin: 'created' };
  const { email } = parsed.data;
  if (deps.consumeBootstrapSecret && (await deps.adminHasSignedIn?.(email))) {
    const consumedAt = (deps.now?.() ?? new Date()).toISOString();
    await deps.consumeBootstrapSecret({ email, consumedAt });
    return { migrated: true, admin: 'consumed' };
  }
  return { migrated: true, admin: 'exists' };
}
