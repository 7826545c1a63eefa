import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import { startHttpServer } from '../../../local/http-server.ts';

describe('local HTTP server on a port that is taken', () => {
  it('refuses with a ValidationError on port that says it is in use, not listen EADDRINUSE', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const start = startHttpServer({
        port,
        apiKey: 'da2-porttest',
        maxBodyBytes: 1024,
        onError: () => {},
        handleGraphQL: () => new Promise(() => {}),
      });
      await expect(start).rejects.toThrow(
        new ValidationError('port', `${port} is in use by another program: stop it, or choose another port`),
      );
    } finally {
      other.close();
    }
  });
});
