/**
 * Prints how long one model load takes in a fresh process (read, parse, check, decode, classifier), the cost a
 * Lambda container or `ai-ops tickets classify` pays once. `npm run bench:triage` runs it several times as a
 * child process: a load measured inside the bench's own process follows earlier loads and is warmer.
 *
 *   npx tsx scripts/triage-model-load.ts [model.bin|model.json]
 */
import { performance } from 'node:perf_hooks';
import { createTicketClassifier, DEFAULT_MODEL_PATH, loadModel } from '../lambdas/core/tickets/index.ts';
import { scriptArgs } from './script-args.ts';

const [model = DEFAULT_MODEL_PATH, ...extra] = scriptArgs({
  name: 'triage-model-load',
  usage: 'npx tsx scripts/triage-model-load.ts [model.bin|model.json]',
  options: {},
  positionals: true,
}).positionals;
if (extra.length > 0) process.stderr.write(`triage-model-load: ignoring ${extra.join(' ')}\n`);

const started = performance.now();
createTicketClassifier(loadModel(model));
process.stdout.write(`${(performance.now() - started).toFixed(3)}\n`);
