/**
 * What `ai-ops start` costs while nobody uses it, and how soon a job sent reaches its worker
 * (docs/reliability.md, "Idle CPU and queue wake-up").
 *
 * 1. Idle CPU: after `Ready` and a settling pause, the CPU time of the process and every process under it
 *    (the embedded PostgreSQL's postmaster and backends) over `--idle-seconds`, from /proc in clock ticks
 *    (`ps -o times` counts whole seconds). The children's reaped time (`cutime`/`cstime`) is included, so a
 *    backend that ended during the window still counts.
 * 2. Wake-up: `--jobs` small `summarizeLog` mutations one at a time, each after a random pause (so they land at
 *    any phase of a polling loop), each followed until SUCCEEDED: the client's time from the mutation to seeing
 *    SUCCEEDED (polled every 10 ms), and the job's own timestamps (created → started: the time in the queue).
 *
 * `--tree` runs another checkout's `bin/ai-ops.mjs` (its CLI built), so two trees can be run alternately.
 * Usage: npm run bench:idle -- [--tree <checkout>] [--port 47310] [--idle-seconds 60] [--settle-seconds 20] [--jobs 20]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { call } from './graphql-call.ts';
import { scratchDir } from './scratch-dir.ts';
import { scriptArgs } from './script-args.ts';

const args = scriptArgs({
  name: 'bench-idle',
  usage:
    'npm run bench:idle -- [--tree <checkout>] [--port 47310] [--idle-seconds 60] [--settle-seconds 20] [--jobs 20]',
  options: {
    tree: { type: 'string', default: resolve(import.meta.dirname, '..') },
    port: { type: 'string', default: '47310' },
    'idle-seconds': { type: 'string', default: '60' },
    'settle-seconds': { type: 'string', default: '20' },
    jobs: { type: 'string', default: '20' },
  },
});
const { values } = args;
const tree = resolve(values.tree);
const port = args.number('port', { integer: true, min: 0, max: 65535 });
const settleSeconds = args.number('settle-seconds', { min: 0 });
const idleSeconds = args.number('idle-seconds', { min: 1 });
const jobs = args.number('jobs', { integer: true, min: 1 });
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

const LOGIN = 'mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

interface Started {
  child: ChildProcess;
  url: string;
  apiKey: string;
  admin: { email: string; password: string };
}

/** `ai-ops start` of the tree on a fresh data dir, in a process group of its own (as a terminal runs it). */
async function start(dataDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [join(tree, 'bin/ai-ops.mjs'), 'start', '--port', String(port), '--data-dir', dataDir],
    {
      cwd: tree,
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    },
  );
  let apiKey = '';
  let admin: { email: string; password: string } | null = null;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`ai-ops start exited with ${code} before Ready`)));
    lines.on('line', (line) => {
      const key = /^API key: (\S+)/.exec(line);
      if (key?.[1]) apiKey = key[1];
      const credentials = /^Admin: (\S+) (\S+)/.exec(line);
      if (credentials?.[1] && credentials[2]) admin = { email: credentials[1], password: credentials[2] };
      if (line.startsWith('Ready')) done();
    });
  });
  if (!admin || !apiKey) throw new Error('no credentials printed');
  return { child, url: `http://localhost:${port}/graphql`, apiKey, admin };
}

/** Clock ticks of a process and of its reaped children, and its parent, from /proc/<pid>/stat. */
function readStat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after its closing parenthesis are plain.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const number = (index: number) => Number(fields[index] ?? 0);
    // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    return { ppid: number(1), ticks: number(11) + number(12) + number(13) + number(14) };
  } catch {
    return null;
  }
}

/** CPU seconds of the process tree under `root`, split into the root (Node) and the rest (PostgreSQL). */
function treeCpu(root: number): { node: number; postgres: number } {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  const inTree = (pid: number): boolean => {
    for (let current = pid, depth = 0; current > 1 && depth < 20; depth++) {
      if (current === root) return true;
      current = stats.get(current)?.ppid ?? 0;
    }
    return false;
  };
  let node = 0;
  let postgres = 0;
  for (const [pid, stat] of stats) {
    if (pid === root) node += stat.ticks;
    else if (inTree(pid)) postgres += stat.ticks;
  }
  return { node: node / ticksPerSecond, postgres: postgres / ticksPerSecond };
}

/** 40 lines of a small application log: the size a person pastes to ask "what happened here?". */
function smallLog(run: number): string {
  return Array.from({ length: 40 }, (_, i) => {
    const level = i % 13 === 0 ? 'ERROR' : 'INFO';
    return `2026-12-07 10:00:${String(i).padStart(2, '0')},${run % 1000} ${level} worker-${i % 3} job ${run * 100 + i} took ${(i * 37) % 900} ms`;
  }).join('\n');
}

interface JobTimes {
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

async function wakeUps(started: Started, jobs: number) {
  const login = await call(started.url, { 'x-api-key': started.apiKey }, LOGIN, {
    e: started.admin.email,
    p: started.admin.password,
  });
  const auth = { authorization: `Bearer ${(login.login as { accessToken: string }).accessToken}` };
  const rows: { client: number; queued: number; total: number }[] = [];
  for (let run = 1; run <= jobs; run++) {
    await sleep(200 + Math.random() * 500);
    const sent = performance.now();
    const submitted = await call(
      started.url,
      auth,
      'mutation($r: String!) { summarizeLog(raw: $r) { id } }',
      {
        r: smallLog(run),
      },
    );
    const id = (submitted.summarizeLog as { id: string }).id;
    for (;;) {
      const read = await call(
        started.url,
        auth,
        'query($id: ID!) { logEntry(id: $id) { status job { createdAt startedAt finishedAt } } }',
        { id },
      );
      const entry = read.logEntry as { status: string; job: JobTimes };
      if (entry.status === 'SUCCEEDED' || entry.status === 'FAILED') {
        const ms = (at: string | null) => (at ? Date.parse(at) : Number.NaN);
        rows.push({
          client: performance.now() - sent,
          queued: ms(entry.job.startedAt) - ms(entry.job.createdAt),
          total: ms(entry.job.finishedAt) - ms(entry.job.createdAt),
        });
        break;
      }
      await sleep(10);
    }
  }
  return rows;
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

const dataDir = scratchDir('ai-ops-bench-idle-');
let started: Started | undefined;
try {
  started = await start(dataDir);
  const pid = started.child.pid ?? 0;
  await sleep(settleSeconds * 1000);
  const before = treeCpu(pid);
  await sleep(idleSeconds * 1000);
  const after = treeCpu(pid);
  const perMinute = (seconds: number) => ((seconds * 60) / idleSeconds).toFixed(2);
  const node = after.node - before.node;
  const postgres = after.postgres - before.postgres;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const rows = await wakeUps(started, jobs);
  const summary = (pick: (row: (typeof rows)[number]) => number) =>
    `${quantile(rows.map(pick), 0.5).toFixed(0)} / ${quantile(rows.map(pick), 0.9).toFixed(0)}`;
  console.log(
    `| ${tree} | ${load} | ${perMinute(node)} | ${perMinute(postgres)} | ${perMinute(node + postgres)} | ` +
      `${summary((row) => row.client)} | ${summary((row) => row.queued)} | ${summary((row) => row.total)} |`,
  );
} finally {
  if (started?.child.pid) {
    const exited = new Promise((done) => started?.child.once('exit', done));
    process.kill(-started.child.pid, 'SIGINT');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}
