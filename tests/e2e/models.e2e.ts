// The Models page on the production build: the built-in upscalers, import through the file
// input, download with a progress bar and cancel (from the fault-injecting server, through a
// catalog file), remove with a confirm, storage usage and persistence, a quota message that
// names the space needed, catalog text shown as text, and every action reachable by keyboard.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startModelServer, type ModelServer } from '../servers/model-server.ts';
import { testEntry } from '../servers/fixtures.ts';

const BUILTIN = ['realesr-animevideov3-x4', 'realesr-animevideov3-x3', 'realesr-animevideov3-x2'];
const X4_FILE = 'dist/models/builtin/realesr-animevideov3-x4.onnx';

let server: ModelServer;
test.beforeAll(async () => {
  server = await startModelServer();
});
test.afterAll(async () => {
  await server.close();
});

function row(page: Page, name: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) }) });
}

async function openModels(page: Page): Promise<void> {
  await page.goto('/#/models');
  await expect(page.getByRole('heading', { level: 1, name: 'Models' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Upscalers (Real-ESRGAN)' })).toBeVisible();
}

/** A catalog file (as the file input takes it) with one model served by the fault server. */
async function catalogFile(name: string, description: string, faults: string) {
  const entry = await testEntry(server.url, name, [{ path: 'model', size: 3 * 1024 * 1024, seed: 7, faults }]);
  const catalog = { [name]: { ...entry, description } };
  return { name: `${name}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(catalog)) };
}

test('lists the built-in upscalers, imports one through the file input, shows storage, removes it', async ({ page }) => {
  await openModels(page);
  const upscalers = page.getByRole('region', { name: 'Upscalers (Real-ESRGAN)' });
  await expect(upscalers.getByRole('columnheader')).toHaveText(['Model', 'Description', 'Size', 'Status', 'Actions']);
  for (const name of BUILTIN) {
    await expect(row(page, name)).toContainText('Ships with the app; not installed');
    await expect(row(page, name).getByRole('button', { name: `Download ${name} (fp32)` })).toBeVisible();
  }
  await expect(page.getByTestId('storage-usage')).toContainText(/ of .+ used .+ free · 0 models installed/);
  await expect(page.getByText(/Persistent storage: (granted|not granted)/)).toBeVisible();

  await page.getByLabel('Import model files').setInputFiles(X4_FILE);
  await expect(page.getByRole('status').filter({ hasText: 'Import finished' })).toContainText('ready: realesr-animevideov3-x4 (fp32)');
  await expect(row(page, 'realesr-animevideov3-x4')).toContainText('Installed (fp32)');
  await expect(page.getByTestId('storage-usage')).toContainText('1 model installed');

  // Survives a reload: stored in IndexedDB, verified.
  await page.reload();
  await expect(row(page, 'realesr-animevideov3-x4')).toContainText('Installed (fp32)');

  const x4 = row(page, 'realesr-animevideov3-x4');
  await x4.getByRole('button', { name: 'Remove realesr-animevideov3-x4' }).click();
  const confirm = x4.getByRole('button', { name: 'Yes, remove realesr-animevideov3-x4' });
  await expect(confirm).toBeFocused();
  await confirm.click();
  await expect(x4).toContainText('Ships with the app; not installed');
  await expect(page.getByTestId('storage-usage')).toContainText('0 models installed');
});

test('an import-only model (CoCa) offers no download, says how to make its files, and installs from them', async ({ page }) => {
  await openModels(page);
  const coca = row(page, 'coca_ViT-L-14');
  await expect(coca).toContainText('import only');
  await expect(coca).toContainText('Import only: no download exists; import your own export');
  await expect(coca.getByRole('button', { name: /^Download/ })).toHaveCount(0);
  await coca.getByText('How to get the files').click();
  await expect(coca).toContainText('scripts/export/coca_onnx.py');
  await expect(coca).toContainText('coca_vision_model.onnx: inputs pixel_values, outputs image_embeds, image_tokens');
  await expect(coca).toContainText('coca_text_decoder.onnx: inputs input_ids, image_tokens, outputs logits');

  // Its hashes cannot be published: the user accepts the files, and their hashes are pinned.
  await page.getByLabel(/Accept files the catalog has no sha256 for/).check();
  const file = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(`not a real ${name}`) });
  await page.getByLabel('Import model files').setInputFiles([file('coca_vision_model.onnx'), file('coca_text_decoder.onnx')]);
  await expect(page.getByRole('status').filter({ hasText: 'Import finished' })).toContainText('coca_ViT-L-14 (fp32)');
  await expect(coca).toContainText('Installed (fp32)');
});

test('downloads from a loaded catalog with a progress bar and cancel, then resumes; catalog text stays text', async ({ page }) => {
  await openModels(page);
  const name = `e2e-slow-${Date.now().toString(36)}`;
  const hostile = '<img src=x onerror="window.__pwned = 1"> <b>not bold</b>';
  await page.getByLabel('Catalog file').setInputFiles(await catalogFile(name, hostile, 'trickle=65536&tick=40'));
  await expect(page.getByRole('status').filter({ hasText: 'Catalog' })).toContainText('1 model added');
  const model = row(page, name);
  await expect(model).toContainText(hostile);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.getByRole('region', { name: 'Load catalog' }).getByText(`${name}.json`, { exact: true })).toBeVisible();

  await model.getByRole('button', { name: `Download ${name} (fp32)` }).click();
  const bar = model.getByRole('progressbar', { name: `Downloading ${name}` });
  await expect(bar).toBeVisible();
  await expect(model).toContainText(/[\d.]+ [kM]B of 3\.1 MB · [\d.]+ [kM]B\/s/);
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 20_000 }).toBeGreaterThan(300_000);
  await model.getByRole('button', { name: `Cancel download of ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'cancelled' })).toBeVisible();
  await expect(model).toContainText('Partly downloaded');

  await model.getByRole('button', { name: `Resume ${name} (fp32)` }).click();
  await expect(model).toContainText('Installed (fp32)', { timeout: 30_000 });
  await expect(page.getByRole('alert')).toBeEmpty();

  // Forgetting the catalog (after a confirm) takes its model off the list and out of storage.
  await page.getByRole('button', { name: `Forget catalog ${name}.json` }).click();
  await page.getByRole('button', { name: `Yes, forget ${name}.json` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'forgotten' })).toContainText(`removed its stored models: ${name}`);
  await expect(model).toHaveCount(0);
});

