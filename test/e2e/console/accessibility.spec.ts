import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signIn } from './browser.ts';
import {
  adminToken,
  api,
  browserPerFile,
  eventually,
  expectAccessible,
  newUser,
  poisonMessageFor,
  snapshot,
} from './support.ts';

const browser = browserPerFile();

/** One of each kind of record, so that every detail page has something to show. */
let ids: { log: string; ticket: string; changelog: string };

beforeAll(async () => {
  const token = await adminToken();
  const raw = Array.from({ length: 30 }, (_, i) => {
    const time = `2025-05-01 08:${String(i).padStart(2, '0')}:00`;
    return `${time} ${i % 7 === 0 ? 'ERROR' : 'INFO'} api.Handler: request ${i} took ${i * 3} ms`;
  }).join('\n');
  const { summarizeLog } = await api<{ summarizeLog: { id: string } }>(
    'mutation($r: String!) { summarizeLog(raw: $r) { id } }',
    { r: raw },
    token,
  );
  const { triageTicket } = await api<{ triageTicket: { id: string } }>(
    'mutation { triageTicket(title: "Export to CSV loses accents", body: "Names with é come out garbled.") { id } }',
    {},
    token,
  );
  const { generateChangelog } = await api<{ generateChangelog: { id: string } }>(
    'mutation { generateChangelog(input: { commits: ["feat: export to CSV", "fix: keep accents"] }) { id } }',
    {},
    token,
  );
  ids = { log: summarizeLog.id, ticket: triageTicket.id, changelog: generateChangelog.id };
  await eventually(async () => {
    const { logEntry, ticket } = await api<{
      logEntry: { status: string };
      ticket: { triage: { status: string } };
    }>(
      'query($l: ID!, $t: ID!) { logEntry(id: $l) { status } ticket(id: $t) { triage { status } } }',
      { l: ids.log, t: ids.ticket },
      token,
    );
    return logEntry.status === 'SUCCEEDED' && ticket.triage.status === 'SUCCEEDED' ? true : undefined;
  });
});

const PAGES = (): [string, string][] => [
  ['/', 'Overview'],
  ['/logs', 'Logs'],
  [`/logs/${ids.log}`, 'Log summary'],
  ['/tickets', 'Tickets'],
  ['/tickets/review', 'Review queue'],
  [`/tickets/${ids.ticket}`, 'Export to CSV loses accents'],
  ['/changelogs', 'Changelogs'],
  [`/changelogs/${ids.changelog}`, 'Changelog'],
  ['/admin/users', 'Users and roles'],
  ['/admin/flags', 'Feature flags'],
  ['/admin/dead-letters', 'Dead letters'],
  ['/admin/health', 'System health'],
  ['/admin/audit', 'Audit log'],
];

const SIGNED_OUT: [string, string][] = [
  ['/signin', 'Sign in'],
  ['/signup', 'Create an account'],
];

/** How far the page scrolls sideways (px; 0 or less when it fits the window). */
const sidewaysOverflow = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function open(page: Page, path: string, heading: string) {
  await page.goto(path);
  await page.getByRole('heading', { level: 1, name: heading, exact: false }).waitFor();
  // Lazy parts (charts) and the first answers settle.
  await page.waitForLoadState('networkidle');
}

/** Visible, enabled controls that Tab never reaches (roving groups such as tabs keep one stop, by design). */
async function unreachableByTab(page: Page): Promise<string[]> {
  const total = await page.evaluate(() => {
    let n = 0;
    for (const el of document.querySelectorAll<HTMLElement>(
      'a[href], button, input, select, textarea, summary, [tabindex]',
    )) {
      const box = el.getBoundingClientRect();
      const folded = el.tagName !== 'SUMMARY' && el.closest('details:not([open])') !== null;
      const hidden =
        folded || box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden';
      if (hidden || el.tabIndex < 0 || el.matches(':disabled') || el.closest('[aria-hidden="true"]'))
        continue;
      el.dataset.kbd = String(n++);
    }
    return n;
  });
  const reached = new Set<string>();
  // Twice round: Tab wraps from the last control back to the first, wherever focus starts.
  for (let i = 0; i < 2 * total + 5; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.kbd);
    if (id !== undefined) reached.add(id);
  }
  return page.evaluate(
    (seen) =>
      [...document.querySelectorAll<HTMLElement>('[data-kbd]')]
        .filter((el) => !seen.includes(el.dataset.kbd ?? ''))
        .map(
          (el) =>
            `${el.tagName.toLowerCase()} "${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40)}"`,
        ),
    [...reached],
  );
}

/**
 * The status badges in a list's Status column, and those whose word does not fit (QA, 6 Dec: "DO…" for Done
 * at 390 px), whether the list scrolls sideways, and badges that start off screen.
 */
