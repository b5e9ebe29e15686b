// A new version deployed while the app is open: the service worker of the open tab finds it, installs
// it in the background, and the app offers to reload into it. Version A is the build in dist/, served
// by a server of this test's own; version B is that same site with a new app version written into its
// code and into sw.js's precache manifest, as a real deploy changes both.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { deploy, type Deployment } from './deploy-server.ts';

const versionA = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;
// The next patch release: 0.1.0 → 0.1.1.
const versionB = versionA.replace(/\d+$/, (patch) => String(Number(patch) + 1));

const prompt = (page: Page) => page.getByRole('alert').filter({ hasText: 'A new version of Nataili Web is ready.' });

/**
 * Deploys version B over the served folder: the one script that holds the version string gets the
 * new one, and its precache entry in sw.js a revision (the file's md5, as Workbox writes it), so the
 * browser sees a new sw.js and the new worker precaches the new file. Then checks that the open tab
 * does not notice by itself.
 */
async function deployVersionB(site: Deployment, page: Page): Promise<void> {
  const root = site.root;
  const assets = join(root, 'assets');
  const quoted = new RegExp(`(["'\`])${versionA.replaceAll('.', '\\.')}\\1`, 'g');
  const holders: { name: string; code: string }[] = [];
  for (const name of (await readdir(assets)).filter((file) => file.endsWith('.js'))) {
    const code = await readFile(join(assets, name), 'utf8');
    const count = code.match(quoted)?.length ?? 0;
    if (count > 0) holders.push({ name, code });
    if (count > 1) throw new Error(`${name} holds "${versionA}" ${count} times; the test cannot tell which is the app version.`);
  }
  if (holders.length !== 1) throw new Error(`Expected one script holding the app version "${versionA}", found: ${holders.map((h) => h.name).join(', ') || 'none'}.`);
  const { name, code } = holders[0]!;
  const next = code.replace(quoted, (_all, quote: string) => `${quote}${versionB}${quote}`);
  await writeFile(join(assets, name), next);

  const sw = await readFile(join(root, 'sw.js'), 'utf8');
  const entry = new RegExp(`(\\{url:"assets/${name.replaceAll('.', '\\.')}",revision:)(null|"[0-9a-f]+")`);
  if (!entry.test(sw)) throw new Error(`sw.js has no precache entry for assets/${name}.`);
  const revision = createHash('md5').update(next).digest('hex');
  await writeFile(join(root, 'sw.js'), sw.replace(entry, `$1"${revision}"`));

  // Left alone, the open tab does not notice: no update check, no prompt. What finds the deploy
  // next is the app's own check.
  const checks = site.swFetches;
  await page.waitForTimeout(2000);
  expect(site.swFetches).toBe(checks);
  await expect(prompt(page)).toHaveCount(0);
}

/** Opens the site and waits until its service worker controls the page, as for someone who came back. */
async function openInstalledApp(page: Page, site: Deployment): Promise<void> {
  await page.goto(`${site.url}#/settings`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first visit installs the worker; it controls the page from the next load on.
  const checks = site.swFetches;
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.getByTestId('app-version')).toHaveText(versionA);
  // The browser itself checks for a new sw.js a moment after each navigation. Wait for that check,
  // so that every check after it is the app's own.
  await expect.poll(() => site.swFetches, { timeout: 15_000 }).toBeGreaterThan(checks);
}

/**
 * A person coming back to the tab: the app then asks the server for a new sw.js. Headless Chromium
 * keeps every tab visible (switching pages fires no visibilitychange), so the event is sent here.
 * (The hourly check is not driven here: moving the page's clock on fires the app's other timers,
 * whose worker restarts make the browser check by itself; tests/unit/update-checks.test.ts has it.)
 */
async function comeBackToTab(page: Page): Promise<void> {
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
}

let site: Deployment;
test.beforeEach(async () => {
  site = await deploy();
});
test.afterEach(async () => {
  await site.close();
});
// Each test precaches the whole site (about 60 MB with ORT and the built-in models) twice.
test.setTimeout(120_000);

test('a deploy while the app is open is found, and Reload runs the new version', async ({ page }) => {
  await openInstalledApp(page, site);
  // Coming back to the tab asks the server; nothing new there yet, so no prompt.
  const checks = site.swFetches;
  await comeBackToTab(page);
  await expect.poll(() => site.swFetches, { timeout: 10_000 }).toBeGreaterThan(checks);
  await page.waitForTimeout(1000);
  await expect(prompt(page)).toHaveCount(0);

  await deployVersionB(site, page);
  await comeBackToTab(page);
  await expect(prompt(page)).toBeVisible({ timeout: 30_000 });
  // Still version A until the person says so.
  await expect(page.getByTestId('app-version')).toHaveText(versionA);

  // A mark on this document: gone after a real reload.
  await page.evaluate(() => ((window as { beforeUpdate?: boolean }).beforeUpdate = true));
  await prompt(page).getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByTestId('app-version')).toHaveText(versionB, { timeout: 30_000 });
  expect(await page.evaluate(() => (window as { beforeUpdate?: boolean }).beforeUpdate)).toBeUndefined();
  await expect(prompt(page)).toHaveCount(0);
  // The new worker controls the page, and the new version is what it has cached for offline use.
  const state = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return { controlled: navigator.serviceWorker.controller !== null, waiting: registration?.waiting ?? null };
  });
  expect(state).toEqual({ controlled: true, waiting: null });
});

test('Later hides the prompt and the open version keeps working', async ({ page }) => {
  await openInstalledApp(page, site);
  await deployVersionB(site, page);
  await comeBackToTab(page);
  await expect(prompt(page)).toBeVisible({ timeout: 30_000 });

  await prompt(page).getByRole('button', { name: 'Later' }).click();
  await expect(prompt(page)).toHaveCount(0);
  await expect(page.getByTestId('app-version')).toHaveText(versionA);
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Generate', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Generate' })).toBeVisible();

  // A reload alone keeps version A (the new worker waits while this tab uses the old one), and the
  // prompt comes back: "Later" postpones the update, it does not drop it.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Settings', exact: true }).click();
  await page.reload();
  await expect(prompt(page)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('app-version')).toHaveText(versionA);
});
