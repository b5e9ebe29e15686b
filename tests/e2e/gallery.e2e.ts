// The Gallery page on the production build: a PNG carrying A1111 parameters imported, found by
// search, downloaded with the same parameters, filling the Generate form; a prompt that looks
// like HTML shown as text; zip export and import; two tabs importing at once; and storage running
// out (Chromium's quota override), which refuses the new result with its size and deletes nothing.
import { expect, test, type Page } from '@playwright/test';
import { encodePngBytes } from '../../src/shared/image/encode-png.ts';
import { getPngText, parametersFromPng, parseParameters, setPngText } from '../../src/shared/png/index.ts';

const PARAMETERS =
  'a lighthouse at dusk, oil painting\nNegative prompt: blurry, text\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 123456789, Size: 64x48, Model: stable_diffusion, Lora hashes: "glow: 0a1b, fog: 2c3d"';
const HOSTILE = '<img src=x onerror=alert(1)><b>bold</b> fox';

/** A PNG of `width`×`height` (noise when `noisy`, so it does not compress) with a `parameters` text. */
async function pngWith(parameters: string, width = 64, height = 48, noisy = false): Promise<Buffer> {
  const data = new Uint8ClampedArray(width * height * 4);
  let seed = 7;
  for (let i = 0; i < data.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : noisy ? seed >>> 24 : (i * 3) % 256;
  }
  return Buffer.from(setPngText(await encodePngBytes({ width, height, data }), { parameters }));
}

const picker = (page: Page) => page.getByTestId('gallery-import');
const cards = (page: Page) => page.getByRole('region', { name: 'Results' }).getByRole('listitem');

async function importPng(page: Page, name: string, bytes: Buffer): Promise<void> {
  await picker(page).setInputFiles({ name, mimeType: 'image/png', buffer: bytes });
  await expect(page.getByRole('status').filter({ hasText: 'Imported 1 result' })).toBeVisible();
}

test.beforeEach(async ({ page }) => {
  await page.goto('/#/gallery');
  await expect(page.getByRole('heading', { level: 1, name: 'Gallery' })).toBeVisible();
});

test('a PNG with A1111 parameters goes in, is found, comes out with the same parameters, and fills Generate', async ({ page }) => {
  await expect(page.getByText('No results yet.')).toBeVisible();
  await importPng(page, 'lighthouse.png', await pngWith(PARAMETERS));
  const card = cards(page).first();
  await expect(card.getByRole('img', { name: 'a lighthouse at dusk, oil painting' })).toBeVisible();
  await card.getByText('Parameters', { exact: true }).click();
  await expect(card.getByText('DPM++ 2M Karras')).toBeVisible();
  await expect(card.getByText('glow: 0a1b, fog: 2c3d')).toBeVisible();

  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('LIGHTHOUSE oil');
  await expect(page.getByTestId('gallery-count')).toHaveText('1 result found');
  await search.fill('submarine');
  await expect(page.getByText('No results match “submarine”.')).toBeVisible();
  await search.fill('');
  await expect(cards(page)).toHaveCount(1);

  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^nataili-generate-\d{8}-\d{6}-[0-9a-f]{8}\.png$/);
  const bytes = new Uint8Array(await (await download.createReadStream()).toArray().then((parts) => Buffer.concat(parts)));
  expect(getPngText(bytes, 'parameters')).toBe(PARAMETERS);
  expect(parametersFromPng(bytes)).toEqual(parseParameters(PARAMETERS));

  await card.getByRole('button', { name: 'Use parameters' }).click();
  await expect(page).toHaveURL(/#\/generate$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Generate' })).toBeVisible();
  // The Generate form takes what it offers and names the rest (this size and model are not offered).
  await expect(page.getByRole('textbox', { name: 'Prompt', exact: true })).toHaveValue('a lighthouse at dusk, oil painting');
  await expect(page.getByRole('textbox', { name: 'Negative prompt', exact: true })).toHaveValue('blurry, text');
  await expect(page.getByRole('combobox', { name: 'Sampler' })).toHaveValue('k_dpmpp_2m_karras');
  await expect(page.getByRole('spinbutton', { name: 'Steps', exact: true })).toHaveValue('30');
  await expect(page.getByRole('spinbutton', { name: 'Seed', exact: true })).toHaveValue('123456789');
  await expect(page.getByRole('main').getByRole('status')).toHaveText(
    "Settings filled in from the image's parameters; not used: height 48, model stable_diffusion (not available here).",
  );
  expect(await page.evaluate(() => sessionStorage.getItem('nataili-web:generate-parameters'))).toBeNull();

  await page.goto('/#/gallery');
  await cards(page).first().getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByText('No results yet.')).toBeVisible();
});

