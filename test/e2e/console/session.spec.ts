import { describe, expect, inject, it } from 'vitest';
import { signIn } from './browser.ts';
import { adminToken, api, browserPerFile, newUser } from './support.ts';

const browser = browserPerFile();
const SESSION_KEY = 'ai-ops.session';

describe('session in the console', () => {
  it('keeps the session across a reload and signs out on request', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBeNull();
    // The way back in is the sign-in page, wherever one goes.
    await page.goto('/tickets');
    await page.waitForURL(/\/signin\?next=%2Ftickets$/);
  });

  it('takes a role an admin gave while the session was open: the menus, and the pages the role may open', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: /^Logs/ }).waitFor();
    expect(await nav.getByRole('link', { name: /^System health/ }).count()).toBe(0);
    await api(
      'mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id } }',
      { u: user.id, r: 'OPS' },
      await adminToken(),
    );
    await page.reload();
    await nav.getByRole('link', { name: /^System health/ }).click();
    await page.getByRole('heading', { level: 1, name: 'System health' }).waitFor();
    // The page's data too: the renewed token carries the new role past the authorizer's cached answer.
    await page.getByRole('region', { name: 'Queues', exact: true }).waitFor();
    expect(await page.getByText('Could not read the system health').count()).toBe(0);
    expect(await page.getByLabel('Role: Ops').count()).toBe(1);
  });

  it('keeps the menu and says so when a page’s code cannot be fetched, and Reload brings the page', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    // The server stopped, or a deploy removed this build's chunk: the Tickets page's code does not arrive.
    const chunk = '**/assets/TicketsPage-*.js';
    await page.route(chunk, (route) => route.abort('connectionrefused'));
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Tickets/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'This page could not be loaded' }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'The server cannot be reached' });
    await alert.waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').count()).toBeGreaterThan(3);
    await page.unroute(chunk);
    await alert.getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
  });

  it('sends a revoked session back to sign-in with a clear message, then returns to the page after sign-in', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/changelogs');
    await page.getByRole('heading', { level: 1, name: 'Changelogs' }).waitFor();
    // The session is ended elsewhere (signed out on another device), and the access token runs out.
    const stored = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}'), SESSION_KEY);
    await api('mutation { logout }', {}, stored.accessToken);
    await page.evaluate(
      ([key, value]) => localStorage.setItem(key as string, value as string),
      [SESSION_KEY, JSON.stringify({ ...stored, expiresAt: new Date(Date.now() - 1000).toISOString() })],
    );
    await page.reload();
    await page.getByText(/Your session has ended/).waitFor();
    expect(page.url()).toContain('/signin?next=%2Fchangelogs');
    await page.getByRole('textbox', { name: 'Email' }).fill(user.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Changelogs' }).waitFor();
  });

  it('returns to sign-in with its message when the stored session is refused mid-form, and keeps the typed ticket', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/tickets');
    await page.getByRole('button', { name: 'New ticket' }).click();
    await page.getByRole('textbox', { name: 'Title' }).fill('Typed before my session expired');
    await page
      .getByRole('textbox', { name: 'Description (optional)' })
      .fill('A long description I do not want to lose.');
    // The session dies under the page: its access token is refused and its refresh token is no good.
    await page.evaluate((key) => {
      const stored = JSON.parse(localStorage.getItem(key) ?? '{}');
      const dead = {
        ...stored,
        accessToken: 'x.y.z',
        refreshToken: 'revoked',
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      };
      localStorage.setItem(key, JSON.stringify(dead));
    }, SESSION_KEY);
    await page.getByRole('button', { name: 'Create and triage' }).click();
    // Not "You are not signed in" under a header that still names the user: the sign-in page says why.
    await page.getByText(/Your session has ended/).waitFor();
    expect(page.url()).toContain('/signin?next=%2Ftickets');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await page.getByRole('textbox', { name: 'Email' }).fill(user.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Title' }).inputValue()).toBe(
      'Typed before my session expired',
    );
    expect(await page.getByRole('textbox', { name: 'Description (optional)' }).inputValue()).toBe(
      'A long description I do not want to lose.',
    );
    const { tickets } = await api<{ tickets: { items: unknown[] } }>(
      'query { tickets { items { id } } }',
      {},
      user.token,
    );
    expect(tickets.items).toEqual([]);
  });

  it('refreshes the access token before it expires, rotating the refresh token', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    const before = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}'), SESSION_KEY);
    // Pretend the token has 30 s left: the console refreshes a minute ahead.
    await page.evaluate(
      ([key, value]) => localStorage.setItem(key as string, value as string),
      [SESSION_KEY, JSON.stringify({ ...before, expiresAt: new Date(Date.now() + 30_000).toISOString() })],
    );
    await page.reload();
    await page.waitForFunction(
      ([key, old]) => JSON.parse(localStorage.getItem(key as string) ?? '{}').refreshToken !== old,
      [SESSION_KEY, before.refreshToken],
    );
    const after = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}'), SESSION_KEY);
    expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.now() + 5 * 60_000);
    await page.goto('/logs');
    await page.getByRole('heading', { level: 1, name: 'Logs' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('opens GraphiQL signed in under its CSP: the schema loads and a query runs with the filled-in token', async () => {
    const { email, password } = inject('admin');
    // The page's security headers are enforced here, as in a user's browser: a CSP that blocked GraphiQL's
    // scripts or editor workers would leave it without a schema.
    const page = await browser.page(1280, true);
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) blocked.push(message.text());
    });
    await signIn(page, email, password);
    await page.getByRole('link', { name: 'GraphQL IDE' }).first().click();
    await page.waitForURL(/\/graphiql$/);
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    // The introspection query passed the depth limit: the explorer lists the root types.
    await page.getByText('Root Types').waitFor();
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
    await page.locator('.graphiql-response').getByText(email).waitFor();
    expect(await page.locator('body').innerText()).not.toContain('Error fetching schema');
    expect(blocked).toEqual([]);
  });
});
