import { describe, expect, inject, it } from 'vitest';
import { signIn } from './browser.ts';
import { api, browserPerFile, eventually, expectAccessible, newUser, snapshot } from './support.ts';

const browser = browserPerFile();

describe('tickets in the console', () => {
  it('creates a ticket, shows its triage, reports a stale status change as a conflict and retries it', async () => {
    const user = await newUser();
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/tickets');
    await page.getByRole('button', { name: 'New ticket' }).click();
    await page
      .getByRole('textbox', { name: 'Title' })
      .fill('Checkout crashes with a 500 error after the latest deploy');
    await page
      .getByRole('textbox', { name: 'Description (optional)' })
      .fill('Every customer gets an internal server error when paying; revenue is blocked.');
    await page.getByRole('textbox', { name: 'Project (optional)' }).fill('acme/shop');
    await page.getByRole('button', { name: 'Create and triage' }).click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() as string;

    // The triage worker answers; the page updates by itself.
    await page.getByTestId('triage-category').waitFor();
    await page.getByText('Why', { exact: true }).waitFor();
    await page.getByRole('progressbar', { name: /^Category confidence: \d/ }).waitFor();
    // The history shows the triage too, without a reload.
    await page
      .getByRole('region', { name: 'History' })
      .getByText('Triaged', { exact: true })
      .waitFor({ timeout: 10_000 });
    const versionText = await page.getByText(/^You are editing version \d+\.$/).innerText();
    const version = Number(/(\d+)/.exec(versionText)?.[1]);

    // Meanwhile a colleague moves the ticket on.
    await api(
      'mutation($id: ID!, $v: Int!) { updateTicketStatus(id: $id, status: IN_PROGRESS, expectedVersion: $v) { version } }',
      { id, v: version },
      user.token,
    );

    await page.getByRole('combobox', { name: 'New status' }).selectOption('RESOLVED');
    await page.getByRole('button', { name: 'Update status' }).click();
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed this ticket' });
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('In progress');
    await expectAccessible(page);
    await snapshot(page, 'ticket-conflict');

    await conflict.getByRole('button', { name: /^Apply “Resolved” to the newer version/ }).click();
    await page.getByText('Status changed to Resolved.').waitFor();
    const after = await api<{ ticket: { status: string; version: number } }>(
      'query($id: ID!) { ticket(id: $id) { status version } }',
      { id },
      user.token,
    );
    expect(after.ticket).toEqual({ status: 'RESOLVED', version: version + 2 });
    // The history shows both changes, who made them, and an "as of" view.
    // The history refetches after the mutation; wait for the second entry before counting.
    const changes = page.getByText('Status changed', { exact: true });
    await changes.nth(1).waitFor();
    expect(await changes.count()).toBe(2);
    await page
      .getByRole('button', { name: /^Show as of then/ })
      .first()
      .click();
    await page.getByRole('region', { name: 'Ticket as of the chosen time' }).waitFor();
    await snapshot(page, 'ticket-detail');
  });

  it('creates a title-only ticket with no description, and searches every ticket on the server', async () => {
    const user = await newUser();
    await api(
      'mutation($t: String!) { triageTicket(title: $t) { id } }',
      { t: 'Printer on floor 3 jams on every job' },
      user.token,
    );
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/tickets');
    await page.getByRole('button', { name: 'New ticket' }).click();
    await page.getByRole('textbox', { name: 'Title' }).fill('Zeppelin dashboard shows stale numbers');
    await page.getByRole('button', { name: 'Create and triage' }).click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() as string;
    const created = await api<{ ticket: { title: string; body: string } }>(
      'query($id: ID!) { ticket(id: $id) { title body } }',
      { id },
      user.token,
    );
    // No description means no body: the title is not copied into it.
    expect(created.ticket).toEqual({ title: 'Zeppelin dashboard shows stale numbers', body: '' });

    await page.goto('/tickets');
    const printer = page.getByRole('link', { name: 'Printer on floor 3 jams on every job' });
    await printer.waitFor();
    await page.getByRole('textbox', { name: 'Search' }).fill('zeppelin numbers');
    await printer.waitFor({ state: 'detached' });
    expect(await page.getByRole('link', { name: 'Zeppelin dashboard shows stale numbers' }).count()).toBe(1);
  });

  it('lists similar tickets on a ticket and marks it a duplicate of one, which closes it', async () => {
    const user = await newUser();
    const create = (t: string, b: string) =>
      api<{ triageTicket: { id: string } }>(
        'mutation($t: String!, $b: String) { triageTicket(title: $t, body: $b) { id } }',
        { t, b },
        user.token,
      );
    const original = await create('VPN disconnects every hour', 'The VPN connection drops every hour.');
    const copy = await create('VPN drops hourly', 'Every hour the VPN connection is lost.');
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto(`/tickets/${copy.triageTicket.id}`);
    const similar = page.getByRole('region', { name: 'Similar tickets' });
    await similar.getByRole('link', { name: 'VPN disconnects every hour' }).waitFor();
    await similar.getByRole('button', { name: 'Duplicate of this: “VPN disconnects every hour”' }).click();
    await similar.getByText('Marked a duplicate of').waitFor();
    const after = await api<{ ticket: { status: string; duplicateOf: string } }>(
      'query($id: ID!) { ticket(id: $id) { status duplicateOf } }',
      { id: copy.triageTicket.id },
      user.token,
    );
    expect(after.ticket).toEqual({ status: 'CLOSED', duplicateOf: original.triageTicket.id });
    await expectAccessible(page);
  });

  it('shows the review queue to OPS but not to a USER', async () => {
    const ops = await newUser('OPS');
    const page = await browser.page();
    await signIn(page, ops.email, ops.password);
    await page
      .getByRole('link', { name: /^Review queue/ })
      .first()
      .click();
    await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
    await expectAccessible(page);

    const user = await newUser();
    const userPage = await browser.page();
    await signIn(userPage, user.email, user.password);
    expect(await userPage.getByRole('link', { name: /^Review queue/ }).count()).toBe(0);
    await userPage.goto('/tickets/review');
    await userPage.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    // Not a silent redirect: the overview says why.
    await userPage.getByText('That page needs the Ops or Admin role').waitFor();
  });

  it('names each ticket’s owner for OPS and ADMIN, not for a USER, and marks a corrected triage', async () => {
    const user = await newUser();
    const ops = await newUser('OPS');
    const title = `Quarterly access review for the billing share ${Date.now()}`;
    const { triageTicket } = await api<{ triageTicket: { id: string } }>(
      'mutation($t: String!) { triageTicket(title: $t) { id } }',
      { t: title },
      user.token,
    );
    const id = triageTicket.id;
    const version = await eventually(async () => {
      const { ticket } = await api<{ ticket: { version: number; triage: { status: string } } }>(
        'query($id: ID!) { ticket(id: $id) { version triage { status } } }',
        { id },
        ops.token,
      );
      return ticket.triage.status === 'SUCCEEDED' ? ticket.version : undefined;
    });
    await api(
      'mutation($id: ID!, $v: Int!) { correctTriage(id: $id, category: "TASK", expectedVersion: $v) { version } }',
      { id, v: version },
      ops.token,
    );

    // OPS: the API gives only the owner's id (Query.users is denied to OPS).
    const page = await browser.page();
    await signIn(page, ops.email, ops.password);
    await page.goto('/tickets');
    await page.getByRole('columnheader', { name: 'Owner' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: title }) });
    await row.waitFor();
    expect(await row.innerText()).toContain(`user ${user.id.slice(0, 8)}`);
    expect(await row.getByText('Corrected', { exact: true }).count()).toBe(1);
    expect(await row.getByRole('progressbar').count()).toBe(0);
    await expectAccessible(page);
    await row.getByRole('link', { name: title }).click();
    const note = page.getByTestId('triage-corrected');
    await note.waitFor();
    expect(await note.innerText()).toMatch(/^Corrected by you on .+\.( The classifier’s answer was .+\.)?$/);
    expect(await page.getByRole('progressbar', { name: /^Category confidence/ }).count()).toBe(0);
    await expectAccessible(page);
    await snapshot(page, 'ticket-corrected');

    // ADMIN may list users: the owner's e-mail.
    const admin = inject('admin');
    const adminPage = await browser.page();
    await signIn(adminPage, admin.email, admin.password);
    await adminPage.goto('/tickets');
    const adminRow = adminPage.getByRole('row').filter({ has: adminPage.getByRole('link', { name: title }) });
    await adminRow.getByText(user.email, { exact: true }).waitFor();
    await snapshot(adminPage, 'tickets-owner');

    // The owner sees only their own tickets: no owner column, the marker all the same.
    const userPage = await browser.page();
    await signIn(userPage, user.email, user.password);
    await userPage.goto('/tickets');
    const own = userPage.getByRole('row').filter({ has: userPage.getByRole('link', { name: title }) });
    await own.waitFor();
    expect(await userPage.getByRole('columnheader', { name: 'Owner' }).count()).toBe(0);
    expect(await own.getByText('Corrected', { exact: true }).count()).toBe(1);

    // On the ticket the owner is told an operator corrected it, not an id they cannot place.
    await own.getByRole('link', { name: title }).click();
    const history = userPage.getByRole('region', { name: 'History' });
    await history.getByText('Triage corrected').waitFor();
    const historyText = (await history.textContent()) ?? '';
    expect(historyText).toContain('an operator');
    expect(historyText.toLowerCase()).not.toContain(ops.id.slice(0, 8));
    expect(await userPage.getByTestId('triage-corrected').textContent()).toMatch(/^Corrected by an operator/);
  });

  it('keeps the search on Back from a ticket and on reload', async () => {
    const user = await newUser();
    const stamp = Date.now();
    const titles = [
      `Login page times out ${stamp}`,
      `Login button greyed out ${stamp}`,
      `Printer jams ${stamp}`,
    ];
    for (const t of titles) {
      await api('mutation($t: String!) { triageTicket(title: $t) { id } }', { t }, user.token);
    }
    const page = await browser.page();
    await signIn(page, user.email, user.password);
    await page.goto('/tickets');
    const printer = page.getByRole('link', { name: titles[2] });
    await printer.waitFor();
    await page.getByRole('textbox', { name: 'Search' }).fill('login');
    await page.waitForURL(/\/tickets\?q=login$/);
    await printer.waitFor({ state: 'detached' });
    const expectSearched = async () => {
      await page.getByRole('link', { name: titles[1] }).waitFor();
      expect(await page.getByRole('textbox', { name: 'Search' }).inputValue()).toBe('login');
      expect(await printer.count()).toBe(0);
    };
    await page.getByRole('link', { name: titles[0] }).click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    await page.goBack();
    await page.waitForURL(/\/tickets\?q=login$/);
    await expectSearched();
    await page.reload();
    await expectSearched();
  });

  it('wraps a one-word title longer than a phone screen instead of widening the ticket page', async () => {
    const user = await newUser();
    const word = `Unbrokenwordwithoutanyspaces_${'x'.repeat(180)}`;
    const { triageTicket } = await api<{ triageTicket: { id: string } }>(
      'mutation($t: String!, $b: String) { triageTicket(title: $t, body: $b) { id } }',
      { t: word, b: `${word}_in_the_description` },
      user.token,
    );
    const page = await browser.page(375);
    await signIn(page, user.email, user.password);
    for (const path of [`/tickets/${triageTicket.id}`, '/tickets']) {
      await page.goto(path);
      await page.getByText(word, { exact: true }).first().waitFor();
      const [scrollWidth, clientWidth] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      expect(scrollWidth, path).toBeLessThanOrEqual(clientWidth);
    }
  });
});
