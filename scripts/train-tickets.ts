/**
 * Rebuilds the committed default ticket model from the NLBSE'24 training split:
 *
 *   npm run train:tickets                      # ../shared/data/issues/issues_train.csv → lambdas/core/tickets/default.model.json
 *   npm run train:tickets -- --input x.csv --out y.model.json
 *
 * Same code path as `ai-ops tickets train --project-column repo`; deterministic, so the output is identical
 * byte for byte on every run with the same input.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainFromCsv } from '../bin/commands/tickets.ts';
import { ValidationError } from '../lambdas/core/errors.ts';
import { existingDataPath } from './shared-data.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};

const input = existingDataPath('train-tickets', 'issues/issues_train.csv', {
  option: '--input',
  value: flag('--input', ''),
});
const out = flag('--out', resolve(root, 'lambdas/core/tickets/default.model.json'));

try {
  const summary = await trainFromCsv({
    input,
    out,
    projectColumn: 'repo',
    say: (message) => process.stderr.write(`train-tickets: ${message}\n`),
  });
  process.stdout.write(`${summary}\n`);
} catch (error: unknown) {
  process.stderr.write(
    `train-tickets: ${error instanceof ValidationError ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
