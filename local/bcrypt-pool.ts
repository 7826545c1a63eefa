/**
 * bcrypt on worker threads for the local server (docs/auth.md, "Where bcrypt runs"). One process serves every
 * local request, and bcryptjs computes on the calling thread: 20 concurrent failing logins (the API key is
 * public) held the event loop so that a `me` took 0.36 s at the median and 1.5 s at p99. Here each computation
 * runs whole on a thread of its own, and the API's loop only posts a message and waits.
 *
 * The pool starts no thread until the first computation, keeps at most `size` (one per core, up to 4), queues
 * the rest in arrival order, and is closed on shutdown. A thread holds the process open only while it computes,
 * so a pool nobody closed never keeps it alive.
 *
 * A computation waiting for a thread leaves the queue when its request's deadline passes (the request has been
 * answered ServiceUnavailable by then): 50 sign-ups at once used to have the late ones answered at 25 s and still
 * hashed afterwards, and a flood of logins kept the threads busy with answered requests while new ones timed out
 * in turn (docs/reliability.md, "Hostile client audit").
 */

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BcryptCompute } from '../lambdas/core/auth/password.ts';
import { ServiceUnavailableError } from '../lambdas/core/errors.ts';
import { currentDeadline, deadlineExceeded } from '../lambdas/shared/request-deadline.ts';

export interface BcryptPool extends BcryptCompute {
  /** Threads running now (started lazily, at most the pool's size). */
  threads(): number;
  /** Computations waiting for a thread. */
  queued(): number;
  /** Ends every thread; computations waiting or running are refused. */
  close(): Promise<void>;
}

type Job = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };
type Reply = { ok: true; value: string | boolean } | { ok: false; message: string };

interface Task {
  job: Job;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
  /** Stops watching the request's deadline (the task got a thread, or the pool closed). */
  forget: () => void;
}

/**
 * The thread's code, evaluated as CommonJS: it needs nothing of ours, only bcryptjs (its CommonJS build, the
 * same algorithm), so it runs the same from the TypeScript sources and from the built command.
 */
function threadCode(bcryptPath: string): string {
  return `
const { parentPort } = require('node:worker_threads');
const bcrypt = require(${JSON.stringify(bcryptPath)});
parentPort.on('message', (job) => {
  try {
    const value = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ ok: true, value });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message ? error.message : error) });
  }
});`;
}

/**
 * One thread per core, up to 4. Not one less to spare the API's loop: a request needs little CPU and the OS shares
 * cores fairly, so on 2 cores `me` during 20 failing logins measured the same with 1 thread or 2 (p50 16 ms both),
 * and the logins went 2.0/s with 1 thread, 3.0/s with 2 (npm run bench:api -- --only logins, a loaded machine).
 */
export function defaultBcryptPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function createBcryptPool(options: { size?: number } = {}): BcryptPool {
  const size = options.size ?? defaultBcryptPoolSize();
  if (!Number.isInteger(size) || size < 1) throw new RangeError('a bcrypt pool needs at least one thread');
  let code: string | undefined;
  const idle: Worker[] = [];
  const busy = new Map<Worker, Task>();
  const waiting: Task[] = [];
  let closed = false;

  const finish = (worker: Worker, settle: (task: Task) => void) => {
    const task = busy.get(worker);
    busy.delete(worker);
    worker.unref();
    if (task) settle(task);
  };

  const spawn = (): Worker => {
    code ??= threadCode(createRequire(import.meta.url).resolve('bcryptjs'));
    const worker = new Worker(code, { eval: true });
    worker.on('message', (reply: Reply) => {
      finish(worker, (task) =>
        reply.ok ? task.resolve(reply.value) : task.reject(new Error(`bcrypt: ${reply.message}`)),
      );
      if (!closed) {
        idle.push(worker);
        dispatch();
      }
    });
    // A thread's uncaught error ends it: the 'exit' below refuses its computation, so nothing is lost by not
    // reporting it twice (and an unhandled 'error' event would end the whole process).
    worker.on('error', () => {});
    worker.once('exit', (exitCode) => {
      // A thread that died takes its computation with it; the next one starts a fresh thread.
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      // Not the password's fault: the login answers ServiceUnavailable (retry) rather than a wrong password.
      const cause = new Error(`bcrypt thread exited with code ${exitCode}`);
      finish(worker, (task) => task.reject(new ServiceUnavailableError(undefined, 1, { cause })));
      if (!closed) dispatch();
    });
    return worker;
  };

  const dispatch = () => {
    while (waiting.length > 0) {
      const worker = idle.pop() ?? (idle.length + busy.size < size ? spawn() : undefined);
      if (!worker) return;
      const task = waiting.shift();
      if (!task) {
        idle.push(worker);
        return;
      }
      task.forget();
      busy.set(worker, task);
      worker.ref();
      worker.postMessage(task.job);
    }
  };

  const run = (job: Job) =>
    new Promise<string | boolean>((resolve, reject) => {
      if (closed) {
        reject(new Error('the bcrypt pool is closed'));
        return;
      }
      const deadline = currentDeadline();
      if (deadline?.expired) {
        reject(deadlineExceeded());
        return;
      }
      const task: Task = { job, resolve, reject, forget: () => {} };
      if (deadline) {
        // Once the request has been answered, nobody waits for this computation: leave the queue.
        const leave = () => {
          const at = waiting.indexOf(task);
          if (at >= 0) waiting.splice(at, 1);
          reject(deadlineExceeded());
        };
        deadline.signal.addEventListener('abort', leave, { once: true });
        task.forget = () => deadline.signal.removeEventListener('abort', leave);
      }
      waiting.push(task);
      dispatch();
    });

  return {
    hash: async (password, cost) => String(await run({ op: 'hash', password, cost })),
    compare: async (password, hash) => (await run({ op: 'compare', password, hash })) === true,
    threads: () => idle.length + busy.size,
    queued: () => waiting.length,
    close: async () => {
      closed = true;
      for (const task of waiting.splice(0)) {
        task.forget();
        task.reject(new Error('the bcrypt pool is closed'));
      }
      const workers = [...idle.splice(0), ...busy.keys()];
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
