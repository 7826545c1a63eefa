import { afterAll, describe, expect, it } from 'vitest';
import { type DeploySetupDeps, runDeploySetup } from '../../lambdas/migrator/deploy-setup.ts';
import { deploySetupDeps } from '../../lambdas/migrator/setup-deps.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const BOOTSTRAP = { email: 'First.Admin@example.com', password: 'Zq8vN3kLp2Rt7wXy5Hb4Jc6M' };
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.close();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false });
  databases.push(database);
  return database;
}

describe('deploy-time setup (migrator trigger)', () => {
  it('migrates an empty database and creates the first admin from the bootstrap secret', async () => {
    const database = await freshDatabase();
    const deps = deploySetupDeps(database, { bcryptCost: 12, readBootstrapSecret: async () => BOOTSTRAP });
    expect(await runDeploySetup(deps)).toEqual({ migrated: true, admin: 'created' });
    const admins = await database.sql<{ email: string; role: string }[]>`select email, role from users`;
    expect(admins).toEqual([{ email: 'first.admin@example.com', role: 'ADMIN' }]);
  });

  it('changes nothing on the next deploy: migrations are applied and the admin exists', async () => {
    const database = await freshDatabase();
    const deps = deploySetupDeps(database, { bcryptCost: 12, readBootstrapSecret: async () => BOOTSTRAP });
    await runDeploySetup(deps);
    const [hashBefore] = await database.sql<{ password_hash: string }[]>`select password_hash from users`;
    expect(await runDeploySetup(deps)).toEqual({ migrated: true, admin: 'exists' });
    const after = await database.sql<{ password_hash: string }[]>`select password_hash from users`;
    expect(after).toEqual([hashBefore]);
  });

  it('consumes the bootstrap secret on the first deploy after the admin signed in', async () => {
    const database = await freshDatabase();
    let secret: unknown = BOOTSTRAP;
    const deps = deploySetupDeps(database, {
      bcryptCost: 12,
      readBootstrapSecret: async () => secret,
      writeBootstrapSecret: async (value) => {
        secret = JSON.parse(value);
      },
    });
    expect((await runDeploySetup(deps)).admin).toBe('created');
    // Not signed in yet: the operator still needs the password.
    expect((await runDeploySetup(deps)).admin).toBe('exists');
    expect(secret).toEqual(BOOTSTRAP);
    await database.sql`update users set last_login_at = now() where role = 'ADMIN'`;
    expect((await runDeploySetup(deps)).admin).toBe('consumed');
    expect(secret).toEqual({ email: BOOTSTRAP.email, consumedAt: expect.any(String) });
    expect(JSON.stringify(secret)).not.toContain(BOOTSTRAP.password);
    // Later deploys find nothing to do, and the admin is untouched.
    expect((await runDeploySetup(deps)).admin).toBe('consumed');
    const admins = await database.sql<{ role: string }[]>`select role from users`;
    expect(admins).toEqual([{ role: 'ADMIN' }]);
  });

  it('only migrates when the stage has no bootstrap secret', async () => {
    const database = await freshDatabase();
    expect(await runDeploySetup(deploySetupDeps(database, { bcryptCost: 12 }))).toEqual({
      migrated: true,
      admin: 'skipped',
    });
    const [row] = await database.sql<{ n: number }[]>`select count(*)::int as n from users`;
    expect(row?.n).toBe(0);
  });

  it('fails, and so fails the deploy, when a migration fails, without bootstrapping', async () => {
    const calls: string[] = [];
    const deps: DeploySetupDeps = {
      migrate: async () => {
        calls.push('migrate');
        throw new Error('relation "jobs" already exists');
      },
      readBootstrapSecret: async () => BOOTSTRAP,
      bootstrapAdmin: async () => {
        calls.push('bootstrap');
        return { created: true };
      },
    };
    await expect(runDeploySetup(deps)).rejects.toThrow(/already exists/);
    expect(calls).toEqual(['migrate']);
  });

  it('names the bad fields of a malformed bootstrap secret without echoing the password', async () => {
    const deps: DeploySetupDeps = {
      migrate: async () => {},
      readBootstrapSecret: async () => ({ mail: 'x@example.com', password: 'never-print-this-one' }),
      bootstrapAdmin: async () => ({ created: true }),
    };
    const attempt = runDeploySetup(deps);
    await expect(attempt).rejects.toThrow(/bootstrap secret is invalid: email/);
    await attempt.catch((error: unknown) => expect(String(error)).not.toContain('never-print-this-one'));
  });

  it('refuses a bootstrap password that breaks the password policy', async () => {
    const database = await freshDatabase();
    const deps = deploySetupDeps(database, {
      bcryptCost: 12,
      readBootstrapSecret: async () => ({ email: 'admin@example.com', password: 'short' }),
    });
    await expect(runDeploySetup(deps)).rejects.toThrow();
  });
});
