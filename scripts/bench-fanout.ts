/**
 * `npm run bench:fanout -- --url http://localhost:4000/graphql --api-key da2-… --email admin@… --password …`:
 * what one request that multiplies work costs a running `ai-ops start`, and what it costs everyone else meanwhile.
 * Seeds the instance (as its admin) up to `--tickets` triaged tickets and `--logs` summarised log entries, then,
 * per case, sends one request of 50 aliases (the resolver count limit) while `me` is asked every 100 ms, and
 * reports the request's time and outcome and `me`'s p50/max. Targets a running server, so two trees (before and
 * after a change) can be measured alternately on the same data (docs/reliability.md, "Fan-out through `similar`").
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { scriptArgs } from './script-args.ts';

const args = scriptArgs({
  name: 'bench-fanout',
  usage:
    'npm run bench:fanout -- --url <graphql url> --api-key <key> --email <admin> --password <password> ' +
    '[--tickets 300] [--logs 100] [--only <names>] [--repeat 5]',
  options: {
    url: { type: 'string' },
    'api-key': { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    tickets: { type: 'string', default: '300' },
    logs: { type: 'string', default: '100' },
    only: { type: 'string' },
    repeat: { type: 'string', default: '5' },
  },
});
const { values } = args;
const url = args.required('url');
const apiKey = args.required('api-key');
const email = args.required('email');
const password = args.required('password');
const ticketCount = args.number('tickets', { integer: true, min: 0 });
const logCount = args.number('logs', { integer: true, min: 0 });
const repeat = args.number('repeat', { integer: true, min: 1 });

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { errorType?: string; message?: string }[];
}

async function post(headers: Record<string, string>, query: string, variables = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const login = await post(
  { 'x-api-key': apiKey },
  'mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
  { e: email, p: password },
);
const token = (login.data?.login as { accessToken?: string } | undefined)?.accessToken;
if (!token) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
const auth = { authorization: `Bearer ${token}` };
const call = (query: string, variables = {}) => post(auth, query, variables);

const titles = ['train', 'validation', 'challenge'].flatMap((name) =>
  (
    parse(readFileSync(new URL(`../data/tickets/${name}.csv`, import.meta.url)), { columns: true }) as Record<
      string,
      string
    >[]
  ).map((row) => row.title ?? 'untitled'),
);

/** Items of every page of a list field (`tickets` or `logEntries`), as the admin sees them. */
async function listAll(field: string, selection: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let nextToken: string | null = null;
  do {
    const page = await call(
      `query($t: String) { ${field}(limit: 100, nextToken: $t) { items { ${selection} } nextToken } }`,
      { t: nextToken },
    );
    const answer = page.data?.[field] as { items: Record<string, unknown>[]; nextToken: string | null };
    items.push(...answer.items);
    nextToken = answer.nextToken;
  } while (nextToken !== null);
  return items;
}

async function seed(wantTickets: number, wantLogs: number): Promise<void> {
  const tickets = await listAll('tickets', 'id');
  for (let i = tickets.length; i < wantTickets; i += 1)
    await call('mutation($t: String!) { triageTicket(title: $t) { id } }', {
      t: `${titles[i % titles.length]} ${i}`,
    });
  const logs = await listAll('logEntries', 'id');
  for (let i = logs.length; i < wantLogs; i += 1)
    await call('mutation($r: String!) { summarizeLog(raw: $r) { id } }', {
      r: `2025-01-01 10:00:0${i % 10} ERROR db: connection ${i} refused\n2025-01-01 10:00:0${i % 10} INFO app: retry ${i}\n`,
    });
  for (;;) {
    const pending = [
      ...(await listAll('tickets', 'triage { status }')).filter(
        (t) => (t.triage as { status: string }).status !== 'SUCCEEDED',
      ),
      ...(await listAll('logEntries', 'status')).filter((e) => e.status !== 'SUCCEEDED'),
    ];
    if (pending.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;

/** The request `repeat` times in a row, with `me` every 100 ms until the last has answered. */
async function measure(name: string, query: string, repeat: number): Promise<void> {
  const me: number[] = [];
  let done = false;
  const meLoop = (async () => {
    while (!done) {
      const t0 = performance.now();
      await call('{ me { id } }');
      me.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const times: number[] = [];
  let last: Answer = { status: 0 };
  for (let i = 0; i < repeat; i += 1) {
    const t0 = performance.now();
    last = await call(query);
    times.push((performance.now() - t0) / 1000);
  }
  done = true;
  await meLoop;
  const errorTypes = new Map<string, number>();
  for (const error of last.errors ?? [])
    errorTypes.set(error.errorType ?? '?', (errorTypes.get(error.errorType ?? '?') ?? 0) + 1);
  const fields = Object.values(last.data ?? {}).filter((value) => value !== null).length;
  const errors = [...errorTypes].map(([type, n]) => `${n} ${type}`).join(', ') || 'none';
  const sortedTimes = [...times].sort((a, b) => a - b);
  const sorted = [...me].sort((a, b) => a - b);
  process.stdout.write(
    `| ${name} | ${last.status} | ${percentile(sortedTimes, 0.5).toFixed(2)} (${repeat}) | ${fields} | ${errors} | ${me.length} | ${percentile(sorted, 0.5).toFixed(0)} | ${(sorted.at(-1) ?? 0).toFixed(0)} |\n`,
  );
}

const aliases = (field: string) => `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const CASES: Record<string, string> = {
  similar: aliases('tickets(limit: 100) { items { id similar { score ticket { id } } } }'),
  tickets: aliases('tickets(limit: 100) { items { id title triage { category priority labels } } }'),
  logEntries: aliases(
    'logEntries(limit: 100) { items { id summary { text templates } job { status attempts } } }',
  ),
};

await seed(ticketCount, logCount);
const [ticket] = await listAll('tickets', 'id');
CASES.ticketHistory = aliases(`ticketHistory(id: "${String(ticket?.id)}") { at action changes }`);
process.stdout.write(
  `${values.tickets} tickets, ${values.logs} log entries; 50 aliases per request\n\n` +
    '| case | HTTP | request s, median (runs) | fields answered | errors | me calls | me p50 ms | me max ms |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- |\n',
);
for (const [name, query] of Object.entries(CASES))
  if (values.only === undefined || values.only.split(',').includes(name)) await measure(name, query, repeat);
