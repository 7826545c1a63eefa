import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runUpload } from '../../../bin/commands/log-upload.ts';
import { ValidationError } from '../../../lambdas/core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Nothing listens on this port: a check that reached the API would fail with a connection error instead.
const api = ['--api', 'http://127.0.0.1:9', '--token', 'unused'];

describe('ai-ops logs upload', () => {
  it('refuses a directory or an empty file before it creates an entry that would wait for it', async () => {
    await expect(runUpload([dir, ...api], {})).rejects.toThrow(`${dir} is not a file`);
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    await expect(runUpload([empty, ...api], {})).rejects.toThrow(new ValidationError('file', 'is empty'));
    await expect(runUpload([join(dir, 'missing.log'), ...api], {})).rejects.toThrow('no such file');
  });

  it('refuses a binary file, plain or gzipped, before it creates an entry the worker would only fail', async () => {
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
    const plain = join(dir, 'core.log');
    writeFileSync(plain, binary);
    const zipped = join(dir, 'core.log.gz');
    writeFileSync(zipped, gzipSync(binary));
    for (const file of [plain, zipped])
      await expect(runUpload([file, ...api], {})).rejects.toThrow(
        new ValidationError('file', 'looks like binary data, not text'),
      );
    // A gzipped text log passes the check and goes on to the API (here: nothing listens).
    const text = join(dir, 'app.log.gz');
    writeFileSync(text, gzipSync('2024-05-01 10:00:00 INFO started\n'));
    await expect(runUpload([text, ...api], {})).rejects.not.toThrow(ValidationError);
  });
});
