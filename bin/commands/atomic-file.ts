import { closeSync, createReadStream, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../../lambdas/core/errors.ts';
/**
 * Writes to a temporary file and renames it over the target on success (or copies it to standard output),
 * so a failure halfway (a bad row with --strict, an unreadable input) never leaves a half-written file.
 */
export class AtomicFile {
  private readonly temp: string;
  private readonly fd: number;
  constructor(private readonly target: string | undefined) {
    this.temp =
      target === undefined
        ? join(tmpdir(), `ai-ops-tickets-${process.pid}-${Date.now()}.tmp`)
        : join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    try {
      this.fd = openSync(this.temp, 'w');
    } catch (error: unknown) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
      throw new ValidationError('output', `cannot write ${target ?? this.temp} (${code})`);
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
      return;
    }
    try {
      await pipeline(createReadStream(this.temp), process.stdout, { end: false });
    } finally {
      rmSync(this.temp, { force: true });
    }
  }
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed: nothing to release.
    }
    rmSync(this.temp, { force: true });
  }
}
