// Screenshots of the built app for the README and for checking pages by eye:
// `node scripts/screenshot.mjs [page ...]` serves dist/ and writes docs/screenshots/<page>-<width>.png.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumArgs, findChromium } from './chromium.mjs';

const port = 4391;
const pages = process.argv.slice(2).length ? process.argv.slice(2) : ['settings'];
/** @type {Record<string, [number, number]>} */
const widths = { laptop: [1280, 800], phone: [390, 844] };

const server = spawn('node', ['scripts/serve.mjs'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
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
      await page.screenshot({ path: `docs/screenshots/${name}-${label}.png` });
    }
    await context.close();
  }
  await browser.close();
  console.log(`screenshots in docs/screenshots/ for ${pages.join(', ')}`);
} finally {
  server.kill();
}
