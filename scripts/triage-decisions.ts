/**
 * Checks and counts the triage inference path on every ticket there is (NLBSE'24 train with its projects, and
 * every data/tickets/*.csv): a speed-up of features or scoring must not change one bit of any answer.
 *
 *   npx tsx scripts/triage-decisions.ts --dump before.jsonl   # every classify() result (rationale included)
 *                                                             # and the raw model probabilities, one line each
 *   npx tsx scripts/triage-decisions.ts --rounds 2            # classify() everything twice and nothing else:
 *                                                             # run under callgrind, minus --rounds 0, for the
 *                                                             # instruction count per ticket
 *   npx tsx scripts/triage-decisions.ts --time 3              # wall clock per call (after one warm-up round)
 *   npx tsx scripts/triage-decisions.ts --slowest tail.txt    # indices of the slowest 2 % (best of 5 calls)
 *   npx tsx scripts/triage-decisions.ts --only tail.txt --rounds 2   # the same, on those tickets only: the
 *                                                             # tail's instruction count under callgrind
 *
 * Compare two dumps with `cmp`: JSON numbers print every bit of a double.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTicketClassifier,
  DEFAULT_MODEL_PATH,
  parseCreatedAt,
  readTicketCsv,
  type TicketInput,
} from '../lambdas/core/tickets/index.ts';
import { percentile } from '../lambdas/core/tickets/metrics.ts';
import { scoreTicket } from '../lambdas/core/tickets/model.ts';
import { parseTicket } from '../lambdas/core/tickets/text.ts';
import { scriptArgs } from './script-args.ts';
import { existingDataPath } from './shared-data.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = scriptArgs({
  name: 'triage-decisions',
  usage:
    'npx tsx scripts/triage-decisions.ts [--input <issues_train.csv>] [--dump <file.jsonl>] [--rounds <n>] [--time <n>] [--slowest <file>] [--only <file>]',
  options: {
    rounds: { type: 'string', default: '0' },
    time: { type: 'string', default: '0' },
    input: { type: 'string' },
    only: { type: 'string' },
    dump: { type: 'string' },
    slowest: { type: 'string' },
  },
});
const NOW = new Date('2026-01-01T00:00:00Z');

async function readAll(): Promise<TicketInput[]> {
  const tickets: TicketInput[] = [];
  const nlbse = existingDataPath('triage-decisions', 'issues/issues_train.csv', {
    option: '--input',
    value: args.values.input ?? '',
  });
  for await (const r of readTicketCsv(nlbse, { label: {}, projectColumn: 'repo', detectCreatedColumn: true }))
    tickets.push({ title: r.title, body: r.body, project: r.project, createdAt: parseCreatedAt(r.created) });
  const dir = resolve(root, 'data/tickets');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort())
    for await (const r of readTicketCsv(resolve(dir, file), {
      label: {},
      optionalLabelColumns: ['priority'],
      detectCreatedColumn: true,
    }))
      tickets.push({ title: r.title, body: r.body, createdAt: parseCreatedAt(r.created) });
  return tickets;
}

async function main(): Promise<void> {
  const all = await readAll();
  const only = args.values.only ?? '';
  // A fixed set of tickets (one index a line), so that two versions of the code count the same tail.
  const tickets =
    only === ''
      ? all
      : readFileSync(only, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .flatMap((line) => all[Number(line)] ?? []);
  const classifier = createTicketClassifier(DEFAULT_MODEL_PATH);
  const dump = args.values.dump ?? '';
  if (dump !== '') {
    const lines = tickets.map((ticket) => {
      const result = classifier.classify(ticket, { now: NOW });
      const doc = parseTicket(
        ticket.title,
        ticket.body ?? '',
        parseCreatedAt(ticket.createdAt ?? null) ?? NOW,
      );
      const scores = scoreTicket(classifier.model, doc, ticket.project ?? undefined);
      return JSON.stringify({
        result,
        probabilities: Array.from(scores.probabilities),
        labels: [...scores.labels].map(([name, p]) => [name, Array.from(p)]),
      });
    });
    writeFileSync(dump, `${lines.join('\n')}\n`);
    process.stderr.write(`triage-decisions: ${lines.length} tickets written to ${dump}\n`);
  }
  const rounds = args.number('rounds');
  for (let round = 0; round < rounds; round++) for (const t of tickets) classifier.classify(t, { now: NOW });
  const slowest = args.values.slowest ?? '';
  if (slowest !== '') {
    // Best of five calls per ticket after a warm-up round: the ticket's own cost, not a scavenge or a neighbour.
    for (const t of tickets) classifier.classify(t, { now: NOW });
    const best = tickets.map((t) => {
      let min = Number.POSITIVE_INFINITY;
      for (let k = 0; k < 5; k++) {
        const started = performance.now();
        classifier.classify(t, { now: NOW });
        min = Math.min(min, performance.now() - started);
      }
      return min;
    });
    const order = best.map((_, i) => i).sort((a, b) => (best[b] ?? 0) - (best[a] ?? 0));
    const tail = order.slice(0, Math.ceil(tickets.length / 50)).sort((a, b) => a - b);
    writeFileSync(slowest, `${tail.join('\n')}\n`);
    process.stderr.write(`triage-decisions: slowest ${tail.length} tickets written to ${slowest}\n`);
  }
  const timed = args.number('time');
  if (timed > 0) {
    const times: number[] = [];
    for (let round = 0; round <= timed; round++)
      for (const t of tickets) {
        const started = performance.now();
        classifier.classify(t, { now: NOW });
        if (round > 0) times.push(performance.now() - started);
      }
    times.sort((a, b) => a - b);
    const mean = times.reduce((s, t) => s + t, 0) / times.length;
    process.stdout.write(
      `${times.length} calls: mean ${mean.toFixed(3)} p50 ${percentile(times, 50).toFixed(3)} p99 ${percentile(times, 99).toFixed(3)} max ${(times[times.length - 1] ?? 0).toFixed(3)} ms\n`,
    );
  }
}

await main();
