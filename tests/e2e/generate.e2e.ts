// The Generate page in the built app: its controls by their accessible names, a model opened
// from files (the tiny fixtures), a 64×64 txt2img run with progress and a result carrying its
// settings, and Cancel stopping a long run between steps.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { DEFAULT_FIXTURE_DIR, writeTinyModels } from '../../scripts/tiny-models/index.ts';

const files = ['sd-text-encoder', 'sd-unet', 'sd-vae-decoder', 'sd-vae-encoder', 'safety-checker'].map((name) => join(DEFAULT_FIXTURE_DIR, `${name}.onnx`));

test.beforeAll(() => {
  writeTinyModels();
});

async function openTinyModel(page: Page): Promise<void> {
  await page.goto('/#/generate');
  await page.getByLabel('Open model files…').setInputFiles(files);
  await expect(page.getByRole('status').filter({ hasText: 'is ready' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('combobox', { name: 'Width' }).selectOption('64');
  await page.getByRole('combobox', { name: 'Height' }).selectOption('64');
}

test('the controls have their names', async ({ page }) => {
  await page.goto('/#/generate');
  for (const name of ['Prompt', 'Negative prompt']) await expect(page.getByRole('textbox', { name, exact: true })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Sampler' })).toBeVisible();
  for (const name of ['Steps', 'Seed']) await expect(page.getByRole('spinbutton', { name, exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Generate' })).toBeDisabled(); // no model yet
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeDisabled();
});

test('generates from opened model files and lists the result with its settings', async ({ page }) => {
  test.setTimeout(180_000);
  await openTinyModel(page);
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('a lighthouse at dusk');
  await page.getByRole('combobox', { name: 'Sampler' }).selectOption('k_euler');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('3');
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('1234');
  await page.getByRole('button', { name: 'Generate' }).click();
  const results = page.getByRole('region', { name: 'Results' });
  await expect(results.getByRole('img')).toHaveCount(1, { timeout: 150_000 });
  await expect(results).toContainText('k_euler, 3 steps, CFG 7.5, seed 1234, 64×64');
  await expect(page.getByRole('status').filter({ hasText: /1 image in/ })).toBeVisible();
});

test('Cancel stops a long run between steps', async ({ page }) => {
  test.setTimeout(180_000);
  await openTinyModel(page);
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('150');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByText(/step \d+ of 150/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('img', { name: /Live preview/ })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Cancelled.' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Generate' })).toBeEnabled();
});
