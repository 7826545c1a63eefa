import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogOutput } from '../../local/log-output.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export { eventually } from './eventually.ts';

import { type GraphQLResult, graphql } from './local-process.ts';

export interface ApiSession {
  userId: string;
  email: string;
  call: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResult>;
}

export interface ApiHarness {
  runtime: LocalRuntime;
  database: TestDatabase;
  anonymous: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResult>;
  admin: () => Promise<ApiSession>;
  /** Signs up a user and, when a role is given, has the admin grant it. */
  user: (email: string, role?: 'OPS' | 'HR' | 'ADMIN') => Promise<ApiSession>;
  close: () => Promise<void>;
}

const PASSWORD = 'correct horse battery staple';

export interface ApiHarnessOptions {
  /** Settings the handlers are configured with besides the test process's environment: e.g. OPENAI_BASE_URL pointing at a fake provider. */
  env?: Record<string, string>;
  /** Every job queue's visibility timeout (a crashed worker's messages reappear after it). */
  visibilityTimeoutSeconds?: number;
  /** Where the worker threads' stdout and stderr go (default: this process's). */
  workerOutput?: LogOutput;
}

/** The real local runtime (endpoint, handlers, workers) in this process, on a fresh test database. */
export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-ops-api-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    databaseUrl: database.url,
    reconcileEverySeconds: 3600,
    env: { ...process.env, ...options.env },
    ...(options.visibilityTimeoutSeconds
      ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
      : {}),
    ...(options.workerOutput ? { workerOutput: options.workerOutput } : {}),
  });
  const anonymous = (query: string, variables: Record<string, unknown> = {}) =>
    graphql(runtime.url, query, variables, { 'x-api-key': runtime.apiKey });
  const login = async (email: string, password: string): Promise<ApiSession> => {
    const result = await anonymous(
      'mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken user { id } } }',
      { e: email, p: password },
    );
    const payload = result.data?.login as { accessToken: string; user: { id: string } } | undefined;
    if (!payload) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
    const headers = { authorization: `Bearer ${payload.accessToken}` };
    return {
      userId: payload.user.id,
      email,
      call: (query, variables = {}) => graphql(runtime.url, query, variables, headers),
    };
  };
  let adminSession: ApiSession | undefined;
  const admin = async () => {
    const credentials = runtime.createdAdmin;
    if (!credentials) throw new Error('the harness runtime created no admin');
    adminSession ??= await login(credentials.email, credentials.password);
    return adminSession;
  };
  return {
    runtime,
    database,
    anonymous,
    admin,
    async user(email, role) {
      const signup = await anonymous(
        'mutation($e: AWSEmail!, $p: String!) { signup(email: $e, password: $p) { user { id } } }',
        { e: email, p: PASSWORD },
      );
      const userId = (signup.data?.signup as { user: { id: string } } | undefined)?.user.id;
      if (!userId) throw new Error(`signup failed: ${JSON.stringify(signup.errors)}`);
      if (role) {
        const granted = await (await admin()).call(
          'mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { role } }',
          { u: userId, r: role },
        );
        if (granted.errors) throw new Error(`setUserRole failed: ${JSON.stringify(granted.errors)}`);
      }
      return login(email, PASSWORD);
    },
    async close() {
      await runtime.stop();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
