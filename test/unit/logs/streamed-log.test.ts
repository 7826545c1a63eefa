import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { summarizeLogStream } from '../../../lambdas/adapters/storage/log-stream.ts';
import { summarizeText } from '../../../lambdas/core/logs/index.ts';

// 56 lines of the Loghub BGL sample (test/fixtures/logs, from https://github.com/logpai/loghub).
const BGL = readFileSync(join(import.meta.dirname, '../../fixtures/logs/BGL_sample.log'), 'utf8');

/** The bytes as a stream of `size`-byte chunks, so lines and UTF-8 characters straddle chunk edges. */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
const encode = (text: string) => new TextEncoder().encode(text);

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('summarizing a log read as a stream (large uploads)', () => {
  it('gives the summary that the same text gives in one piece, whatever the chunk size', async () => {
    const whole = summarizeText(BGL);
    for (const size of [1, 7, 4096]) {
      const streamed = await summarizeLogStream(chunked(encode(BGL), size));
      expect(streamed.summary).toEqual(whole.summary);
      expect(streamed.templates).toEqual(whole.templates);
      expect(streamed).toMatchObject({ bytes: Buffer.byteLength(BGL), gzip: false });
    }
  });

  it('reads gzip by its magic bytes, whatever the name, with limits on the decompressed size', async () => {
    const gz = gzipSync(BGL);
    const streamed = await summarizeLogStream(chunked(gz, 100));
    expect(streamed).toMatchObject({ gzip: true, bytes: Buffer.byteLength(BGL) });
    expect(streamed.summary).toEqual(summarizeText(BGL).summary);
    // Small compressed, large decompressed: the limit holds on what the analyzer would read.
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 'a\n'));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const error = await failureOf(summarizeLogStream(chunked(bomb, 4096), { maxBytes: 1024 * 1024 }));
    expect(error).toMatchObject({ errorType: 'ValidationError', field: 'file' });
    expect(String(error)).toMatch(/larger than the limit of 1 MiB/);
  });

  it('keeps multi-byte characters and CRLF line ends intact across chunk edges', async () => {
    const text = 'ERROR café ünïcødé failed\r\nINFO 東京 ok\r\nINFO 東京 ok\r\n';
    const streamed = await summarizeLogStream(chunked(encode(text), 1));
    expect(streamed.summary).toEqual(summarizeText(text.replaceAll('\r\n', '\n')).summary);
  });

  it('answers a ValidationError naming the file for empty, binary and broken gzip input', async () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [encode(''), /is empty/],
      [encode('\n  \n\n'), /is empty/],
      [new Uint8Array(2048).map((_, i) => (i * 7) % 256), /binary/],
      [gzipSync(BGL).subarray(0, 200), /not valid gzip/],
    ];
    for (const [bytes, problem] of cases) {
      const error = await failureOf(summarizeLogStream(chunked(bytes, 64)));
      expect(error).toMatchObject({ errorType: 'ValidationError', field: 'file' });
      expect(String(error)).toMatch(problem);
    }
  });

  it('lets a failing source fail the read (the job retries it), not pass for bad input', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield encode('INFO started\n');
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    const error = await failureOf(summarizeLogStream(broken()));
    expect(error).toMatchObject({ code: 'ECONNRESET' });
  });

  it('cuts a line without end instead of holding it whole', async () => {
    const endless = `INFO start\n${'x'.repeat(3 * 1024 * 1024)}\nINFO start\n`;
    const streamed = await summarizeLogStream(chunked(encode(endless), 64 * 1024));
    expect(streamed.summary.lines.total).toBe(3);
  });
});