test('a dropped model file is imported like a picked one', async ({ page }) => {
  await openModels(page);
  // A drop as the browser delivers it: a DataTransfer holding the file.
  const transfer = await page.evaluateHandle(async () => {
    const bytes = await (await fetch('models/builtin/realesr-animevideov3-x3.onnx')).arrayBuffer();
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'realesr-animevideov3-x3.onnx'));
    return data;
  });
  const zone = page.getByRole('group', { name: 'Drop zone for model files' });
  await zone.dispatchEvent('dragover', { dataTransfer: transfer });
  await zone.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByRole('status').filter({ hasText: 'Import finished' })).toContainText('ready: realesr-animevideov3-x3 (fp32)');
  await expect(row(page, 'realesr-animevideov3-x3')).toContainText('Installed (fp32)');
});

test('a model that does not fit gives a message with the space needed', async ({ page, context }) => {
  await openModels(page);
  const cdp = await context.newCDPSession(page);
  const origin = new URL(page.url()).origin;
  // Chromium then refuses writes past 1 MB, while the worker's estimate may still report room:
  // either way the message names the model and the space it takes.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1_000_000 });
  await row(page, 'realesr-animevideov3-x4').getByRole('button', { name: 'Download realesr-animevideov3-x4 (fp32)' }).click();
  await expect(page.getByRole('alert')).toContainText(/Not enough storage for realesr-animevideov3-x4: (about [\d.]+ [kM]B more is needed|it needs 2\.5 MB)/);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toBeEmpty();
  await expect(row(page, 'realesr-animevideov3-x4')).toContainText('not installed');
});

test('the Models page works by keyboard: download, remove with confirm, persistence request', async ({ page }) => {
  await openModels(page);
  const download = page.getByRole('button', { name: 'Download realesr-animevideov3-x2 (fp32)' });
  await page.getByRole('heading', { level: 1, name: 'Models' }).focus();
  // Tab from the page heading until the row's Download button: it is in the tab order.
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await download.evaluate((button) => button === document.activeElement);
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Enter');
  const x2 = row(page, 'realesr-animevideov3-x2');
  await expect(x2).toContainText('Installed (fp32)');

  const remove = x2.getByRole('button', { name: 'Remove realesr-animevideov3-x2' });
  await remove.focus();
  await page.keyboard.press('Enter');
  await expect(x2.getByRole('button', { name: 'Yes, remove realesr-animevideov3-x2' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(x2).toContainText('not installed');

  const persist = page.getByRole('button', { name: 'Request persistent storage' });
  if (await persist.isVisible()) {
    await persist.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: /persistent storage/i })).toBeVisible();
  }
});
