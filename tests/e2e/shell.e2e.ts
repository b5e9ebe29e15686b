import { expect, test } from '@playwright/test';

test('the app is cross-origin isolated and shows the chosen backend', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Generate' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const status = page.getByTestId('backend-status');
  // The test browser has a software WebGPU adapter (SwiftShader) and no shader-f16.
  await expect(status).toContainText('WebGPU fp32 on');
  await expect(status).toContainText('lacks shader-f16');
});

test('every page is reachable by keyboard', async ({ page }) => {
  await page.goto('/');
  const pages = ['Generate', 'Post-process', 'Interrogate', 'Train', 'Models', 'Gallery', 'Settings'];
  for (const name of pages) {
    const link = page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: true });
    await link.focus();
    await expect(link).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(link).toHaveAttribute('aria-current', 'page');
    await expect(page).toHaveURL(new RegExp(`#/${name.toLowerCase()}$`));
  }
});

test('the skip link is the first stop and leads to the content', async ({ page }) => {
  await page.goto('/#/models');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
});

test('the backend override in Settings persists and changes the status', async ({ page }) => {
  await page.goto('/#/settings');
  await page.getByRole('radio', { name: 'WASM (CPU)' }).check();
  const status = page.getByTestId('backend-status');
  await expect(status).toContainText('because Settings ask for WASM');
  await page.reload();
  await expect(page.getByRole('radio', { name: 'WASM (CPU)' })).toBeChecked();
  await expect(status).toContainText('because Settings ask for WASM');
  await page.getByRole('radio', { name: /Automatic/ }).check();
  await expect(status).toContainText('WebGPU fp32 on');
});

test("every page fits a phone's width: nothing widens it into sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const id of ['generate', 'post-process', 'interrogate', 'train', 'models', 'gallery', 'settings']) {
    await page.goto(`/#/${id}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // The backend line and the Settings page's machine report arrive late and are the longest texts.
    await expect(page.getByTestId('backend-status')).not.toContainText('Checking');
    if (id === 'settings') await expect(page.getByRole('heading', { name: 'This machine' }).locator('..')).not.toContainText('Checking');
    // Model lists arrive from the workers, and a select grows to its longest option: measure once every list is in.
    await page.waitForFunction(() => [...document.querySelectorAll('select')].every((select) => select.options.length > 1));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `#/${id} is ${width} px wide at 390`).toBeLessThanOrEqual(390);
  }
});
