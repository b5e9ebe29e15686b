// The killed-worker path in the built app: a long Generate job whose worker dies mid-run (closed
// from inside, as a crash or the browser reclaiming memory would end it) leaves an alert with the
// crash message and "Try again"; the retry hands a fresh worker the opened model files and the
// job completes. The same on Post-process, where the retry keeps the tile size the job had.
import { expect, test, type Page, type Worker } from '@playwright/test';
import { join } from 'node:path';
import { DEFAULT_FIXTURE_DIR, writeTinyModels } from '../../scripts/tiny-models/index.ts';
import { openTiledUpscale, TILES } from './tiled-upscale.ts';

const files = ['sd-text-encoder', 'sd-unet', 'sd-vae-decoder', 'sd-vae-encoder', 'safety-checker'].map((name) => join(DEFAULT_FIXTURE_DIR, `${name}.onnx`));

test.beforeAll(() => {
  writeTinyModels();
});

/** The page's worker whose script is the built `<kind>.worker` entry. */
async function workerOf(page: Page, kind: string): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => w.url().includes(`${kind}.worker`)), { message: `a ${kind} worker` }).toBe(true);
  return page.workers().find((w) => w.url().includes(`${kind}.worker`))!;
}

test('a Generate job whose worker dies offers Try again, which completes it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/#/generate');
  await page.getByLabel('Open model files…').setInputFiles(files);
  await expect(page.getByRole('status').filter({ hasText: 'is ready' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('combobox', { name: 'Width' }).selectOption('64');
  await page.getByRole('combobox', { name: 'Height' }).selectOption('64');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('30');
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('7');
  const alert = page.getByRole('alert').filter({ hasText: 'worker' });

  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByText(/step \d+ of 30/)).toBeVisible({ timeout: 60_000 });
  const worker = await workerOf(page, 'generate');
  // Not awaited: the worker is gone before it could answer.
  void worker.evaluate(() => self.close()).catch(() => undefined);

  await expect(alert).toContainText('The generate worker stopped unexpectedly', { timeout: 30_000 });
  await expect(alert).toContainText('a fresh worker will start');
  await expect(alert.getByRole('button', { name: 'Dismiss' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('img')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Generate' })).toBeEnabled();

  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(alert).toHaveCount(0);
  const results = page.getByRole('region', { name: 'Results' });
  await expect(results.getByRole('img')).toHaveCount(1, { timeout: 200_000 });
  await expect(results).toContainText('30 steps');
  await expect(results).toContainText('seed 7, 64×64');
  await expect(page.getByRole('status').filter({ hasText: /1 image in/ })).toBeVisible();
});

test('a Post-process job whose worker dies offers Try again, which upscales with the same settings', async ({ page }) => {
  test.setTimeout(240_000);
  await openTiledUpscale(page);
  const alert = page.getByRole('alert').filter({ hasText: 'worker' });

  await page.getByRole('button', { name: 'Upscale', exact: true }).click();
  await expect(page.getByText(new RegExp(`^Tile [1-4] of ${TILES}$`))).toBeVisible({ timeout: 60_000 });
  void (await workerOf(page, 'postprocess')).evaluate(() => self.close()).catch(() => undefined);

  await expect(alert).toContainText('The postprocess worker stopped unexpectedly', { timeout: 30_000 });
  // A crash is no out-of-memory: no smaller-tile way is offered for it.
  await expect(alert.getByRole('button')).toHaveText(['Try again', 'Dismiss']);
  await expect(page.getByRole('img', { name: 'Result' })).toHaveCount(0);

  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(alert).toHaveCount(0);
  await expect(page.getByRole('img', { name: 'Result' })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('status').filter({ hasText: new RegExp(`^Done: 1024×1024 · ${TILES} tiles of `) })).toBeVisible();
  await expect(page.getByLabel('Tile size')).toHaveValue('64');
});
