/**
 * A log's bytes, gunzipped when they start with gzip's magic bytes, whatever the file is called: one reader
 * for an uploaded object and for a file given to the CLI, so both accept the same input.
 */
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ValidationError } from '../errors.ts';

async function* chunksOf(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) yield chunk;
}

/** The decompressed bytes of the source, gunzipped when it starts with gzip's magic bytes. */
export async function decompressed(
  source: AsyncIterable<Uint8Array>,
): Promise<{ bytes: AsyncIterable<Uint8Array>; gzip: boolean }> {
  const iterator = chunksOf(source);
  const first = await iterator.next();
  if (first.done) return { bytes: Readable.from([]), gzip: false };
  const head = first.value;
  const replay = (async function* () {
    yield head;
    yield* iterator;
  })();
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (!gzip) return { bytes: replay, gzip };
  // pipeline, not pipe: a source that fails destroys the gunzip stream, so the reader sees the error.
  return { bytes: pipeline(Readable.from(replay), createGunzip(), () => {}), gzip };
}

/** zlib's error for a gzip stream that is corrupt or cut short, as the ValidationError a user can act on. */
export function gzipProblem(error: unknown, gzip: boolean): ValidationError | undefined {
  const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
  return gzip && code.startsWith('Z_') ? new ValidationError('file', 'is not valid gzip') : undefined;
}
