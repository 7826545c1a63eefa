/**
 * Where the benchmarks and the training script find the development data (`../shared/data`, next to the
 * checkout). An explicit path (`--data`, `--input`) wins, then `AI_OPS_DATA_DIR`, then that sibling folder.
 * A path that does not exist ends the script with a message saying how to point it elsewhere, not a stack trace.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkout = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function sharedDataPath(relative: string, given?: string): string {
  if (given !== undefined && given !== '') return resolve(given);
  return resolve(process.env.AI_OPS_DATA_DIR ?? resolve(checkout, '../shared/data'), relative);
}

/** `sharedDataPath`, checked: exits with code 2 and a clear message when the path is missing. */
export function existingDataPath(
  script: string,
  relative: string,
  given: { option: string; value: string | undefined },
): string {
  const path = sharedDataPath(relative, given.value);
  if (!existsSync(path)) {
    process.stderr.write(
      `${script}: ${path} not found. The development data is expected in ../shared/data next to the checkout; ` +
        `give ${given.option} <path>, or set AI_OPS_DATA_DIR to the data folder.\n`,
    );
    process.exit(2);
  }
  return path;
}
