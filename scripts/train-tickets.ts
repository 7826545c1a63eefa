/**
 * Rebuilds the committed default ticket model from the NLBSE'24 training split and the internal tickets of
 * every writer (data/tickets/train.csv, w1.csv–w13.csv and w16.csv–w19.csv; never validation, challenge, w14, w15, w20 or w21):
 *
 *   npm run train:tickets       # → lambdas/core/tickets/default.model.bin
 *   npm run train:tickets -- --input issues.csv --internal my-tickets.csv --out y.model.bin
 *
 * Same code path as `ai-ops tickets train --input <nlbse> --input data/tickets/train.csv --input
 * data/tickets/w1.csv …`: the project comes
 * from the NLBSE `repo` column, the category from `label` or `category`, the priority and creation time from
 * the internal file. Deterministic: the same inputs give the same model byte for byte.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainFromCsv } from '../bin/commands/tickets.ts';
import { ValidationError } from '../lambdas/core/errors.ts';
import { WRITERS } from './bench-triage-lib.ts';
import { scriptArgs } from './script-args.ts';
import { existingDataPath } from './shared-data.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = scriptArgs({
  name: 'train-tickets',
  usage: 'npm run train:tickets -- [--input <issues_train.csv>] [--internal <tickets.csv>] [--out <file>]',
  options: {
    input: { type: 'string' },
    internal: { type: 'string', default: '' },
    out: { type: 'string', default: resolve(root, 'lambdas/core/tickets/default.model.bin') },
  },
});

const nlbse = existingDataPath('train-tickets', 'issues/issues_train.csv', {
  option: '--input',
  value: values.input,
});
const custom = values.internal;
const internal =
  custom !== ''
    ? [custom]
    : ['train', ...WRITERS].map((name) => resolve(root, 'data/tickets', `${name}.csv`));
const out = values.out;

try {
  const summary = await trainFromCsv({
    inputs: [nlbse, ...internal],
    out,
    detectProjectColumn: true,
    detectCreatedColumn: true,
    say: (message) => process.stderr.write(`train-tickets: ${message}\n`),
  });
  process.stdout.write(`${summary}\n`);
} catch (error: unknown) {
  process.stderr.write(
    `train-tickets: ${error instanceof ValidationError ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
