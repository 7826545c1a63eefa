import { describe, expect, it } from 'vitest';
import { signIn } from './browser.ts';
import { browserPerFile, expectAccessible, newUser, snapshot } from './support.ts';

const browser = browserPerFile();

const GIT_LOG = `commit 9f2c1e0d4b5a69788766554433221100ffeeddcc
Author: Dev One <one@example.com>
Date:   Tue Mar 4 10:00:00 2025 +0100

    feat(api)!: tickets carry a project

    BREAKING CHANGE: ticket filters take a project instead of a repo

commit 8e1b0d9c3a4958776655443322110099eeddccbb
Author: Dev Two <two@example.com>
Date:   Mon Mar 3 09:00:00 2025 +0100

    fix(worker): retry when the database is resuming (#41)

commit 7d0a9c8b293847665544332211009988ddccbbaa
Author: Dev One <one@example.com>
Date:   Sun Mar 2 08:00:00 2025 +0100

    perf: stream large logs
`;

describe('changelogs in the console', () => {
  it('generates release notes from git log output, previews them and copies the Markdown', async () => {
    const pm = await newUser();
    const page = await browser.page();
    await signIn(page, pm.email, pm.password);
    await page.goto('/changelogs');
    await page.getByRole('textbox', { name: 'Commits, newest first' }).fill(GIT_LOG);
    await page.getByText('3 commits recognised').waitFor();
    await page.getByRole('textbox', { name: 'Previous version (optional)' }).fill('1.4.2');
    await page.getByRole('button', { name: 'Generate' }).click();

    await page.getByRole('heading', { name: '1.4.2 → 2.0.0' }).waitFor();
    expect(await page.getByTestId('changelog-bump').innerText()).toMatch(/major bump/i);
    for (const section of ['Features', 'Bug Fixes', 'Performance Improvements']) {
      await page.getByRole('heading', { level: 3, name: section }).waitFor();
    }
    await expectAccessible(page);
    await snapshot(page, 'changelog');

    await page.getByRole('button', { name: 'Copy Markdown' }).click();
    await page.getByText('Copied to the clipboard').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('2.0.0');
    expect(copied).toContain('tickets carry a project');
    expect(copied).toContain('retry when the database is resuming');
    // It is listed with the past changelogs.
    await page.getByRole('link', { name: '2.0.0' }).waitFor();
  });
});
