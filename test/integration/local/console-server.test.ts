import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppSyncEndpoint } from '../../../local/appsync/endpoint.ts';
import { loadAppSyncSchema, readSchemaFile } from '../../../local/appsync/schema.ts';
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
    const redirect = await fetch(`${origin}/graphql`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/graphiql');
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
