import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppSyncEndpoint } from '../../../local/appsync/endpoint.ts';
import { loadAppSyncSchema, readSchemaFile } from '../../../local/appsync/schema.ts';
import { SECURITY_HEADERS } from '../../../local/console-files.ts';
import { type RunningHttpServer, startHttpServer } from '../../../local/http-server.ts';

const API_KEY = 'da2-consoletest';
let server: RunningHttpServer;
let origin: string;
let consoleDir: string;

async function post(query: string) {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: { message: string }[] },
  };
}

/** The bytes as sent (fetch would decompress them and hide the encoding). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  consoleDir = mkdtempSync(join(tmpdir(), 'ai-ops-console-'));
  mkdirSync(join(consoleDir, 'assets'));
  writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
  writeFileSync(join(consoleDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'ai-ops-console-secret.txt'), 'TOP-SECRET-CONTENT');
  const endpoint = createAppSyncEndpoint({
    schema: loadAppSyncSchema(readSchemaFile('schema/schema.graphql')),
    apiId: 'local',
    apiKeys: () => [API_KEY],
    authorizer: async () => ({ isAuthorized: false }),
    authorizerTtlSeconds: 0,
    resolver: async () => null,
    // The local default; GraphiQL's introspection query is 15 levels deep.
    queryDepthLimit: 10,
    resolverCountLimit: 100,
    introspection: true,
  });
  server = await startHttpServer({
    port: 0,
    handleGraphQL: endpoint.handle,
    apiKey: API_KEY,
    consoleDir,
    maxBodyBytes: 64 * 1024,
    onError: () => {},
  });
  origin = server.url.replace(/\/graphql$/, '');
});

afterAll(async () => {
  await server.close();
  rmSync(consoleDir, { recursive: true, force: true });
  rmSync(join(tmpdir(), 'ai-ops-console-secret.txt'), { force: true });
});

describe('local server: console and IDE', () => {
  it('serves the console at / with security headers and index.html for client-side routes', async () => {
    for (const path of ['/', '/tickets/123', '/admin/dead-letters']) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('caches hashed assets for a year and answers 404 for missing files', async () => {
    const asset = await fetch(`${origin}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${origin}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves a file outside the console folder', async () => {
    for (const path of [
      '/..%2Fai-ops-console-secret.txt',
      '/%2e%2e/ai-ops-console-secret.txt',
      '/%E0%A4%A',
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('gives the console its configuration: the API path and the API key', async () => {
    const response = await fetch(`${origin}/config.json`);
    expect(await response.json()).toEqual({ graphqlUrl: '/graphql', apiKey: API_KEY });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('serves GraphiQL at /graphiql with the API key and the console session filled into Headers', async () => {
    const html = await (await fetch(`${origin}/graphiql`)).text();
    expect(html).toContain('window.aiOpsIdeHeaders()');
    expect(html).toContain(`'x-api-key': "${API_KEY}"`);
    expect(html).toContain('ai-ops.session');
    expect(html).not.toContain('__AI_OPS_IDE_HEADERS__');
    // A browser opening the API URL is sent to the IDE; an API client's GET is refused as documented (405).
    const redirect = await fetch(`${origin}/graphql`, {
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/graphiql');
  });

  it("answers an API client's GET /graphql with 405 and a BadRequest, not the IDE's HTML", async () => {
    for (const accept of ['application/json', '*/*', 'application/graphql-response+json']) {
      const response = await fetch(`${origin}/graphql?query=%7B%20me%20%7B%20id%20%7D%20%7D`, {
        redirect: 'manual',
        headers: { accept },
      });
      expect(response.status, accept).toBe(405);
      expect(response.headers.get('allow')).toBe('POST, OPTIONS');
      expect(await response.json()).toEqual({
        errors: [{ message: 'Use POST /graphql', errorType: 'BadRequest' }],
      });
    }
  });

  it("gives GraphiQL the console's security headers, its CSP allowing only the page's own inline scripts", async () => {
    const response = await fetch(`${origin}/graphiql`);
    const html = await response.text();
    for (const name of ['x-frame-options', 'x-content-type-options', 'referrer-policy', 'permissions-policy'])
      expect(response.headers.get(name)).toBe(SECURITY_HEADERS[name]);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const scriptSrc = csp.split('; ').find((directive) => directive.startsWith('script-src ')) ?? '';
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval/);
    // The script that reads the console session, hashed here on its own: the CSP names it.
    const sessionScript = html.slice(html.indexOf('<script>') + '<script>'.length, html.indexOf('</script>'));
    expect(sessionScript).toContain('ai-ops.session');
    expect(scriptSrc).toContain(`'sha256-${createHash('sha256').update(sessionScript).digest('base64')}'`);
    expect(scriptSrc.match(/'sha256-/g)?.length).toBe(html.match(/<\/script>/g)?.length);
  });

  it('sends GraphiQL compressed as the client accepts it: br, else gzip, else plain', async () => {
    const plain = await raw('/graphiql');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.body.toString()).toContain('window.aiOpsIdeHeaders()');
    const br = await raw('/graphiql', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const gzip = await raw('/graphiql', { 'accept-encoding': 'br;q=0, gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(
      (await raw('/graphiql', { 'accept-encoding': 'identity' })).headers['content-encoding'],
    ).toBeUndefined();
  });

  it('answers a revalidation of GraphiQL with 304 (by ETag or Last-Modified), and a changed tag with the page', async () => {
    const first = await raw('/graphiql', { 'accept-encoding': 'br' });
    const etag = first.headers.etag ?? '';
    const lastModified = first.headers['last-modified'] ?? '';
    expect(etag).toMatch(/^W\/".+"$/);
    expect(lastModified).not.toBe('');
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const byTag = await raw('/graphiql', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.body.length).toBe(0);
    expect(byTag.headers.etag).toBe(etag);
    expect(byTag.headers['x-frame-options']).toBe('DENY');
    // The same validator holds for the gzip and plain forms of the page.
    expect((await raw('/graphiql', { 'if-none-match': etag })).status).toBe(304);
    expect((await raw('/graphiql', { 'if-modified-since': lastModified })).status).toBe(304);
    // If-None-Match decides when both are sent.
    const changed = await raw('/graphiql', {
      'if-none-match': 'W/"older"',
      'if-modified-since': lastModified,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.toString()).toContain('GraphiQL');
    const head = await raw('/graphiql', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers.etag).toBe(etag);
  });

  it("answers GraphiQL's introspection query despite the depth limit", async () => {
    const { status, body } = await post(getIntrospectionQuery());
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(JSON.stringify(body.data)).toContain('"name":"summarizeLog"');
  });

  it("still bounds introspection by graphql-js's introspection depth rule", async () => {
    const deep =
      '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }';
    const { status, body } = await post(deep);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/[Mm]aximum introspection depth exceeded/);
  });

  it('still limits the depth of data queries', async () => {
    let query = 'id';
    for (let i = 0; i < 10; i++) query = `user { ${query} }`;
    const { status, body } = await post(
      `mutation { login(email: "a@example.com", password: "p") { ${query} } }`,
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/depth 12 exceeds the limit of 10/);
  });
});
