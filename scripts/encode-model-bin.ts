/**
 * Re-encodes a ticket model as a binary one (lambdas/core/tickets/binary.ts) without retraining: the same
 * model, version and answers, a faster cold load. How the committed default.model.bin was made from the
 * previous default.model.json, and re-made from the previous default.model.bin in the forms a cold start reads
 * fastest (`compactModel`: vocabulary bitmap, raw word-cluster keys); also for a team's model trained before
 * `--out x.bin` existed, or a binary one written before those forms.
 *
 *   npx tsx scripts/encode-model-bin.ts team.model.json team.model.bin
 *   npx tsx scripts/encode-model-bin.ts old.model.bin new.model.bin
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ValidationError } from '../lambdas/core/errors.ts';
import { binaryModelJson, isBinaryModel } from '../lambdas/core/tickets/binary.ts';
import {
  decodeModel,
  encodeBinaryModel,
  loadModel,
  type TicketModelJson,
} from '../lambdas/core/tickets/index.ts';
import { scriptArgs } from './script-args.ts';

const args = scriptArgs({
  name: 'encode-model-bin',
  usage: 'npx tsx scripts/encode-model-bin.ts <model.json|model.bin> <out.bin>',
  options: {},
  positionals: true,
});
const usage = 'give the model to read and the .bin file to write';
const from = args.positionals[0] ?? args.fail(usage);
const to = args.positionals[1] ?? args.fail(usage);
if (args.positionals.length > 2) args.fail(usage);
if (!to.endsWith('.bin')) args.fail(`'${to}' does not end in .bin`);
try {
  // Checked before and after: a model that does not load is not converted, and the output must load as the same.
  const file = readFileSync(from);
  const json = isBinaryModel(file)
    ? binaryModelJson(file, from)
    : (JSON.parse(file.toString('utf8')) as TicketModelJson);
  const version = decodeModel(json).version;
  writeFileSync(to, encodeBinaryModel(json));
  if (loadModel(to).version !== version) throw new Error(`${to} does not load as ${version}`);
  process.stdout.write(`wrote ${to}: ${version}\n`);
} catch (error: unknown) {
  process.stderr.write(
    `encode-model-bin: ${error instanceof ValidationError ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