async function statusColumn(page: Page, list: string) {
  return page.getByRole('region', { name: list, exact: true }).evaluate((region) => {
    const headers = [...region.querySelectorAll('thead th')].map((th) => th.textContent?.trim());
    const column = headers.indexOf('Status');
    const badges = [...region.querySelectorAll('tbody tr')].flatMap((row) => [
      ...(row.children[column]?.querySelectorAll<HTMLElement>('.mantine-Badge-root, .mantine-Badge-label') ??
        []),
    ]);
    return {
      column,
      badges: badges.length,
      clipped: badges.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.textContent),
      offScreen: badges.filter((b) => b.getBoundingClientRect().right > window.innerWidth).length,
      scrollsSideways: region.scrollWidth > region.clientWidth,
    };
  });
}

/**
 * Controls in a table region narrower than the word or choice they show (audit at 390 px on Users: role
 * dropdowns read "Ac", Save "Sav", a status badge "AC…"): a select narrower than its longest option, a button
 * label or badge whose text overflows its box.
 */
async function squeezedControls(page: Page, list: string): Promise<string[]> {
  return page.getByRole('region', { name: list, exact: true }).evaluate((region) => {
    const squeezed: string[] = [];
    for (const select of region.querySelectorAll<HTMLSelectElement>('select')) {
      const natural = select.cloneNode(true) as HTMLSelectElement;
      natural.style.width = 'max-content';
      natural.style.position = 'absolute';
      natural.style.visibility = 'hidden';
      select.parentElement?.append(natural);
      const needed = natural.getBoundingClientRect().width;
      natural.remove();
      if (select.getBoundingClientRect().width + 1 < needed) squeezed.push(`select ${select.value}`);
    }
    for (const label of region.querySelectorAll<HTMLElement>('.mantine-Button-label, .mantine-Badge-label')) {
      if (label.scrollWidth > label.clientWidth) squeezed.push(`"${label.textContent}"`);
    }
    return squeezed;
  });
}

/**
 * Text in a table cell squeezed to a sliver: a cell narrower than 6rem whose text wraps (audit at 390 px: the
 * audit log's time over five lines, "Dec / 7, / 2026, / 5:49 / AM"; a dead letter's job id over five; a log's
 * source "bgl_2k.l|og").
 */
async function squeezedCells(page: Page, list: string): Promise<string[]> {
  return page.getByRole('region', { name: list, exact: true }).evaluate((region) => {
    const squeezed: string[] = [];
    for (const cell of region.querySelectorAll<HTMLElement>('td')) {
      const width = cell.getBoundingClientRect().width;
      if (width === 0 || width >= 96) continue;
      const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = texts.nextNode(); node; node = texts.nextNode()) {
        if (!node.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        if (lines > 1)
          squeezed.push(`"${node.textContent.trim()}" on ${lines} lines in ${Math.round(width)} px`);
      }
    }
    return squeezed;
  });
}

/**
 * What a thumb cannot hit or an eye cannot read on a phone: visible buttons, fields, selects, tabs and the
 * navigation button under 44 px tall (a checkbox or switch by its label, which toggles it), and badges whose
 * text is under 12 px. A button inside a field (the password's eye, a number's arrows) is part of the field's
 * 44 px; text links are left out (inline in a sentence, and sized by the text around them).
 */
