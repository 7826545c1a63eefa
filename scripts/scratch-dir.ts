import { ownedTempDir, removeAbandoned } from '../test/support/temp-dir.ts';

/**
 * A bench's temporary folder (a data dir, a build): the bench removes it in `finally`, but a run stopped with
 * Ctrl-C or killed never gets there, and each such folder holds a whole PostgreSQL cluster (~50 MB). So the
 * folder names its owner process, and the next run removes those of the same prefix whose owner is gone.
 * Folders without an owner file (another tool's, or from before) are left alone.
 */
export function scratchDir(prefix: string): string {
  removeAbandoned([prefix], undefined, { ownerless: 'keep' });
  return ownedTempDir(prefix);
}
