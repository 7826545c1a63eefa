import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createBcryptHasher } from '../../../lambdas/core/auth/password.ts';
import { ServiceUnavailableError } from '../../../lambdas/core/errors.ts';
import { withDeadline } from '../../../lambdas/shared/request-deadline.ts';
import { type BcryptPool, createBcryptPool } from '../../../local/bcrypt-pool.ts';

/** Turns of this thread's event loop (setImmediate) until `work` settles. */
async function loopTurnsDuring(work: Promise<unknown>): Promise<number> {
  let settled = false;
  let turns = 0;
  const counting = (async () => {
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      turns += 1;
    }
  })();
  await work.finally(() => {
    settled = true;
  });
  await counting;
  return turns;
}

describe('the local server’s bcrypt pool', () => {
  let pool: BcryptPool | undefined;
  afterEach(async () => pool?.close());

  it('hashes and compares as bcryptjs does, behind the same password port', async () => {
    pool = createBcryptPool({ size: 2 });
    const hasher = createBcryptHasher(12, pool);
    const hash = await hasher.hash('correct horse battery');
    expect(bcrypt.getRounds(hash)).toBe(12);
    expect(bcrypt.compareSync('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('correct horse batterz', hash)).toBe(false);
    expect(await hasher.verify('anything', 'not-a-bcrypt-hash')).toBe(false);
    expect(bcrypt.getRounds(await hasher.dummyHash())).toBe(12);
  });

  it('starts no thread before the first computation and never more than its size', async () => {
    pool = createBcryptPool({ size: 2 });
    expect(pool.threads()).toBe(0);
    const hash = bcrypt.hashSync('correct horse battery', 4);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        pool?.compare(i === 0 ? 'correct horse battery' : `wrong ${i}`, hash),
      ),
    );
    expect(results).toEqual([true, false, false, false, false]);
    expect(pool.threads()).toBe(2);
  });

  it('leaves the event loop free while a login’s comparison runs (bcryptjs in-process holds it in 100 ms slices)', async () => {
    pool = createBcryptPool({ size: 1 });
    const hash = bcrypt.hashSync('correct horse battery', 12);
    await pool.compare('warm the thread up', hash);
    // In-process, a cost-12 comparison lets the loop turn once per 100 ms slice: a handful of turns in all.
    expect(await loopTurnsDuring(pool.compare('correct horse battery', hash))).toBeGreaterThan(100);
  });

  it('drops a waiting computation once its request has run out of time, instead of computing it for nobody', async () => {
    pool = createBcryptPool({ size: 1 });
    const running = pool.hash('keeps the one thread busy', 12);
    // A request whose deadline passes while its comparison waits behind the running hash.
    const late = withDeadline(1, async () => pool?.compare('late login', bcrypt.hashSync('x', 4)));
    const next = pool.compare('correct horse battery', bcrypt.hashSync('correct horse battery', 4));
    await expect(late).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(pool.queued()).toBe(1);
    // A request already out of time when it asks is refused without queueing.
    const asked = await new Promise<{ compare: Promise<boolean> | undefined }>((handOver) => {
      withDeadline(1, async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const compare = pool?.compare('too late', 'not-a-bcrypt-hash');
        handOver({ compare });
        return compare;
      }).catch(() => {});
    });
    await expect(asked.compare).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(pool.queued()).toBe(1);
    await running;
    expect(await next).toBe(true);
    expect(pool.queued()).toBe(0);
  });

  it('answers a comparison whose thread ended under it as unavailable, so a login is retried, not failed', async () => {
    pool = createBcryptPool({ size: 1 });
    const cut = pool.compare('correct horse battery', bcrypt.hashSync('correct horse battery', 12));
    await new Promise((resolve) => setImmediate(resolve));
    await pool.close();
    await expect(cut).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('refuses computations once closed, and ends its threads', async () => {
    pool = createBcryptPool({ size: 1 });
    await pool.hash('correct horse battery', 4);
    await pool.close();
    expect(pool.threads()).toBe(0);
    await expect(pool.hash('correct horse battery', 4)).rejects.toThrow(/closed/);
  });
});
