import { closeSync, createReadStream, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../../lambdas/core/errors.ts';

/**
 * Temporary files not yet committed or aborted. A command stopped before it gets there (Ctrl-C, SIGTERM, a
 * closed pipe ending the process) removes them on its way out, so no `.out.jsonl.<pid>.tmp` is left beside
 * the target and no spool in the temporary folder.
 */
const pending = new Set<string>();
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removePending(): void {
  for (const path of pending) rmSync(path, { force: true });
  pending.clear();
}

/** On a stop signal: remove the files, then stop as the signal would have (exit code 128 + n). */
function onStopSignal(signal: NodeJS.Signals): void {
  removePending();
  unwatch();
  // Another handler (a command that stops itself) decides what happens next; otherwise the default action.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function watch(): void {
  process.on('exit', removePending);
  for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);
}

function unwatch(): void {
  process.removeListener('exit', removePending);
  for (const signal of STOP_SIGNALS) process.removeListener(signal, onStopSignal);
}

function track(path: string): void {
  if (pending.size === 0) watch();
  pending.add(path);
}

function untrack(path: string): void {
  pending.delete(path);
  if (pending.size === 0) unwatch();
}

/**
 * Writes to a temporary file and renames it over the target on success (or copies it to standard output),
 * so a failure halfway (a bad row with --strict, an unreadable input) never leaves a half-written file.
 */
export class AtomicFile {
  private readonly temp: string;
  private readonly fd: number;
  constructor(private readonly target: string | undefined) {
    // Refused before any work: the rename at the end would fail on a directory, after a whole run's work (a
    // 100,000-row classification, a training), with the temporary file written in the directory's parent.
    if (target !== undefined && statSync(target, { throwIfNoEntry: false })?.isDirectory())
      throw new ValidationError('output', `${target} is a directory: give a file name in it`);
    this.temp =
      target === undefined
        ? join(tmpdir(), `ai-ops-tickets-${process.pid}-${Date.now()}.tmp`)
        : join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    // Watched before it exists: a stop signal between the file's creation and its watch (the process
    // descheduled there on a busy machine) would otherwise end the process by default and leave the file.
    track(this.temp);
    try {
      this.fd = openSync(this.temp, 'w');
    } catch (error: unknown) {
      untrack(this.temp);
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
      const where = target ?? this.temp;
      // The usual cause, said plainly: `cannot write out/x.csv (ENOENT)` left the reader to guess which part.
      const reason = code === 'ENOENT' ? `the folder ${dirname(where)} does not exist` : code;
      throw new ValidationError('output', `cannot write ${where} (${reason})`);
    }
  }
  write(content: string | Uint8Array): void {
    if (typeof content === 'string') {
      writeSync(this.fd, content);
      return;
    }
    // writeSync may write less than it was given; a model must be written whole.
    for (let done = 0; done < content.length; )
      done += writeSync(this.fd, content, done, content.length - done);
  }
  async commit(): Promise<void> {
    closeSync(this.fd);
    if (this.target !== undefined) {
      renameSync(this.temp, this.target);
      untrack(this.temp);
      return;
    }
    try {
      await pipeline(createReadStream(this.temp), process.stdout, { end: false });
    } finally {
      rmSync(this.temp, { force: true });
      untrack(this.temp);
    }
  }
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed: nothing to release.
    }
    rmSync(this.temp, { force: true });
    untrack(this.temp);
  }
}
