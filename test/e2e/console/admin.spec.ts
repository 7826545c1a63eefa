import { describe, expect, inject, it } from 'vitest';
import { summarizeLog as summarizeLogKind } from '../../../lambdas/core/jobs/kinds/summarize-log/definition.ts';
import { signIn } from './browser.ts';
import {
  adminToken,
  api,
  browserPerFile,
  eventually,
  expectAccessible,
  poisonMessageFor,
  snapshot,
} from './support.ts';

const browser = browserPerFile();

describe('admin pages', () => {
  it('an admin finds a dead letter and redrives it back to its work queue', async () => {
    const token = await adminToken();
    const { summarizeLog } = await api<{ summarizeLog: { id: string; job: { id: string } } }>(
      'mutation($r: String!) { summarizeLog(raw: $r) { id job { id } } }',
      { r: '2025-03-01 10:00:00 ERROR db.Pool: connection refused\n2025-03-01 10:00:01 INFO app: retrying' },
      token,
    );
    await poisonMessageFor(summarizeLog.job.id);
    const letters = async () =>
      (
        await api<{ deadLetters: { items: { jobId: string }[] } }>(
          '{ deadLetters { items { jobId } } }',
          {},
          token,
        )
      ).deadLetters.items;
    await eventually(async () => ((await letters()).length > 0 ? true : undefined));

    const page = await browser.page();
    const { email, password } = inject('admin');
    await signIn(page, email, password);
    await page
      .getByRole('link', { name: /^Dead letters/ })
      .first()
      .click();
    await page.getByText('summarize-log: 1 message').waitFor();
    await page.getByRole('cell', { name: summarizeLog.job.id, exact: true }).waitFor();
    await page
      .getByText(
        `Database unavailable: connection refused (after ${summarizeLogKind.queue.maxReceiveCount} attempts)`,
      )
      .waitFor();
    await expectAccessible(page);
    await snapshot(page, 'dead-letters');

    await page.getByRole('button', { name: 'Redrive summarize-log' }).click();
    const dialog = page.getByRole('dialog', { name: 'Redrive dead letters?' });
    await dialog.getByRole('button', { name: 'Redrive' }).click();
    await page.getByText('Moved 1 message of summarize-log back to the work queue.').waitFor();
    await page.getByText('No dead letters. Every job reached its worker.').waitFor();
    expect(await letters()).toEqual([]);
  });

  it('an admin changes a role and a feature flag', async () => {
    const page = await browser.page();
    const { email, password } = inject('admin');
    await signIn(page, email, password);
    await page.goto('/admin/flags');
    const flag = page.getByRole('form', { name: 'Flag llm.summary' });
    await flag.locator('label', { hasText: 'Enabled' }).click();
    await flag.getByRole('textbox', { name: /^Rollout/ }).fill('25');
    await flag.getByRole('checkbox', { name: 'Ops' }).check();
    await flag.getByRole('button', { name: 'Save llm.summary' }).click();
    await page.getByText('on for 25% of Ops', { exact: true }).waitFor();
    const flags = await api<{
      featureFlags: { name: string; enabled: boolean; rolloutPercent: number; roles: string[] }[];
    }>('{ featureFlags { name enabled rolloutPercent roles } }', {}, await adminToken());
    expect(flags.featureFlags.find((f) => f.name === 'llm.summary')).toEqual({
      name: 'llm.summary',
      enabled: true,
      rolloutPercent: 25,
      roles: ['OPS'],
    });
    await expectAccessible(page);
    await snapshot(page, 'flags');
  });

  it('an admin invites a user, who chooses a password from the link; the audit log and health show it', async () => {
    const page = await browser.page();
    const { email, password } = inject('admin');
    await signIn(page, email, password);
    await page.goto('/admin/users');
    const invitee = `invited-${Date.now()}@example.com`;
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel("New user's e-mail").fill(invitee);
    await form.getByRole('button', { name: 'Create and get an invite link' }).click();
    const link = (await page.locator('pre', { hasText: '/set-password#token=' }).textContent())?.trim() ?? '';
    expect(link).toMatch(/\/set-password#token=[A-Za-z0-9_-]{43}$/);
    await page.getByRole('cell', { name: 'INVITED' }).first().waitFor();
    await expectAccessible(page);

    const newcomer = await browser.page();
    await newcomer.goto(link);
    await newcomer.getByLabel('New password').fill('a long passphrase of my own');
    await newcomer.getByRole('button', { name: 'Set password and sign in' }).click();
    await newcomer.getByText(invitee).first().waitFor();

    await page.goto('/admin/audit');
    await page.getByRole('cell', { name: invitee }).first().waitFor();
    // The action in the words of the filter, not its code (USER_PASSWORD_SET).
    expect(await page.getByRole('cell', { name: 'Password set with a link' }).count()).toBeGreaterThan(0);
    await page.goto('/admin/health');
    await page
      .getByRole('cell', { name: /summarize-log/ })
      .first()
      .waitFor();
    await expectAccessible(page);
  });
});
