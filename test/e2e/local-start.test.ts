import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dataField, graphql, type StartedLocalProcess, startLocalProcess } from '../support/local-process.ts';

const SIGNUP = `mutation($e: AWSEmail!, $p: String!) {
  signup(email: $e, password: $p) { accessToken refreshToken expiresAt user { id email role } }
}`;
const LOGIN = `mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken user { role } } }`;
const ME = '{ me { id email role } }';
const run = promisify(execFile);

describe('npm start on a fresh data dir', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-ops-e2e-'));
  let running: StartedLocalProcess | undefined;
  afterAll(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves signup → login → me, refuses bad callers, denies fields per role, and keeps data across a restart', async () => {
    running = await startLocalProcess(dataDir);
    expect(running.url).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
    expect(running.apiKey).toMatch(/^da2-/);
    expect(running.admin?.email).toContain('@');
    const admin = running.admin;
    const apiKey = { 'x-api-key': running.apiKey };
    const email = 'newcomer@example.com';
    const password = 'correct horse battery staple';

    const signup = await graphql(running.url, SIGNUP, { e: email, p: password }, apiKey);
    expect(signup.errors).toBeUndefined();
    expect(signup.data?.signup).toMatchObject({ user: { email, role: 'USER' } });

    const login = await graphql(running.url, LOGIN, { e: email, p: password }, apiKey);
    const accessToken = dataField<{ accessToken: string }>(login, 'login').accessToken;
    const bearer = { authorization: `Bearer ${accessToken}` };
    const me = await graphql(running.url, ME, {}, bearer);
    expect(me.data?.me).toMatchObject({ email, role: 'USER' });

    const meWithApiKey = await graphql(running.url, ME, {}, apiKey);
    expect(meWithApiKey.data?.me).toBeNull();
    expect(meWithApiKey.errors?.[0]?.errorType).toBe('Unauthorized');
    expect((await graphql(running.url, ME, {}, {})).status).toBe(401);
    expect((await graphql(running.url, ME, {}, { authorization: 'Bearer not.a.token' })).status).toBe(401);

    const denied = await graphql(running.url, '{ me { email } users { items { email } } }', {}, bearer);
    expect(denied.data).toEqual({ me: { email }, users: null });
    expect(denied.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', path: ['users'] });

    const adminLogin = await graphql(running.url, LOGIN, { e: admin?.email, p: admin?.password }, apiKey);
    const adminToken = dataField<{ accessToken: string }>(adminLogin, 'login').accessToken;
    const users = await graphql(
      running.url,
      '{ users(limit: 10) { items { email role } } }',
      {},
      {
        authorization: `Bearer ${adminToken}`,
      },
    );
    expect(users.errors).toBeUndefined();
    expect(JSON.stringify(users.data)).toContain(email);

    expect(await running.stop()).toBe(0);

    running = await startLocalProcess(dataDir);
    expect(running.admin).toBeNull();
    const again = await graphql(
      running.url,
      LOGIN,
      { e: email, p: password },
      { 'x-api-key': running.apiKey },
    );
    expect(again.data?.login).toMatchObject({ user: { role: 'USER' } });

    // A command that only reads uses the running product's database instead of refusing its data dir.
    const exported = await run(process.execPath, [
      'bin/ai-ops.mjs',
      'tickets',
      'export-corrections',
      '--data-dir',
      dataDir,
    ]);
    expect(exported.stdout.split('\n')[0]).toBe(
      'id,created_at,project,category,priority,team,title,body,corrected_at',
    );
    expect(exported.stderr).toContain('0 corrections');
    expect(await running.stop()).toBe(0);
  }, 180_000);
});