test('a prompt that looks like HTML is shown as text', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await importPng(page, 'hostile.png', await pngWith(`${HOSTILE}\nSteps: 1, Seed: 1, Size: 64x48`));
  const card = cards(page).first();
  await expect(card.getByText(HOSTILE, { exact: true })).toBeVisible();
  await expect(card.getByRole('img', { name: HOSTILE })).toBeVisible();
  await expect(card.locator('b')).toHaveCount(0);
  expect(dialogs).toBe(0);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
});

test('exports a zip and imports it back; two tabs importing at once both land, and each tab sees the other', async ({ page, context }) => {
  const other = await context.newPage();
  await other.goto('/#/gallery');
  await Promise.all([
    picker(page).setInputFiles({ name: 'one.png', mimeType: 'image/png', buffer: await pngWith('first tab image\nSteps: 2, Seed: 1, Size: 64x48') }),
    picker(other).setInputFiles({ name: 'two.png', mimeType: 'image/png', buffer: await pngWith('second tab image\nSteps: 2, Seed: 2, Size: 64x48') }),
  ]);
  // Each tab shows both: its own import, and the other's through the gallery's BroadcastChannel.
  for (const tab of [page, other]) await expect(cards(tab)).toHaveCount(2);
  await other.close();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export all' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^nataili-gallery-\d{8}-\d{6}\.zip$/);
  const zip = Buffer.concat(await (await download.createReadStream()).toArray());
  await expect(page.getByRole('status').filter({ hasText: 'Exported 2 results' })).toBeVisible();

  for (let i = 0; i < 2; i++) {
    await cards(page).first().getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
  }
  await expect(page.getByText('No results yet.')).toBeVisible();
  await picker(page).setInputFiles({ name: 'gallery.zip', mimeType: 'application/zip', buffer: zip });
  await expect(page.getByRole('status').filter({ hasText: 'Imported 2 results' })).toBeVisible();
  await expect(cards(page).getByRole('img')).toHaveText(['', '']);
  await expect(page.getByRole('img', { name: 'first tab image' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'second tab image' })).toBeVisible();
  await picker(page).setInputFiles({ name: 'gallery.zip', mimeType: 'application/zip', buffer: zip });
  await expect(page.getByRole('status').filter({ hasText: 'Imported 0 results, 2 already in the gallery.' })).toBeVisible();
});

test('a full quota refuses the new result with its size, and deletes nothing', async ({ page, context }) => {
  // Chromium reads an origin's quota when its IndexedDB opens, so the override comes first: room for
  // the small result (and the app's own databases), not for a 640×480 one full of noise (~1 MB).
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 600_000 });
  try {
    await page.goto('/#/gallery');
    await importPng(page, 'kept.png', await pngWith('kept before the disk filled\nSteps: 3, Seed: 3, Size: 64x48'));
    await picker(page).setInputFiles({ name: 'too-big.png', mimeType: 'image/png', buffer: await pngWith('this one does not fit\nSteps: 3, Seed: 4, Size: 640x480', 640, 480, true) });
    const alert = page.getByRole('alert');
    await expect(alert).toContainText(/Storage is full: the browser refused to keep this result \((\d+ KB|\d\.\d MB)\)/);
    await expect(alert).toContainText('Nothing in the gallery was deleted.');
    await expect(cards(page)).toHaveCount(1);
    await expect(page.getByRole('img', { name: 'kept before the disk filled' })).toBeVisible();
  } finally {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  }
  await page.reload();
  await expect(cards(page)).toHaveCount(1);
});

test('an upscale on the Post-process page lands in the gallery with its model, and keeps the source prompt', async ({ page }) => {
  test.setTimeout(120_000);
  // A generated 32×32 picture: its parameters travel with the upscale.
  const source = await pngWith('a troll, pencil sketch\nSteps: 9, Seed: 5, Size: 32x32', 32, 32);
  const nav = page.getByRole('navigation', { name: 'Pages' });
  await nav.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'WASM (CPU)' }).check();
  await nav.getByRole('link', { name: 'Post-process' }).click();
  await page.getByLabel('Image').setInputFiles({ name: 'troll.png', mimeType: 'image/png', buffer: source });
  await page.getByRole('button', { name: 'Upscale', exact: true }).click();
  await expect(page.getByRole('img', { name: 'Result' })).toBeVisible({ timeout: 90_000 });

  await nav.getByRole('link', { name: 'Gallery' }).click();
  const card = cards(page).first();
  await expect(card.getByRole('img', { name: 'a troll, pencil sketch' })).toBeVisible();
  await expect(card.getByText(/^Upscaled · .* · 128×128$/)).toBeVisible();
  await card.getByText('Parameters', { exact: true }).click();
  await expect(card.getByText('realesr-animevideov3-x4')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download' }).click()]);
  const bytes = new Uint8Array(Buffer.concat(await (await download.createReadStream()).toArray()));
  expect(getPngText(bytes, 'postprocessing')).toBe('Postprocess model: realesr-animevideov3-x4, Upscale by: 4');
  expect(parametersFromPng(bytes)?.prompt).toBe('a troll, pencil sketch');
});
