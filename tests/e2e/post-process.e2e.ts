import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openTiledUpscale, TILES } from './tiled-upscale.ts';

// A real 32×32 picture (troll-head-128 shrunk 4×, public domain; see tests/fixtures/images/README.md).
const picture = readFileSync(new URL('../fixtures/images/ncnn-reference/troll-32.png', import.meta.url));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('offline, the built app upscales a picture with the built-in model and downloads the PNG', async ({ page, context }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toBeVisible({ timeout: 30_000 });

  // The model file has never been fetched by the page: it must come from the service worker's precache.
  await context.setOffline(true);
  await page.reload();
  // WASM keeps the run short on the test machine's software WebGPU adapter.
  const nav = page.getByRole('navigation', { name: 'Pages' });
  await nav.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'WASM (CPU)' }).check();
  await nav.getByRole('link', { name: 'Post-process' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Post-process' })).toBeVisible();

  await expect(page.getByLabel('Model')).toHaveValue('realesr-animevideov3-x4');
  const upscale = page.getByRole('button', { name: 'Upscale', exact: true });
  await expect(upscale).toBeDisabled();
  await page.getByLabel('Image').setInputFiles({ name: 'troll.png', mimeType: 'image/png', buffer: picture });
  await expect(page.getByRole('img', { name: 'Original' })).toBeVisible();
  await upscale.click();

  const result = page.getByRole('img', { name: 'Result' });
  await expect(result).toBeVisible({ timeout: 90_000 });
  expect(await result.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([128, 128]);
  await expect(page.getByRole('status').filter({ hasText: 'Done: 128×128' })).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Compare' })).toBeVisible();

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('troll-realesr-animevideov3-x4-x4.png');
  const path = await download.path();
  expect(pngSize(readFileSync(path))).toEqual([128, 128]);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
});

test('progress counts tiles, and Cancel stops the job', async ({ page }) => {
  test.setTimeout(120_000);
  await openTiledUpscale(page);
  await page.getByRole('button', { name: 'Upscale', exact: true }).click();
  await expect(page.getByText(new RegExp(`^Tile [1-4] of ${TILES}$`))).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('progressbar', { name: 'Progress' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Cancelled.' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Result' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Upscale', exact: true })).toBeEnabled();
});

test('a file that is not an image gives a clear message in an alert', async ({ page }) => {
  await page.goto('/#/post-process');
  await page.getByLabel('Image').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('a photo of a cat\n') });
  await page.getByRole('button', { name: 'Upscale', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('not an image: it looks like a text file');
});

test('restoring faces asks for the catalog models to be downloaded first', async ({ page }) => {
  await page.goto('/#/post-process');
  await page.getByRole('radio', { name: /Restore faces/ }).check();
  await expect(page.getByRole('button', { name: 'Restore faces', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Download GFPGAN/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Download YuNet \(0\.2 MB\)/ })).toBeVisible();
  await expect(page.getByLabel('Background upscaler')).toHaveValue('');
});
