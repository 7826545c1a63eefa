import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lambdaExport } from '../../support/lambda-export.ts';
import { signIn } from './browser.ts';
import { api, browserPerFile, expectAccessible, newUser, pageText, snapshot } from './support.ts';

const browser = browserPerFile();

/** 40 lines of one template whose wildcard takes distinctive values, plus errors in a burst. */
function logWithNames(): string {
  const names = ['zebra-4821', 'lion-0317', 'otter-5502', 'heron-7734', 'bison-1290'];
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const time = `2025-03-01 10:${String(i).padStart(2, '0')}:00`;
    lines.push(`${time} INFO auth.Session: session opened for ${names[i % names.length]} from web`);
    if (i >= 30) lines.push(`${time} ERROR db.Pool: connection refused after ${i * 10} ms`);
  }
  return lines.join('\n');
}

/** 600 requests, one in 60 answered 503 at INFO, and every other one of those logged at ERROR. */
function requestsWithFailures(): string {
  return Array.from({ length: 600 }, (_, i) => {
    const time = `2025-05-01 08:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    const failed = i % 60 === 7;
    const level = failed && i % 120 === 7 ? 'ERROR' : 'INFO';
    return `${time} ${level} api.Http: GET /api/orders/${1000 + i} status=${failed ? 503 : 200} took=${5 + (i % 40)}ms`;
  }).join('\n');
}

describe('logs in the console', () => {
  it('an engineer uploads a log file and reads the summary, headline first', async () => {
    const page = await browser.page();
    // Sign up in the console, as a new engineer would.
    await page.goto('/signup');
    const email = `engineer${Date.now()}@example.com`;
    const password = 'Quartz-Meadow-Ferry-81';
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(password);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();

    await page.getByRole('link', { name: /^Logs/ }).first().click();
    await page.getByText('Up to 5.0 MB of text').waitFor();
    await page.getByLabel('Log file').setInputFiles('test/fixtures/logs/BGL_sample.log');
    await page.getByText('Loaded BGL_sample.log').waitFor();
    expect(await page.getByRole('textbox', { name: 'Source (optional)' }).inputValue()).toBe(
      'BGL_sample.log',
    );
    await page.getByRole('button', { name: 'Summarize' }).click();
    await page.waitForURL(/\/logs\/[0-9a-f-]{36}$/);

    const headline = page.getByTestId('summary-headline');
    await headline.waitFor();
    // The headline on the page is the one the summarizer wrote for this log.
    const { login } = await api<{ login: { accessToken: string } }>(
      'mutation($e: AWSEmail!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      { e: email, p: password },
    );
    const { logEntry } = await api<{ logEntry: { summary: { json: string } } }>(
      'query($id: ID!) { logEntry(id: $id) { summary { json } } }',
      { id: page.url().split('/').pop() },
      login.accessToken,
    );
    const written: unknown = JSON.parse(logEntry.summary.json).headline;
    expect(typeof written === 'string' && written.length > 0).toBe(true);
    expect(await headline.innerText()).toBe(written);
    await page.getByRole('region', { name: 'Templates', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'First error' }).waitFor();
    // Wildcard values are offered to an engineer.
    await page
      .getByRole('row')
      .filter({ hasText: 'double-hummer alignment exceptions' })
      .first()
      .getByRole('button', { name: /^Show values of template/ })
      .click();
    await page
      .getByText(/^Wildcard 1/)
      .first()
      .waitFor();
    await expectAccessible(page);
    await snapshot(page, 'log-summary');
    // The list names the entry by the file it came from (its source), not by its upload time alone.
    await page.goto('/logs');
    await page
      .getByRole('region', { name: 'Logs', exact: true })
      .getByRole('cell', { name: 'bgl_sample.log' })
      .first()
      .waitFor();
  });

  it('the same file can be chosen again after Clear', async () => {
    const page = await browser.page();
    const user = await newUser();
    await signIn(page, user.email, user.password);
    await page.goto('/logs');
    const file = page.getByLabel('Log file');
    await file.setInputFiles('test/fixtures/logs/BGL_sample.log');
    await page.getByText('Loaded BGL_sample.log').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    // The input kept the file, so choosing it again was no change and did nothing.
    await file.setInputFiles('test/fixtures/logs/BGL_sample.log');
    await page.getByText('Loaded BGL_sample.log').waitFor();
  });

  it('pasted lines and their source survive a reload, and are gone once the log is submitted', async () => {
    const page = await browser.page();
    const user = await newUser();
    await signIn(page, user.email, user.password);
    await page.goto('/logs');
    const pasted = page.getByRole('textbox', { name: 'Or paste log lines' });
    const source = page.getByRole('textbox', { name: 'Source (optional)' });
    await pasted.fill(logWithNames());
    await source.fill('auth-service');
    await page.reload();
    await page.getByText('Up to 5.0 MB of text').waitFor();
    expect(await pasted.inputValue()).toBe(logWithNames());
    expect(await source.inputValue()).toBe('auth-service');
    await page.getByRole('button', { name: 'Summarize' }).click();
    await page.getByTestId('summary-headline').waitFor();
    await page.goto('/logs');
    await page.getByText('Up to 5.0 MB of text').waitFor();
    expect(await pasted.inputValue()).toBe('');
    expect(await source.inputValue()).toBe('');
  });

  it('HR reads the summary but is offered no raw text: no raw log, samples or wildcard values', async () => {
    const hr = await newUser('HR');
    const page = await browser.page();
    await signIn(page, hr.email, hr.password);
    await page.goto('/logs');
    await page.getByRole('textbox', { name: 'Or paste log lines' }).fill(logWithNames());
    await page.getByRole('button', { name: 'Summarize' }).click();
    await page.getByTestId('summary-headline').waitFor();
    await page.getByText('Raw log text and sample lines are not shown to the HR role.').waitFor();

    const text = await pageText(page);
    expect(text).toContain('session opened for');
    for (const value of ['zebra-4821', 'lion-0317', 'connection refused after 300 ms'])
      expect(text).not.toContain(value);
    expect(await page.getByRole('button', { name: /raw text/i }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Show values/ }).count()).toBe(0);
    await expectAccessible(page);
    await snapshot(page, 'log-summary-hr');
  });

  it('a plain file over 1 MB is uploaded as it is, never read into the page', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/logs');
    // 4.4 MB of short lines went into the text field (a 25 s freeze) and then over the request limit.
    const lines = Array.from(
      { length: 60_000 },
      (_, i) =>
        `2025-03-01 10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00 INFO q: job ${i} done`,
    );
    const buffer = Buffer.from(`${lines.join('\n')}\n`);
    expect(buffer.length).toBeGreaterThan(1024 * 1024);
    await page.getByLabel('Log file').setInputFiles({ name: 'jobs.log', mimeType: 'text/plain', buffer });
    await page.getByText('jobs.log (').first().waitFor();
    expect(await page.getByRole('textbox', { name: 'Or paste log lines' }).inputValue()).toBe('');
    await page.getByRole('button', { name: 'Upload and summarize' }).click();
    await page.waitForURL(/\/logs\/[0-9a-f-]{36}$/);
    await page.getByTestId('summary-headline').waitFor();
    const summary = await pageText(page);
    expect(summary).toContain('60,000');
    expect(summary).toMatch(/job .{1,12} done/);
  });

  it('a gzip file is uploaded as it is and summarized', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/logs');
    // Loghub BGL sample (test/fixtures/logs), compressed: the page never reads it, it uploads the file.
    const buffer = gzipSync(readFileSync('test/fixtures/logs/BGL_sample.log'));
    await page
      .getByLabel('Log file')
      .setInputFiles({ name: 'bgl.log.gz', mimeType: 'application/gzip', buffer });
    await page.getByText('bgl.log.gz').first().waitFor();
    await page.getByRole('button', { name: 'Upload and summarize' }).click();
    await page.waitForURL(/\/logs\/[0-9a-f-]{36}$/);
    await page.getByTestId('summary-headline').waitFor();
    expect(await pageText(page)).toContain('double-hummer alignment exceptions');
  });

  it('an error template says how many of its lines are errors and why, not a bare count at INFO', async () => {
    const user = await newUser();
    const page = await browser.page(390);
    await signIn(page, user.email, user.password);
    await page.goto('/logs');
    await page.getByRole('textbox', { name: 'Or paste log lines' }).fill(requestsWithFailures());
    await page.getByRole('button', { name: 'Summarize' }).click();
    await page.getByTestId('summary-headline').waitFor();
    const errors = page.getByRole('region', { name: 'Errors templates', exact: true });
    const row = errors.getByRole('row').filter({ hasText: 'status=' });
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells[0]).toContain('Errors by level ERROR (5 lines), HTTP 5xx');
    expect(cells[1]?.replace(/\s+/g, ' ')).toBe('10 errors of 600 lines');
    // All the log's errors.
    expect(cells[2]).toContain('100%');
    expect(cells[3]).toBe('ERROR');
    await snapshot(page, 'log-error-templates');
  });

  it("an on-call engineer opens an error template's lines, errors first; HR is offered none", async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/logs');
    // A small file, loaded through the file picker: 600 requests (10 answered 503) and 12 other lines
    // ("GET <*> started", a more general wording) that must not be counted as the requests' lines.
    const requests = requestsWithFailures().split('\n');
    const lines = requests.flatMap((line, i) =>
      i % 50 === 0 ? [line, `2025-05-01 08:00:00 INFO api.Http: GET warm-up ${i} started`] : [line],
    );
    const buffer = Buffer.from(`${lines.join('\n')}\n`);
    await page.getByLabel('Log file').setInputFiles({ name: 'api.log', mimeType: 'text/plain', buffer });
    await page.getByText('Loaded api.log').waitFor();
    await page.getByRole('button', { name: 'Summarize' }).click();
    await page.getByTestId('summary-headline').waitFor();
    const errors = page.getByRole('region', { name: 'Errors templates', exact: true });
    await errors
      .getByRole('row')
      .filter({ hasText: 'status=' })
      .getByRole('button', { name: /^Show lines of template/ })
      .click();
    const found = errors.getByTestId('template-lines');
    const status = found.getByRole('status');
    await status.filter({ hasText: 'lines' }).waitFor();
    expect(await status.innerText()).toBe('600 lines; showing the first 50; the 10 errors first');
    const shown = await found.locator('.template-line').allInnerTexts();
    expect(shown).toHaveLength(50);
    // The ten 503s first, each as stored, then the others in log order; no warm-up line among them.
    expect(shown.slice(0, 10).every((l) => l.includes('status=503'))).toBe(true);
    expect(shown[0]).toMatch(
      /^9 error\s+2025-05-01 08:00:07 ERROR api\.Http: GET \/api\/orders\/1007 status=503/,
    );
    expect(shown.some((l) => l.includes('warm-up'))).toBe(false);
    await found.getByRole('checkbox', { name: 'Errors only' }).check();
    await status.filter({ hasText: '10 errors of 600 lines' }).waitFor();
    expect(await found.locator('.template-line').count()).toBe(10);
    await expectAccessible(page);
    await snapshot(page, 'log-template-lines');

    // HR's own copy of the same log: the templates, and no lines to open.
    const hr = await newUser('HR');
    const hrPage = await browser.page();
    await signIn(hrPage, hr.email, hr.password);
    await hrPage.goto('/logs');
    await hrPage.getByRole('textbox', { name: 'Or paste log lines' }).fill(lines.join('\n'));
    await hrPage.getByRole('button', { name: 'Summarize' }).click();
    await hrPage.getByTestId('summary-headline').waitFor();
    await hrPage.getByRole('region', { name: 'Errors templates', exact: true }).waitFor();
    expect(await hrPage.getByRole('button', { name: /Show lines/ }).count()).toBe(0);
  });

  it("an on-call engineer sees a Lambda's REPORT durations per template, timeouts in its p95", async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/logs');
    await page.getByRole('textbox', { name: 'Or paste log lines' }).fill(lambdaExport());
    await page.getByRole('button', { name: 'Summarize' }).click();
    await page.getByTestId('summary-headline').waitFor();
    const durations = page.getByRole('region', { name: 'Durations', exact: true });
    const row = durations.getByRole('row').filter({ hasText: 'REPORT RequestId' });
    const cells = await row.getByRole('cell').allInnerTexts();
    // Lines, p50 (the warm invocations, 1% accuracy), p95 and max (the 3 s timeouts), unit.
    expect(cells.slice(1)).toEqual(['30', expect.stringMatching(/^1[12]\d$/), '3,000', '3,000', 'ms']);
    await expectAccessible(page);
  });
});
