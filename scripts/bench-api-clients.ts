/**
 * `npm run bench:api -- --only clients`: many careless clients at once against `ai-ops start` as its own
 * process. Each client signs up a user of its own and, for the given time, pastes a log or triages a ticket
 * back to back; one write in four repeats an earlier one with the same idempotency key and input (a client
 * retrying), which must answer the same id. Afterwards every accepted job must reach a final state.
 */
import { readFileSync } from 'node:fs';
import type { StartedLocalProcess } from '../test/support/local-process.ts';

export interface ClientsReport {
  clients: number;
  seconds: number;
  writes: number;
  /** Answers that were not the expected data (GraphQL errors, HTTP errors, refused connections). */
  errors: number;
  errorTypes: Record<string, number>;
  /** A retried key that answered another id than its first use. */
  idempotencyMismatches: number;
  latenciesMs: number[];
  rssMb: { start: number; max: number; end: number };
  accepted: number;
  final: { SUCCEEDED: number; FAILED: number; unfinished: number };
  drainSeconds: number;
  stillUp: boolean;
}

const PASTE = 'mutation($r: String!, $k: String) { summarizeLog(raw: $r, idempotencyKey: $k) { id } }';
const TRIAGE =
  'mutation($t: String!, $b: String, $k: String) { triageTicket(title: $t, body: $b, idempotencyKey: $k) { id } }';
const SIGNUP = 'mutation($e: AWSEmail!, $p: String!) { signup(email: $e, password: $p) { accessToken } }';
const LEVELS = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
const WORDS = ['checkout', 'payment', 'export', 'login', 'search', 'upload', 'report', 'invoice'];

interface Answer {
  data?: Record<string, { id?: string } | null>;
  errors?: { errorType?: string }[];
}

async function post(url: string, headers: Record<string, string>, query: string, variables: object) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.headers.get('content-type')?.includes('json'))
    return { errors: [{ errorType: `HTTP ${response.status}` }] };
  return (await response.json()) as Answer;
}