async function smallTargets(page: Page) {
  return page.evaluate(() => {
    const shown = (el: Element) => el.checkVisibility() && el.getBoundingClientRect().height > 2;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`;
    const short: string[] = [];
    for (const el of document.querySelectorAll(
      'button:not(.mantine-Input-section *), .mantine-Input-input, [role=tab], input[type=checkbox]',
    )) {
      const target = el.matches('input[type=checkbox]')
        ? (el.closest('label') ?? (el as HTMLInputElement).labels?.[0])
        : el;
      if (!target || !shown(target)) continue;
      const height = target.getBoundingClientRect().height;
      if (height < 43.5) short.push(`${name(target)} ${Math.round(height)} px`);
    }
    const smallBadges = [...document.querySelectorAll('.mantine-Badge-root')]
      .filter((el) => shown(el) && Number.parseFloat(getComputedStyle(el).fontSize) < 12)
      .map((el) => `${name(el)} ${getComputedStyle(el).fontSize}`);
    return { short, smallBadges };
  });
}

/** The console's tables and wide lists, by page: the region each scrolls in. */
const TABLES = (): [string, string, string][] => [
  ['/admin/audit', 'Audit log', 'Audit log'],
  ['/admin/health', 'System health', 'Queues'],
  ['/admin/dead-letters', 'Dead letters', 'Messages of summarize-log'],
  ['/tickets', 'Tickets', 'Tickets'],
  ['/logs', 'Logs', 'Logs'],
  ['/changelogs', 'Changelogs', 'Changelog list'],
  ['/admin/users', 'Users and roles', 'Users'],
];

describe('accessibility and small screens', () => {
  it.each([1280, 390])(
    'has no serious or critical axe-core violation on any page, signed out or in, at %i px',
    async (width) => {
      {
        const page = await browser.page(width);
        for (const [path, heading] of [
          ['/signin', 'Sign in'],
          ['/signup', 'Create an account'],
        ] as const) {
          await open(page, path, heading);
          await expectAccessible(page);
        }
        const { email, password } = inject('admin');
        await signIn(page, email, password);
        for (const [path, heading] of PAGES()) {
          await open(page, path, heading);
          await expectAccessible(page);
          await snapshot(page, `page${path.replace(/[^a-z]+/g, '-').replace(/-[0-9a-f]{8}.*$/, '-detail')}`);
        }
      }
    },
  );

  it('fits 390 px: no page scrolls sideways (wide tables scroll inside their own region)', async () => {
    const page = await browser.page(390);
    for (const [path, heading] of SIGNED_OUT) {
      await open(page, path, heading);
      expect(await sidewaysOverflow(page), path).toBeLessThanOrEqual(0);
    }
    const { email, password } = inject('admin');
    await signIn(page, email, password);
    for (const [path, heading] of PAGES()) {
      await open(page, path, heading);
      expect(await sidewaysOverflow(page), path).toBeLessThanOrEqual(0);
    }
    // The navigation is behind a labelled button.
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page
      .getByRole('link', { name: /^Tickets/ })
      .first()
      .click();
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
  });

  it('shows whole status badges at 390 px on the tickets and logs lists, which fit without scrolling', async () => {
    const page = await browser.page(390);
    const { email, password } = inject('admin');
    await signIn(page, email, password);
    for (const [path, heading, list] of [
      ['/tickets', 'Tickets', 'Tickets'],
      ['/logs', 'Logs', 'Logs'],
    ] as const) {
      await open(page, path, heading);
      const status = await statusColumn(page, list);
      expect(status.column, path).toBeGreaterThanOrEqual(0);
      expect(status.badges, path).toBeGreaterThan(0);
      expect(status, path).toMatchObject({ clipped: [], offScreen: 0, scrollsSideways: false });
      await snapshot(page, `list${path.replace('/', '-')}`);
    }
  });

  it('keeps every control on the users list whole at 390 px: the table scrolls sideways instead', async () => {
    // Rows as the audit saw them: other people, with long addresses and each role.
    await Promise.all([newUser(), newUser('OPS'), newUser('HR')]);
    const page = await browser.page(390);
    const { email, password } = inject('admin');
    await signIn(page, email, password);
    await open(page, '/admin/users', 'Users and roles');
    await snapshot(page, 'users-390');
    await page
      .getByRole('combobox', { name: /^Role of / })
      .first()
      .waitFor();
    expect(await squeezedControls(page, 'Users')).toEqual([]);
    const scrolls = await page
      .getByRole('region', { name: 'Users', exact: true })
      .evaluate((region) => region.scrollWidth > region.clientWidth);
    expect(scrolls).toBe(true);
  });

  it.each([390, 1280])(
    'keeps every table whole at %i px: no control or badge cut, no cell squeezed, nothing off a 1280 px screen',
    async (width) => {
      // Rows as an ops engineer meets them: long e-mails in the users list and the audit log (a role changed,
      // an account disabled), a dead letter (its health row "Needs a look"), past changelogs.
      const token = await adminToken();
      const long = await newUser(undefined, 'a.rather.long.name.in.the.subsidiary');
      await api('mutation($u: ID!) { setUserRole(userId: $u, role: OPS) { id } }', { u: long.id }, token);
      await api('mutation($u: ID!) { disableUser(userId: $u) { id } }', { u: (await newUser()).id }, token);
      const { summarizeLog } = await api<{ summarizeLog: { job: { id: string } } }>(
        'mutation($r: String!) { summarizeLog(raw: $r) { job { id } } }',
        { r: '2025-03-01 10:00:00 ERROR db.Pool: connection refused' },
        token,
      );
      await poisonMessageFor(summarizeLog.job.id);
      await eventually(async () => {
        const { deadLetters } = await api<{ deadLetters: { items: unknown[] } }>(
          '{ deadLetters(kind: "summarize-log") { items { messageId } } }',
          {},
          token,
        );
        return deadLetters.items.length > 0 ? true : undefined;
      });
      try {
        const page = await browser.page(width);
        const { email, password } = inject('admin');
        await signIn(page, email, password);
        for (const [path, heading, list] of TABLES()) {
          await open(page, path, heading);
          const region = page.getByRole('region', { name: list, exact: true });
          await region.locator('tbody tr').first().waitFor();
          await snapshot(page, `table${path.replace(/\//g, '-')}`);
          expect(await squeezedControls(page, list), path).toEqual([]);
          expect(await squeezedCells(page, list), path).toEqual([]);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, path).toBeLessThanOrEqual(0);
          // On a desktop every column is on screen: the users list scrolled to reach Delete at 1280 px.
          if (width === 1280)
            expect(await region.evaluate((r) => r.scrollWidth > r.clientWidth), path).toBe(false);
        }
      } finally {
        // The admin spec counts the dead letters it makes.
        await api('mutation { purgeDeadLetters(kind: "summarize-log") { purged } }', {}, token);
      }
    },
  );

  it("shows a template's lines and values on a 390 px screen, however its table is scrolled", async () => {
    const page = await browser.page(390);
    const { email, password } = inject('admin');
    await signIn(page, email, password);
    await open(page, `/logs/${ids.log}`, 'Log summary');
    const table = page.getByRole('region', { name: /templates$/ }).first();
    // The buttons sit at the table's right end: clicking them scrolls the table sideways, as a thumb does.
    await table
      .getByRole('button', { name: /^Show lines of template/ })
      .first()
      .click();
    await table.getByTestId('template-lines').locator('.template-line').first().waitFor();
    await table
      .getByRole('button', { name: /^Show values of template/ })
      .first()
      .click();
    await table
      .getByText(/^Wildcard 1|^No wildcard values/)
      .first()
      .waitFor();
    await snapshot(page, 'log-lines-open');
    for (const scroll of ['as clicked', 'to its start', 'to its end'] as const) {
      await table.evaluate((region, to) => {
        if (to !== 'as clicked') region.scrollLeft = to === 'to its start' ? 0 : region.scrollWidth;
      }, scroll);
      // Each panel under a row (values, lines) and each line, by its left and right edge in the window.
      const offScreen = await table.evaluate((region) =>
        [...region.querySelectorAll<HTMLElement>('td[colspan] > *, .template-line')]
          .map((el) => ({ el, box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.left < -0.5 || box.right > window.innerWidth + 0.5)
          .map(
            ({ el, box }) =>
              `${el.className || el.tagName} ${Math.round(box.left)}..${Math.round(box.right)}`,
          ),
      );
      expect(offScreen, scroll).toEqual([]);
      expect(await sidewaysOverflow(page), scroll).toBeLessThanOrEqual(0);
    }
  });

  it('gives every button, field, tab and checkbox a 44 px tap height and every badge 12 px text at 390 px', async () => {
    const page = await browser.page(390);
    const checks: [string, string][] = [
      ...SIGNED_OUT,
      ['/logs', 'Logs'],
      [`/logs/${ids.log}`, 'Log summary'],
      [`/tickets/${ids.ticket}`, 'Export to CSV loses accents'],
      [`/changelogs/${ids.changelog}`, 'Changelog'],
      ['/admin/flags', 'Feature flags'],
    ];
    for (const [path, heading] of checks) {
      if (path === '/logs') await signIn(page, inject('admin').email, inject('admin').password);
      await open(page, path, heading);
      if (path.startsWith('/logs/'))
        await page
          .getByRole('button', { name: /^Show lines of template/ })
          .first()
          .click();
      expect(await smallTargets(page), path).toEqual({ short: [], smallBadges: [] });
    }
  });

  it("wraps a similar ticket's long title at 390 px instead of cutting it", async () => {
    const user = await newUser();
    const create = (t: string) =>
      api<{ triageTicket: { id: string } }>(
        'mutation($t: String!) { triageTicket(title: $t, body: $t) { id } }',
        { t },
        user.token,
      );
    const title = 'Nightly invoice export to the finance share fails with a permission error';
    await create(title);
    const copy = await create('Nightly invoice export to the finance share fails: permission denied');
    const page = await browser.page(390);
    await signIn(page, user.email, user.password);
    await page.goto(`/tickets/${copy.triageTicket.id}`);
    const link = page.getByRole('region', { name: 'Similar tickets' }).getByRole('link', { name: title });
    await link.waitFor();
    const shown = await link.evaluate((el) => ({
      cut: el.scrollWidth > el.clientWidth,
      onScreen: el.getBoundingClientRect().right <= window.innerWidth,
    }));
    expect(shown).toEqual({ cut: false, onScreen: true });
  });

  it('reaches every control with the keyboard', async () => {
    const page = await browser.page();
    const { email, password } = inject('admin');
    await signIn(page, email, password);
    for (const [path, heading] of PAGES()) {
      await open(page, path, heading);
      expect(await unreachableByTab(page), path).toEqual([]);
    }
  });
});
