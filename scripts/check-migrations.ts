/**
 * `npm run check:migrations`: refuses a new migration that drops or renames a table or column the previous
 * release still reads (scripts/migrations/check.ts). The previous release is MIGRATION_BASE (a git ref;
 * default `main`, else `origin/main`); new migrations are the journal entries it does not have. Without such
 * a ref (a lone clone), the newest migration is checked against the snapshot before it. Migrations the base
 * already has must not change: they may have run somewhere.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredSchema, type Migration, unsafeChanges } from './migrations/check.ts';
import { scriptArgs } from './script-args.ts';

scriptArgs({
  name: 'check-migrations',
  usage: 'npm run check:migrations   (no options; MIGRATION_BASE=<git ref> sets the previous release)',
  options: {},
});

const ROOT = join(import.meta.dirname, '..');
const DIR = 'migrations';

interface Journal {
  entries: Array<{ idx: number; tag: string }>;
}

function git(...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

const atBase = (ref: string, path: string) => git('show', `${ref}:${path}`);
const snapshotPath = (idx: number) => `${DIR}/meta/${String(idx).padStart(4, '0')}_snapshot.json`;

function baseRef(): string | undefined {
  const candidates = process.env.MIGRATION_BASE ? [process.env.MIGRATION_BASE] : ['main', 'origin/main'];
  return candidates.find((ref) => git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`) !== undefined);
}

function main(): number {
  const journal: Journal = JSON.parse(readFileSync(join(ROOT, DIR, 'meta/_journal.json'), 'utf8'));
  const ref = baseRef();
  const baseJournal: Journal | undefined = ref
    ? JSON.parse(atBase(ref, `${DIR}/meta/_journal.json`) ?? '{"entries":[]}')
    : undefined;
  const baseTags = new Set(
    (baseJournal ?? { entries: journal.entries.slice(0, -1) }).entries.map((e) => e.tag),
  );
  const fresh = journal.entries.filter((entry) => !baseTags.has(entry.tag));
  const problems: string[] = [];
  for (const entry of journal.entries.filter((e) => baseTags.has(e.tag))) {
    const before = ref ? atBase(ref, `${DIR}/${entry.tag}.sql`) : undefined;
    if (before !== undefined && before !== readFileSync(join(ROOT, DIR, `${entry.tag}.sql`), 'utf8')) {
      problems.push(`${entry.tag}.sql changed, but ${ref} already has it: add a new migration instead`);
    }
  }
  const lastBase = (baseJournal ?? { entries: journal.entries.slice(0, -1) }).entries.at(-1);
  const snapshotText =
    lastBase === undefined
      ? '{}'
      : ref
        ? (atBase(ref, snapshotPath(lastBase.idx)) ?? '{}')
        : readFileSync(join(ROOT, snapshotPath(lastBase.idx)), 'utf8');
  const previous = declaredSchema(JSON.parse(snapshotText));
  const migrations: Migration[] = fresh.map((entry) => ({
    name: `${entry.tag}.sql`,
    sql: readFileSync(join(ROOT, DIR, `${entry.tag}.sql`), 'utf8'),
  }));
  for (const change of unsafeChanges(previous, migrations)) {
    problems.push(`${change.migration}: ${change.reason}\n    ${change.statement}`);
  }
  const against = ref ?? 'the snapshot before the newest migration';
  if (problems.length > 0) {
    console.error(`Migrations unsafe while the previous release (${against}) still runs:`);
    for (const problem of problems) console.error(`  - ${problem}`);
    console.error('Expand, then contract in a later release: see docs/operations.md#migration-rules');
    return 1;
  }
  console.log(`${migrations.length} new migration(s) checked against ${against}: safe for a rolling deploy.`);
  return 0;
}

process.exitCode = main();
