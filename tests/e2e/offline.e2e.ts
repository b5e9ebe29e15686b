import { expect, test } from '@playwright/test';

test('the installed app reloads and works offline', async ({ page, context }) => {
  await page.goto('/');
  // The service worker installs once the shell and onnxruntime-web's wasm are precached.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toBeVisible({ timeout: 30_000 });

  const manifest = await page.evaluate(async () => (await fetch('manifest.webmanifest')).json());
  expect(manifest.icons.map((icon: { sizes: string }) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Generate' })).toBeVisible();
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('backend-status')).toContainText('WebGPU');

  // onnxruntime-web's wasm comes from the precache, not the network.
  const wasm = await page.evaluate(async () => {
    const response = await fetch('ort/ort-wasm-simd-threaded.jsep.wasm');
    return { ok: response.ok, size: (await response.arrayBuffer()).byteLength };
  });
  expect(wasm.ok).toBe(true);
  expect(wasm.size).toBeGreaterThan(1_000_000);

  // Navigation between pages still works offline.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});
