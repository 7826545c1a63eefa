import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../bin/commands/command.ts';
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

  it('refuses a UTF-16 log, which the worker cannot read, with the conversion to make', async () => {
    const file = join(dir, 'windows.log');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('2024-05-01 10:00:00 INFO started\r\n', 'utf16le'),
      ]),
    );
    await expect(runUpload([file, ...api], {})).rejects.toThrow(
      /is UTF-16 text and the API reads UTF-8: convert it first \(iconv/,
    );
  });
});

/** A stand-in for what sits at --api: a proxy in front of a failed API, or an API that refuses a credential. */
async function answering(status: number, body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(status, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

async function uploadError(status: number, body: string, credentials: string[]): Promise<unknown> {
  const log = join(dir, 'app.log');
  writeFileSync(log, '2024-05-01 10:00:00 INFO started\n');
  const { url, server } = await answering(status, body);
  try {
    await runUpload([log, '--api', url, ...credentials], { AI_OPS_PASSWORD: 'secret' });
    return undefined;
  } catch (error: unknown) {
    return error;
  } finally {
    server.close();
  }
}

describe('ai-ops logs upload against an API that refuses or fails', () => {
  const unauthorized = JSON.stringify({
    errors: [{ message: 'You are not authorized to make this call.', errorType: 'UnauthorizedException' }],
  });

  it('names the refused credential, the API key or the token, as a usage error (exit 2)', async () => {
    const key = await uploadError(401, unauthorized, ['--email', 'a@b.c', '--key', 'da2-wrong']);
    expect(key).toBeInstanceOf(UsageError);
    expect((key as Error).message).toMatch(/refused the API key \(--key or \$AI_OPS_API_KEY/);
    const token = await uploadError(401, unauthorized, ['--token', 'expired']);
    expect(token).toBeInstanceOf(UsageError);
    expect((token as Error).message).toMatch(/refused the access token \(--token or \$AI_OPS_TOKEN\)/);
  });

  it('reports a server that answers 500 as a failure (exit 1), not as a usage error', async () => {
    const html = await uploadError(500, '<html>Internal Server Error</html>', ['--token', 't']);
    expect(html).toBeInstanceOf(Error);
    expect(html).not.toBeInstanceOf(UsageError);
    expect((html as Error).message).toBe('the API failed with HTTP 500 and no answer; try again later');
    const graphql = JSON.stringify({
      errors: [{ message: 'Database is resuming', errorType: 'ServiceUnavailable' }],
    });
    const unavailable = await uploadError(200, graphql, ['--token', 't']);
    expect(unavailable).not.toBeInstanceOf(UsageError);
    expect((unavailable as Error).message).toBe('the API failed (HTTP 200): Database is resuming');
  });

  it('asks whether --api is the GraphQL URL when it answers 404 without GraphQL', async () => {
    const error = await uploadError(404, 'Not Found', ['--token', 't']);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/answered HTTP 404 without a GraphQL answer: is --api/);
  });
});
