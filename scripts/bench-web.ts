/**
 * `npm run bench:web`: the console's budgets (issue 17), measured, never asserted in a test.
 * - initial JavaScript: what index.html loads before the first render (entry script and its modulepreloads),
 *   gzipped as a server would send it; target ≤ 350 KB;
 * - first render: a fresh Chromium (Debian's, as in the browser tests) opening the console of a real
 *   `ai-ops start` on a temporary data dir, until the sign-in form is on screen, and, signed in, until the
 *   Logs page shows its list; target < 1 s. Other load on the machine inflates the times: read them for
 *   direction (the lead re-measures on a quiet machine).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium, newContext } from '../test/e2e/console/browser.ts';
import { startLocalProcess } from '../test/support/local-process.ts';
import { markdownTable, spread } from './bench-table.ts';
import { scratchDir } from './scratch-dir.ts';
import { scriptArgs } from './script-args.ts';

scriptArgs({ name: 'bench-web', usage: 'npm run bench:web   (no options)', options: {} });

const DIST = join(import.meta.dirname, '..', 'web', 'dist');
const RUNS = 5;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function initialAssets(): { js: string[]; css: string[] } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const attr = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1] as string);
  return {
    js: [...attr(/<script[^>]+src="([^"]+)"/g), ...attr(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)],
    css: attr(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g),
  };
}

const gzipped = (files: string[]) =>
  files.reduce((sum, file) => sum + gzipSync(readFileSync(join(DIST, file))).length, 0);

async function firstRenders(): Promise<{ signIn: number[]; logs: number[] }> {
  const dir = scratchDir('ai-ops-bench-web-');
  const server = await startLocalProcess(dir, 120_000);
  const browser = await launchChromium();
  const base = server.url.replace(/\/graphql$/, '');
  const times = { signIn: [] as number[], logs: [] as number[] };
  try {
    const admin = server.admin;
    if (!admin) throw new Error('no admin credentials');
    for (let i = 0; i < RUNS; i++) {
      const context = await newContext(browser, base);
      const page = await context.newPage();
      await page.goto('/signin');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      times.signIn.push(await page.evaluate(() => performance.now()));
      await page.getByRole('textbox', { name: 'Email' }).fill(admin.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      // A reload: a returning user opening a page of the console, signed in.
      await page.goto('/logs');
      await page.getByRole('columnheader', { name: 'Uploaded' }).waitFor();
      times.logs.push(await page.evaluate(() => performance.now()));
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

const assets = initialAssets();
const js = gzipped(assets.js);
const css = gzipped(assets.css);
const renders = await firstRenders();
const ms = (samples: number[]) => {
  const s = spread(samples);
  return `${Math.round(s.median)} ms (${Math.round(s.min)}–${Math.round(s.max)})`;
};
const signIn = spread(renders.signIn).median;
const logs = spread(renders.logs).median;
console.log(
  markdownTable(
    ['measure', 'value', 'target', 'met'],
    [
      [
        'initial JavaScript, gzipped',
        `${kb(js)} (${assets.js.length} files)`,
        '≤ 350 KB',
        js <= 350 * 1024 ? 'yes' : 'NO',
      ],
      ['initial CSS, gzipped', kb(css), '—', '—'],
      [
        `first render: sign-in form (median of ${RUNS})`,
        ms(renders.signIn),
        '< 1 s',
        signIn < 1000 ? 'yes' : 'NO',
      ],
      [
        `signed in: Logs page with its list (median of ${RUNS})`,
        ms(renders.logs),
        '< 1 s',
        logs < 1000 ? 'yes' : 'NO',
      ],
    ],
  ),
);
