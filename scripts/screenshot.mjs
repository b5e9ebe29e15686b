// Screenshots of the built app for the README and for checking pages by eye:
// `node scripts/screenshot.mjs [page ...]` serves dist/ and writes docs/screenshots/<page>-<width>.png.
// The Gallery's pictures need generated results, so tests/e2e/generate.e2e.ts takes those.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { chromiumArgs, findChromium } from './chromium.mjs';

/**
 * A port nothing listens on. A fixed one was shared with other checkouts' servers, and the pictures
 * then showed whichever build answered first.
 */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = probe.address();
  await new Promise((resolve) => probe.close(() => resolve(undefined)));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

const port = await freePort();
const pages = process.argv.slice(2).length ? process.argv.slice(2) : ['settings'];
/** @type {Record<string, [number, number]>} */
const widths = { laptop: [1280, 800], phone: [390, 844] };

const server = spawn('node', ['scripts/serve.mjs'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
let stopping = false;
server.on('exit', (code) => {
  if (code && !stopping) console.error(`scripts/serve.mjs stopped (exit ${code}); no screenshots taken from it.`);
});
try {
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    if (await fetch(base).then((r) => r.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  mkdirSync('docs/screenshots', { recursive: true });
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
  for (const [label, [width, height]] of Object.entries(widths)) {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: 'dark' });
    const page = await context.newPage();
    for (const name of pages) {
      await page.goto(`${base}#/${name}`);
      await page.getByTestId('backend-status').filter({ hasNotText: 'Checking' }).waitFor();
      // Model lists come from the workers after the page shows: wait for every select to have them.
      await page.waitForFunction(() => [...document.querySelectorAll('select')].every((select) => select.options.length > 1));
      await page.screenshot({ path: `docs/screenshots/${name}-${label}.png` });
    }
    await context.close();
  }
  await browser.close();
  console.log(`screenshots in docs/screenshots/ for ${pages.join(', ')}`);
} finally {
  stopping = true;
  server.kill();
}
