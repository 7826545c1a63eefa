import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../../../local/http-server.ts';

describe('local HTTP server close', () => {
  it('cuts a request still in flight after the grace period instead of waiting for it forever', async () => {
    let received = () => {};
    const arrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const server = await startHttpServer({
      port: 0,
      apiKey: 'da2-closetest',
      maxBodyBytes: 1024,
      onError: () => {},
      closeGraceMs: 50,
      // A resolver that never answers: what a hung database call looks like from the server.
      handleGraphQL: () => {
        received();
        return new Promise(() => {});
      },
    });
    const request = fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'da2-closetest' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    }).then(
      () => 'answered',
      () => 'cut',
    );
    await arrived;
    await server.close();
    expect(await request).toBe('cut');
  });
});
