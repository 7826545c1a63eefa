/**
 * Re-encodes a JSON ticket model as a binary one (lambdas/core/tickets/binary.ts) without retraining: the same
 * model, version and answers, a faster cold load. How the committed default.model.bin was made from the
 * previous default.model.json; also for a team's model trained before `--out x.bin` existed.
 *
 *   npx tsx scripts/encode-model-bin.ts team.model.json team.model.bin
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ValidationError } from '../lambdas/core/errors.ts';
import {
  decodeModel,
  encodeBinaryModel,
  loadModel,
  type TicketModelJson,
} from '../lambdas/core/tickets/index.ts';

const [from, to] = process.argv.slice(2);
if (from === undefined || to === undefined || !to.endsWith('.bin')) {
  process.stderr.write('usage: npx tsx scripts/encode-model-bin.ts <model.json> <model.bin>\n');
  process.exit(2);
}
try {
  // Checked before and after: a model that does not load is not converted, and the output must load as the same.
  const json = JSON.parse(readFileSync(from, 'utf8')) as TicketModelJson;
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