/** A log of 2–64 KB with a few templates, timestamps and values, different for every client and write. */
export function clientLog(client: number, write: number): string {
  const lines: string[] = [];
  const target = 2048 * 2 ** ((client + write) % 6);
  for (let i = 0, size = 0; size < target; i++) {
    const word = WORDS[(client + i) % WORDS.length];
    const level = LEVELS[(i * 7 + write) % LEVELS.length];
    const second = String(i % 60).padStart(2, '0');
    const line = `2026-12-08 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${second} ${level} ${word}-svc request ${client}-${write}-${i} took ${(i * 37) % 900} ms`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface Accepted {
  kind: 'log' | 'ticket';
  id: string;
  token: string;
}

/** A user of its own for each client, signed up a few at a time (bcrypt is what the server cannot do faster). */
async function signUpClients(stack: StartedLocalProcess, clients: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let first = 0; first < clients; first += 4) {
    const batch = Array.from({ length: Math.min(4, clients - first) }, async (_, i) => {
      const client = first + i;
      const signup = await post(stack.url, { 'x-api-key': stack.apiKey }, SIGNUP, {
        e: `bench-client-${client}@example.com`,
        p: `Quartz-meadow-${client}-lantern`,
      });
      const token = (signup.data?.signup as { accessToken?: string } | null)?.accessToken;
      if (!token) throw new Error(`client ${client} could not sign up: ${JSON.stringify(signup.errors)}`);
      return token;
    });
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}

/** One client's loop: its writes, their latencies and errors, and what was accepted. */
async function runClient(
  stack: StartedLocalProcess,
  client: number,
  token: string,
  until: number,
  report: ClientsReport,
  accepted: Map<string, Accepted>,
): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  const firstIds = new Map<string, string>();
  for (let write = 0; Date.now() < until; write++) {
    // One write in four repeats the write two before it, key and input alike.
    const retry = write % 4 === 3;
    const n = retry ? write - 2 : write;
    const key = `c${client}-w${n}`;
    const paste = n % 2 === 0;
    const started = performance.now();
    let answer: Answer;
    try {
      answer = paste
        ? await post(stack.url, auth, PASTE, { r: clientLog(client, n), k: key })
        : await post(stack.url, auth, TRIAGE, {
            t: `${WORDS[n % WORDS.length]} fails for client ${client} (${n})`,
            b: `Steps: open ${WORDS[(n + 1) % WORDS.length]}, press save. Expected it to work; it times out.`,
            k: key,
          });
    } catch (error: unknown) {
      answer = { errors: [{ errorType: error instanceof Error ? error.name : 'network' }] };
    }
    report.latenciesMs.push(performance.now() - started);
    report.writes += 1;
    const id = answer.data?.[paste ? 'summarizeLog' : 'triageTicket']?.id;
    if (!id) {
      report.errors += 1;
      const type = answer.errors?.[0]?.errorType ?? 'no data';
      report.errorTypes[type] = (report.errorTypes[type] ?? 0) + 1;
      continue;
    }
    const first = firstIds.get(key);
    if (first === undefined) firstIds.set(key, id);
    else if (first !== id) report.idempotencyMismatches += 1;
    accepted.set(id, { kind: paste ? 'log' : 'ticket', id, token });
  }
}

/** The job status of every accepted write, read back as its owner. */
async function finalStates(stack: StartedLocalProcess, accepted: readonly Accepted[]) {
  const states = new Map<string, string>();
  await Promise.all(
    Array.from({ length: 8 }, async (_, lane) => {
      for (let i = lane; i < accepted.length; i += 8) {
        const item = accepted[i];
        if (!item) continue;
        const query =
          item.kind === 'log'
            ? 'query($id: ID!) { logEntry(id: $id) { id status } }'
            : 'query($id: ID!) { ticket(id: $id) { id triage { status } } }';
        const answer = (await post(stack.url, { authorization: `Bearer ${item.token}` }, query, {
          id: item.id,
        })) as { data?: Record<string, { status?: string; triage?: { status?: string } } | null> };
        const entry = answer.data?.[item.kind === 'log' ? 'logEntry' : 'ticket'];
        states.set(item.id, entry?.status ?? entry?.triage?.status ?? 'unknown');
      }
    }),
  );
  return states;
}

export async function clientsLoad(
  stack: StartedLocalProcess,
  clients: number,
  seconds: number,
): Promise<ClientsReport> {
  const pid = stack.child.pid;
  const report: ClientsReport = {
    clients,
    seconds,
    writes: 0,
    errors: 0,
    errorTypes: {},
    idempotencyMismatches: 0,
    latenciesMs: [],
    rssMb: { start: rssMb(pid), max: 0, end: 0 },
    accepted: 0,
    final: { SUCCEEDED: 0, FAILED: 0, unfinished: 0 },
    drainSeconds: 0,
    stillUp: false,
  };
  const sampler = setInterval(() => {
    report.rssMb.max = Math.max(report.rssMb.max, rssMb(pid));
  }, 1000);
  const accepted = new Map<string, Accepted>();
  const tokens = await signUpClients(stack, clients);
  const until = Date.now() + seconds * 1000;
  await Promise.all(tokens.map((token, c) => runClient(stack, c, token, until, report, accepted)));
  report.accepted = accepted.size;
  // Jobs are worked off at the workers' pace; wait (at most 10 minutes) until none is left unfinished.
  const drainStarted = Date.now();
  let pending = [...accepted.values()];
  while (pending.length > 0 && Date.now() - drainStarted < 600_000) {
    const states = await finalStates(stack, pending);
    pending = pending.filter((item) => !['SUCCEEDED', 'FAILED'].includes(states.get(item.id) ?? ''));
    for (const state of states.values()) {
      if (state === 'SUCCEEDED') report.final.SUCCEEDED += 1;
      if (state === 'FAILED') report.final.FAILED += 1;
    }
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  report.final.unfinished = pending.length;
  report.drainSeconds = (Date.now() - drainStarted) / 1000;
  clearInterval(sampler);
  report.rssMb.end = rssMb(pid);
  report.rssMb.max = Math.max(report.rssMb.max, report.rssMb.end);
  report.stillUp = stack.child.exitCode === null;
  return report;
}
