/**
 * `npm run bench:similar [-- --tickets 20000 --queries 200]`: the cost of `Ticket.similar` (the repository's
 * query, as the API runs it) against a table of N tickets whose fingerprints are the worker's, on an embedded
 * Postgres. Texts: the committed internal tickets (data/tickets/*.csv), repeated with a number appended so
 * copies are near-duplicates of each other, as in a real queue. Reports p50/p95/max per query for OPS (every
 * ticket is a candidate) and for a USER (their own tenth). No target in the issue; the design aim is that a
 * ticket page stays interactive (well under 100 ms at 20,000 tickets).
 */
import { readFileSync, rmSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { connectDatabase } from '../lambdas/adapters/db/client.ts';
import { applyMigrations } from '../lambdas/adapters/db/migrate.ts';
import { createTicketRepo } from '../lambdas/adapters/db/ticket-repo.ts';
import { SIMILAR_LIMIT, SIMILAR_MIN_SCORE } from '../lambdas/core/use-cases/tickets.ts';
import { ticketTriageSetup } from '../lambdas/triage/local-classifier.ts';
import { startLocalDatabase } from '../local/local-database.ts';
import { scratchDir } from './scratch-dir.ts';
import { scriptArgs } from './script-args.ts';

const args = scriptArgs({
  name: 'bench-similar',
  usage: 'npm run bench:similar -- [--tickets 20000] [--queries 200]',
  options: { tickets: { type: 'string', default: '20000' }, queries: { type: 'string', default: '200' } },
});
const N = args.number('tickets', { integer: true, min: 1 });
const QUERIES = args.number('queries', { integer: true, min: 1 });
const OWNERS = 10;

const texts = ['train', 'validation', 'challenge'].flatMap((name) =>
  (
    parse(readFileSync(new URL(`../data/tickets/${name}.csv`, import.meta.url)), { columns: true }) as Record<
      string,
      string
    >[]
  ).map((r) => ({ title: r.title ?? '', body: r.body ?? '' })),
);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function main() {
  const dir = scratchDir('bench-similar-');
  const database = await startLocalDatabase({ dataDir: dir });
  const connection = connectDatabase({ url: database.url });
  try {
    await applyMigrations(connection.db);
    const { sql } = connection;
    const owners = await sql<{ id: string }[]>`
      insert into users (email, password_hash)
      select 'bench' || g || '@example.com', 'x' from generate_series(1, ${OWNERS}) g returning id`;
    const [job] = await sql<{ id: string }[]>`insert into jobs (kind) values ('triage-ticket') returning id`;
    const { fingerprint } = ticketTriageSetup({
      TICKET_MODEL_PATH: undefined,
      TRIAGE_CATEGORIES: undefined,
      TRIAGE_REVIEW_THRESHOLD: undefined,
      TRIAGE_EXTRA_REVIEW_THRESHOLD: undefined,
    });
    const started = Date.now();
    for (let from = 0; from < N; from += 1000) {
      const rows = Array.from({ length: Math.min(1000, N - from) }, (_, k) => {
        const i = from + k;
        const text = texts[i % texts.length] ?? { title: 'x', body: '' };
        const title = `${text.title} ${Math.floor(i / texts.length)}`;
        const fp = fingerprint({ title, body: text.body });
        return {
          owner_id: owners[i % OWNERS]?.id,
          job_id: job?.id,
          title,
          body: text.body,
          similarity_terms: fp.terms,
          similarity_weights: fp.weights,
        };
      });
      await sql`insert into tickets ${sql(rows)}`;
    }
    await sql`analyze tickets`;
    process.stdout.write(`${N} tickets inserted in ${((Date.now() - started) / 1000).toFixed(1)} s\n\n`);
    const repo = createTicketRepo(connection.db);
    const ids = await sql<{ id: string; owner_id: string }[]>`
      select id, owner_id from tickets order by random() limit ${QUERIES}`;
    process.stdout.write(
      '| caller | queries | p50 ms | p95 ms | max ms | mean results |\n| --- | --- | --- | --- | --- | --- |\n',
    );
    for (const caller of ['OPS (all tickets)', 'USER (own tickets)']) {
      const times: number[] = [];
      let results = 0;
      for (const { id, owner_id } of ids) {
        const t0 = performance.now();
        const found = await repo.similar({
          id,
          ownerId: caller.startsWith('OPS') ? null : owner_id,
          limit: SIMILAR_LIMIT,
          minScore: SIMILAR_MIN_SCORE,
          // Every column, as the lookup read before it took the query's columns: the figures stay comparable.
          columns: { body: true, triage: true, correction: true },
        });
        times.push(performance.now() - t0);
        results += found.length;
      }
      times.sort((a, b) => a - b);
      process.stdout.write(
        `| ${caller} | ${times.length} | ${percentile(times, 0.5).toFixed(1)} | ${percentile(times, 0.95).toFixed(1)} | ${(times.at(-1) ?? 0).toFixed(1)} | ${(results / times.length).toFixed(2)} |\n`,
      );
    }
  } finally {
    await connection.close();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
