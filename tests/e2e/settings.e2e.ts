// Settings on the production build: every setting kept across a reload, storage usage shown,
// persistence asked for, and each kind of stored data cleared only after a second, explicit step.
import { expect, test } from '@playwright/test';
import { encodePngBytes } from '../../src/shared/image/encode-png.ts';
import { setPngText } from '../../src/shared/png/index.ts';

test('every setting persists across a reload', async ({ page }) => {
  await page.goto('/#/settings');
  await page.getByRole('radio', { name: /^fp32/ }).check();
  await page.getByRole('combobox', { name: 'WASM threads' }).selectOption('1');
  const idle = page.getByRole('spinbutton', { name: 'Release an idle worker after (minutes)' });
  await idle.fill('12');
  await idle.press('Tab');
  const safety = page.getByRole('checkbox', { name: 'Safety checker' });
  await expect(safety).toBeChecked();
  await safety.uncheck();
  await page.getByRole('radio', { name: 'WASM (CPU)' }).check();
  await expect(page.getByTestId('backend-status')).toContainText('WASM (1 thread)');

  await page.reload();
  await expect(page.getByRole('radio', { name: /^fp32/ })).toBeChecked();
  await expect(page.getByRole('combobox', { name: 'WASM threads' })).toHaveValue('1');
  await expect(idle).toHaveValue('12');
  await expect(safety).not.toBeChecked();
  await expect(page.getByRole('radio', { name: 'WASM (CPU)' })).toBeChecked();
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('nataili-web:settings') ?? '{}'));
  expect(stored).toEqual({ backend: 'wasm', precision: 'fp32', wasmThreads: 1, idleMinutes: 12, safetyChecker: false });

  // Out-of-range input falls back within bounds; a damaged entry falls back to the defaults.
  await idle.fill('5000');
  await idle.press('Tab');
  await expect(idle).toHaveValue('120');
  await page.evaluate(() => localStorage.setItem('nataili-web:settings', '{"precision":"fp8","wasmThreads":-3,"safetyChecker":"yes"'));
  await page.reload();
  await expect(page.getByRole('radio', { name: /^Best for this machine/ })).toBeChecked();
  await expect(page.getByRole('combobox', { name: 'WASM threads' })).toHaveValue('auto');
  await expect(safety).toBeChecked();
});

test('storage shows usage, and each kind clears only after a second step', async ({ page }) => {
  await page.goto('/#/gallery');
  const data = new Uint8ClampedArray(16 * 16 * 4).fill(200);
  const png = Buffer.from(setPngText(await encodePngBytes({ width: 16, height: 16, data }), { parameters: 'a grey square\nSteps: 1, Seed: 1, Size: 16x16' }));
  await page.getByTestId('gallery-import').setInputFiles({ name: 'grey.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByRole('img', { name: 'a grey square' })).toBeVisible();

  await page.getByRole('link', { name: 'Settings' }).click();
  const storage = page.getByRole('region', { name: 'Storage' });
  await expect(storage.getByTestId('storage-estimate')).toHaveText(/^\d+(\.\d)? (B|KB|MB|GB) used of \d+(\.\d)? (KB|MB|GB|TB) available to this site\.$/);
  await expect(storage.getByText(/^Gallery: 1 result, /)).toBeVisible();
  await expect(storage.getByText(/Persistent storage: (granted|not granted)/)).toBeVisible();

  // Cancel leaves everything in place and gives focus back.
  await storage.getByRole('button', { name: 'Clear gallery' }).click();
  await expect(storage.getByRole('group', { name: 'Delete every result in the gallery?' })).toBeVisible();
  await expect(storage.getByRole('button', { name: 'Yes, clear gallery' })).toBeFocused();
  await storage.getByRole('button', { name: 'Cancel' }).click();
  await expect(storage.getByRole('button', { name: 'Clear gallery' })).toBeFocused();
  await expect(storage.getByText(/^Gallery: 1 result, /)).toBeVisible();

  await storage.getByRole('button', { name: 'Clear gallery' }).click();
  await storage.getByRole('button', { name: 'Yes, clear gallery' }).click();
  await expect(storage.getByRole('status')).toHaveText('Deleted 1 result from the gallery.');
  await expect(storage.getByText(/^Gallery: 0 results, /)).toBeVisible();

  await storage.getByRole('button', { name: 'Clear embeddings' }).click();
  await storage.getByRole('button', { name: 'Yes, clear embeddings' }).click();
  await expect(storage.getByRole('status')).toHaveText(/^Cleared the embedding cache/);

  await storage.getByRole('button', { name: 'Clear models' }).click();
  await storage.getByRole('button', { name: 'Yes, clear models' }).click();
  await expect(storage.getByRole('status')).toHaveText(/^(No models were stored\.|Removed \d+ models?\.)$/);
  await expect(storage.getByRole('alert')).toHaveCount(0);

  await page.getByRole('link', { name: 'Gallery' }).click();
  await expect(page.getByText('No results yet.')).toBeVisible();
});
