/** What the fault cases share: a database the test owns (to stop and restart), the stack, a signed-in admin. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from '../../local/embedded-postgres.ts';
import {
  dataField,
  type GraphQLResult,
  graphql,
  type StartedLocalProcess,
} from '../support/local-process.ts';

/** The two calls the database fault cases make under load: submit a log, list the latest entries. */
export const SUMMARIZE = 'mutation($raw: String!) { summarizeLog(raw: $raw) { id status } }';
export const LIST_ENTRIES = '{ logEntries(limit: 20) { items { id status } } }';

export const tempDir = (prefix: string): { path: string; remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

/** A PostgreSQL server on a fixed port that the test stops and starts again, as an outage would. */
export class StoppableDatabase {
  private server: EmbeddedDatabase | null = null;
  /** The server's URL, the same across stops and starts (same port, same password file). */
  private knownUrl = '';
  private constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  static async start(dataDir: string): Promise<StoppableDatabase> {
    const database = new StoppableDatabase(dataDir, await freePort());
    await database.up();
    await database.server?.createDatabase('aiops');
    database.knownUrl = database.server?.urlFor('aiops') ?? '';
    return database;
  }

  get url(): string {
    return this.knownUrl;
  }

  async up(): Promise<void> {
    this.server ??= await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port });
  }

  async down(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  /**
   * Freezes the server (SIGSTOP to the postmaster, then to its backends), as a database host that stops
   * answering: connections stay open and new ones are accepted by the kernel, but nothing is answered. Linux
   * only (/proc). Returns the frozen pids for `thaw`.
   */
  freeze(): number[] {
    const postmaster = Number.parseInt(
      readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '',
      10,
    );
    if (!Number.isInteger(postmaster) || postmaster <= 0) throw new Error('no postmaster pid');
    // The postmaster first, so that it forks no backend the list below would miss.
    process.kill(postmaster, 'SIGSTOP');
    const children = childrenOf(postmaster);
    for (const pid of children) process.kill(pid, 'SIGSTOP');
    return [postmaster, ...children];
  }

  /** Resumes what `freeze` stopped, backends first. */
  thaw(pids: number[]): void {
    for (const pid of [...pids].reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Gone already.
      }
    }
  }

  /** Runs SQL as the superuser (a trigger to install, a count to check). */
  async sql<T>(use: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    const sql = postgres(this.url, { max: 1, onnotice: () => {} });
    try {
      return await use(sql);
    } finally {
      await sql.end();
    }
  }
}

/** The processes whose parent is `pid`, from /proc/<pid>/stat (the field after the command's closing paren). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(name));
    } catch {
      // Exited while listing.
    }
  }
  return children;
}

export interface Session {
  call: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResult>;
  userId: string;
}

/** Signs in as the admin the first start printed. */
export async function adminSession(
  stack: StartedLocalProcess,
  admin: { email: string; password: string } | null = stack.admin,
): Promise<Session> {
  if (!admin) throw new Error('the stack printed no admin (not a fresh data dir?)');
  const login = await graphql(
    stack.url,
    'mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken user { id } } }',
    { e: admin.email, p: admin.password },
    { 'x-api-key': stack.apiKey },
  );
  const payload = dataField<{ accessToken: string; user: { id: string } }>(login, 'login');
  const headers = { authorization: `Bearer ${payload.accessToken}` };
  return {
    call: (query, variables = {}) => graphql(stack.url, query, variables, headers),
    userId: payload.user.id,
  };
}

/** Calls `call` until it returns a value, or fails after `timeoutMs`. */
export async function until<T>(
  call: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await call().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Times a call in milliseconds. */
export async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await call();
  return { ms: performance.now() - start, value };
}

/** A small real log (Loghub HDFS lines, test/fixtures/logs) made unique by a marker. */
export function sampleLog(marker: string, lines = 20): string {
  return Array.from(
    { length: lines },
    (_, i) =>
      `081109 2036${String(i % 60).padStart(2, '0')} 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_${marker}_${i} terminating`,
  ).join('\n');
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
