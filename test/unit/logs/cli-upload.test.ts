import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
