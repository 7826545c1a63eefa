/**
 * `ai-ops tickets export-corrections`: the corrections people recorded with `correctTriage`, as a CSV that
 * `ai-ops tickets train` reads (columns id, created_at, project, category, priority, team, title, body,
 * corrected_at), so a team retrains on its own answers. Reads DATABASE_URL or the embedded Postgres.
 */
import { createTicketRepo } from '../../lambdas/adapters/db/ticket-repo.ts';
import { csvLine } from '../../lambdas/core/csv-cells.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { CORRECTIONS_CSV_COLUMNS } from '../../lambdas/core/tickets/csv.ts';
import { parseCreatedAt } from '../../lambdas/core/tickets/input.ts';
import { type CorrectionRecord, correctionsAfter } from '../../lambdas/core/use-cases/tickets.ts';
import { AtomicFile } from './atomic-file.ts';
import { parseCommandArgs, type Say, sayAs } from './command.ts';
import { withMigratedDatabase } from './migrated-database.ts';

export const EXPORT_CORRECTIONS_USAGE = `Usage: ai-ops tickets export-corrections [--out <file.csv>] [--since <date>] [--data-dir <dir>]

Writes every ticket a person corrected (correctTriage) as a CSV that \`ai-ops tickets train\` reads:
id, created_at, project, category, priority, team, title, body, corrected_at. Category, priority and team
are the person's answers; priority and team are blank where they kept the classifier's. Oldest correction
first. Retrain with the team column as an extra head:
  ai-ops tickets train --input corrections.csv --label-column team --out team.model.json
Titles and bodies are as stored, that is already redacted. A cell a spreadsheet would run as a formula
(starting with =, +, -, @, a tab or a carriage return), or starting with ', is written with a leading ';
train and classify remove it again from a file with this header, so the round trip is exact.
Uses DATABASE_URL when set; otherwise the embedded PostgreSQL under the data dir (default .local/), the one
a running \`ai-ops start\` (npm start) keeps there if it runs.

Options:
  --out <file.csv>   where to write (written whole or not at all; default: standard output)
  --since <date>     only corrections made after this ISO 8601 date-time
  --data-dir <dir>   local data folder (default: .local)
  -h, --help         this help`;

const PAGE = 500;

export function correctionCsvLine(c: CorrectionRecord): string {
  const values = [
    c.id,
    c.createdAt.toISOString(),
    c.project,
    c.category,
    c.priority,
    c.team,
    c.title,
    c.body,
    c.correctedAt.toISOString(),
  ];
  return csvLine(values);
}

/** `--since`: a real calendar date or date-time (2024-02-30 is refused, not read as 1 March; UTC unless it says). */
function sinceArg(text: string | undefined): Date | null {
  if (text === undefined) return null;
  if (text.trim() === '') throw new ValidationError('since', 'must be an ISO 8601 date-time');
  return parseCreatedAt(text, 'since') ?? null;
}

export async function exportCorrections(
  args: string[],
  say: Say = sayAs('tickets export-corrections'),
): Promise<number> {
  const { values } = parseCommandArgs(
    {
      args,
      options: {
        out: { type: 'string' },
        since: { type: 'string' },
        'data-dir': { type: 'string', default: '.local' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    },
    'tickets export-corrections',
  );
  if (values.help) {
    process.stdout.write(`${EXPORT_CORRECTIONS_USAGE}\n`);
    return 0;
  }
  let after: { at: Date; id: string } | null = null;
  const since = sinceArg(values.since);
  const file = new AtomicFile(values.out);
  try {
    const count = await withMigratedDatabase(
      values['data-dir'],
      async (db) => {
        const deps = { tickets: createTicketRepo(db) };
        file.write(csvLine(CORRECTIONS_CSV_COLUMNS));
        let written = 0;
        for (;;) {
          const page = await correctionsAfter(deps, { since, after, limit: PAGE });
          for (const correction of page) file.write(correctionCsvLine(correction));
          written += page.length;
          const last = page.at(-1);
          if (page.length < PAGE || last === undefined) return written;
          after = { at: last.correctedAt, id: last.id };
        }
      },
      { joinRunning: true },
    );
    await file.commit();
    say(`${count} ${count === 1 ? 'correction' : 'corrections'}${values.out ? ` to ${values.out}` : ''}`);
    return 0;
  } catch (error: unknown) {
    file.abort();
    throw error;
  }
}
