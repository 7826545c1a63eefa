import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { connectDatabase } from '../../../lambdas/adapters/db/client.ts';
import { LocalQueue } from '../../../lambdas/adapters/queue/local-queue.ts';
import { localQueueDefinitions } from '../../../lambdas/adapters/queue/queue-from-config.ts';
import { jobMessageFor, serializeJobMessage } from '../../../lambdas/core/jobs/job.ts';
import { summarizeLog as summarizeLogKind } from '../../../lambdas/core/jobs/kinds/summarize-log/definition.ts';
import { dataField, graphql } from '../../support/local-process.ts';
import { launchChromium, newContext, seriousViolations } from './browser.ts';
import { type PageTrace, tracePage } from './page-trace.ts';

const AUTH = 'accessToken refreshToken expiresAt user { id email role }';

export interface ApiUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** A GraphQL call as another client would make it (a colleague, a script), beside the browser. */
export async function api<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const headers: Record<string, string> = token
    ? { authorization: `Bearer ${token}` }
    : { 'x-api-key': inject('apiKey') };
  const result = await graphql(inject('apiUrl'), query, variables, headers);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

export async function adminToken(): Promise<string> {
  const { email, password } = inject('admin');
  const data = await api<{ login: { accessToken: string } }>(
    `mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { ${AUTH} } }`,
    { e: email, p: password },
  );
  return data.login.accessToken;
}

let counter = 0;

/**
 * A new account through the API (signup gives USER), promoted by the admin when a role is given; its e-mail
 * starts with `name`.
 */
export async function newUser(role?: 'OPS' | 'HR' | 'ADMIN', name = 'person'): Promise<ApiUser> {
  counter += 1;
  const email = `${name}${Date.now()}${counter}@example.com`;
  const password = 'Violet-Harbour-Lantern-42';
  const result = await graphql(
    inject('apiUrl'),
    `mutation($e: AWSEmail!, $p: String!) { signup(email: $e, password: $p) { ${AUTH} } }`,
    { e: email, p: password },
    { 'x-api-key': inject('apiKey') },
  );
  const payload = dataField<{ accessToken: string; user: { id: string } }>(result, 'signup');
  if (role) {
    await api(
      'mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id } }',
      { u: payload.user.id, r: role },
      await adminToken(),
    );
  }
  // A fresh login carries the new role in its token.
  const login = await api<{ login: { accessToken: string } }>(
    `mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { ${AUTH} } }`,
    { e: email, p: password },
  );
  return { id: payload.user.id, email, password, token: login.login.accessToken };
}

/**
 * A poison message as the queue sees one: a summarize job's message that has used up its receives, its job
 * marked FAILED with the reason as the worker does on the last delivery. The queue's own redrive policy moves
 * the message to the dead-letter queue on its next receive, exactly as after five failures.
 */
export async function poisonMessageFor(jobId: string): Promise<void> {
  const connection = connectDatabase({ url: inject('databaseUrl') });
  try {
    const { queue: settings } = summarizeLogKind;
    const queue = new LocalQueue(connection.sql, localQueueDefinitions());
    const body = serializeJobMessage(
      jobMessageFor({ id: jobId, kind: summarizeLogKind.kind, traceId: null }),
    );
    const { messageId } = await queue.send(settings.name, body, { delaySeconds: 2 });
    await connection.sql`update queue_messages set receive_count = ${settings.maxReceiveCount} where message_id = ${messageId}`;
    await connection.sql`update jobs set status = 'FAILED', attempts = ${settings.maxReceiveCount},
      last_error = 'Database unavailable: connection refused' where id = ${jobId}`;
  } finally {
    await connection.close();
  }
}

/** Polls until `check` returns a value (the workers run in the background). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** No serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `${page.url()}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

/** Screenshots for people to look at, when SCREENSHOT_DIR is set (not asserted). */
export async function snapshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
}

/** Whole-page text, to check what a person can (not) read. */
export const pageText = (page: Page): Promise<string> => page.evaluate(() => document.body.innerText);

/**
 * The spec's browser, launched once per file, and its pages: a failing test leaves a full-page screenshot of
 * each page it opened (path printed), so a CI failure can be looked at.
 */
export function browserPerFile() {
  let browser: Browser | undefined;
  const open = new Map<Page, PageTrace>();
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await reportFailure(context.task.name, open);
    for (const page of open.keys()) await page.context().close();
    open.clear();
  });
  afterAll(async () => browser?.close());
  return {
    /** A fresh browser context (no session) and page, `width` px wide; `enforceCsp` as a user's browser does. */
    async page(width = 1280, enforceCsp = false): Promise<Page> {
      if (!browser) throw new Error('the browser is not running');
      const page = await (await newContext(browser, inject('consoleUrl'), width, enforceCsp)).newPage();
      open.set(page, tracePage(page));
      return page;
    },
  };
}

const SERVER_LOG_TAIL = 40;

/** A screenshot of each page, what each page did, and the tail of the server's log. */
async function reportFailure(testName: string, pages: Map<Page, PageTrace>): Promise<void> {
  const dir = join(tmpdir(), 'ai-ops-console-failures');
  mkdirSync(dir, { recursive: true });
  for (const [page, trace] of pages) {
    const path = join(dir, `${testName.replace(/\W+/g, '-').slice(0, 80)}-${Date.now()}.png`);
    await page.screenshot({ path, fullPage: true }).catch(() => undefined);
    console.error(
      `screenshot of the failing page: ${path}\nwhat the page did:\n  ${trace.lines().join('\n  ')}`,
    );
  }
  const log = inject('serverLog');
  // Metric lines (EMF) say nothing a person needs here.
  const lines = existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n') : [];
  const tail = lines.filter((line) => !line.startsWith('{"_aws"')).slice(-SERVER_LOG_TAIL);
  console.error(`the server's last ${tail.length} lines:\n  ${tail.join('\n  ')}`);
}
