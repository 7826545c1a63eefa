#!/usr/bin/env node
// @ts-check
// The `ai-ops` command. It runs the JavaScript that `npm ci` built from bin/cli.ts (prepare → build →
// build:cli), and rebuilds first when a source changed since that build, so an edit is never run stale.
import { buildCli, currentBuild } from '../scripts/build-cli.mjs';

let entry = currentBuild();
if (entry === null) {
  try {
    const built = await buildCli();
    entry = built.entry;
    if (process.stderr.isTTY) process.stderr.write(`ai-ops: sources changed, rebuilt in ${built.ms} ms\n`);
  } catch (error) {
    // esbuild has already printed its errors with file and line; anything else (a folder not writable) has not.
    const reported = error instanceof Error && 'errors' in error;
    const detail = reported ? ' (see above)' : `: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`ai-ops: the command could not be built from its sources${detail}\n`);
    process.exit(1);
  }
}
/** @type {{ main: (argv: string[]) => Promise<number> }} */
const cli = await import(entry);
process.exitCode = await cli.main(process.argv.slice(2));
