// The Generate page in the built app: its controls by their accessible names, a model opened
// from files (the tiny fixtures), a 64×64 txt2img run with progress and a result carrying its
// settings, and Cancel stopping a long run between steps. Then the journey through the Gallery:
// the result there with its parameters, back to the form by "Use parameters" and by dropping its
// downloaded PNG, and files that carry no parameters changing nothing.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { join } from 'node:path';
import { DEFAULT_FIXTURE_DIR, writeTinyModels } from '../../scripts/tiny-models/index.ts';
import { encodePngBytes } from '../../src/shared/image/encode-png.ts';
import { parametersFromPng, setPngText } from '../../src/shared/png/index.ts';

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

test("the page fits a phone's width: no control widens it into sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/#/generate');
  await expect(picker(page)).toBeVisible();
  // File inputs and fieldsets ask for their content's width unless told otherwise.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
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

/** The form's fields as the journey sets them (none of them the defaults, so a fill is visible). */
const JOURNEY = { prompt: 'a red fox in snow, woodcut', negative: 'blurry, low contrast', sampler: 'k_dpmpp_2m', steps: '3', cfg: '6.5', seed: '4242', width: '64', height: '64' };
type Fields = typeof JOURNEY;

const field = {
  prompt: (page: Page) => page.getByRole('textbox', { name: 'Prompt', exact: true }),
  negative: (page: Page) => page.getByRole('textbox', { name: 'Negative prompt', exact: true }),
  sampler: (page: Page) => page.getByRole('combobox', { name: 'Sampler' }),
  steps: (page: Page) => page.getByRole('spinbutton', { name: 'Steps', exact: true }),
  cfg: (page: Page) => page.getByRole('spinbutton', { name: 'CFG scale' }),
  seed: (page: Page) => page.getByRole('spinbutton', { name: 'Seed', exact: true }),
  width: (page: Page) => page.getByRole('combobox', { name: 'Width' }),
  height: (page: Page) => page.getByRole('combobox', { name: 'Height' }),
};

async function fill(page: Page, values: Fields): Promise<void> {
  for (const key of ['prompt', 'negative', 'steps', 'cfg', 'seed'] as const) await field[key](page).fill(values[key]);
  for (const key of ['sampler', 'width', 'height'] as const) await field[key](page).selectOption(values[key]);
}

async function expectFields(page: Page, values: Fields): Promise<void> {
  for (const key of Object.keys(values) as (keyof Fields)[]) await expect(field[key](page), key).toHaveValue(values[key]);
}

const settingsForm = (page: Page) => page.getByRole('form', { name: 'Generation settings' });
const picker = (page: Page) => page.getByLabel("Open a PNG's parameters…");
const cards = (page: Page) => page.getByRole('region', { name: 'Results' }).getByRole('listitem');

/** Drops a file on `target` as a browser would: dragenter, dragover, drop, one DataTransfer holding it. */
async function dropFile(target: Locator, name: string, mimeType: string, bytes: Uint8Array): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle(
    ({ name, mimeType, base64 }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type: mimeType }));
      return transfer;
    },
    { name, mimeType, base64: Buffer.from(bytes).toString('base64') },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer });
}

async function downloadBytes(page: Page, button: Locator): Promise<Uint8Array> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return new Uint8Array(Buffer.concat(await (await download.createReadStream()).toArray()));
}

test('a result goes to the Gallery with its parameters, and back to Generate by "Use parameters" and by dropping its PNG', async ({ page }) => {
  test.setTimeout(240_000);
  await openTinyModel(page);
  await fill(page, JOURNEY);
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('img')).toHaveCount(1, { timeout: 150_000 });

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Gallery' }).click();
  const card = cards(page).first();
  await expect(card.getByRole('img', { name: JOURNEY.prompt })).toBeVisible();
  await expect(card).toContainText('Generated');
  await card.getByText('Parameters', { exact: true }).click();
  for (const text of ['blurry, low contrast', 'DPM++ 2M', '6.5', '4242', '64×64']) await expect(card.getByRole('definition').filter({ hasText: text }).first()).toBeVisible();

  const bytes = await downloadBytes(page, card.getByRole('button', { name: 'Download' }));
  expect(parametersFromPng(bytes)).toMatchObject({ prompt: JOURNEY.prompt, negativePrompt: JOURNEY.negative, sampler: 'k_dpmpp_2m', steps: 3, cfgScale: 6.5, seed: 4242, width: 64, height: 64 });

  // A reload forgets the form (the app holds it, not the page); the gallery stays in IndexedDB.
  await page.reload();
  await cards(page).first().getByRole('button', { name: 'Use parameters' }).click();
  await expect(page).toHaveURL(/#\/generate$/);
  await expectFields(page, JOURNEY);
  await expect(page.getByRole('status').filter({ hasText: "Settings filled in from the image's parameters" })).toBeVisible();

  await page.reload();
  await expect(field.prompt(page)).toHaveValue('');
  await expect(field.seed(page)).toHaveValue('');
  await dropFile(settingsForm(page), 'from-the-gallery.png', 'image/png', bytes);
  await expectFields(page, JOURNEY);
  await expect(page.getByRole('status').filter({ hasText: "Settings filled in from the image's parameters" })).toBeVisible();
});

test('a PNG without parameters, or a text file, changes nothing and says why; a PNG with them then fills the form', async ({ page }) => {
  await page.goto('/#/generate');
  await field.prompt(page).fill('kept as typed');
  await field.steps(page).fill('12');
  const plain = await encodePngBytes({ width: 8, height: 8, data: new Uint8ClampedArray(8 * 8 * 4).fill(200) });

  await picker(page).setInputFiles({ name: 'plain.png', mimeType: 'image/png', buffer: Buffer.from(plain) });
  await expect(page.getByRole('alert').filter({ hasText: 'plain.png has no generation parameters' })).toContainText('Nothing was changed.');
  await expect(field.prompt(page)).toHaveValue('kept as typed');
  await expect(field.steps(page)).toHaveValue('12');

  // A text file that reads like parameters is still not a PNG.
  await dropFile(settingsForm(page), 'notes.txt', 'text/plain', new TextEncoder().encode('a cat\nSteps: 30, Seed: 1, Size: 64x64'));
  await expect(page.getByRole('alert').filter({ hasText: 'notes.txt is not a PNG' })).toContainText('Nothing was changed.');
  await expect(field.prompt(page)).toHaveValue('kept as typed');
  await expect(field.steps(page)).toHaveValue('12');

  const tagged = setPngText(plain, { parameters: 'a cat on a mat\nNegative prompt: dogs\nSteps: 30, Sampler: Heun, CFG scale: 5, Seed: 77, Size: 128x64' });
  await picker(page).setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from(tagged) });
  await expectFields(page, { prompt: 'a cat on a mat', negative: 'dogs', sampler: 'k_heun', steps: '30', cfg: '5', seed: '77', width: '128', height: '64' });
  await expect(page.getByText(/is not a PNG|has no generation parameters/)).toHaveCount(0);
});

test('generated results lay out in the Gallery at laptop and phone width without sideways scrolling (its screenshots)', async ({ page }) => {
  test.setTimeout(300_000);
  // Dark, at the widths scripts/screenshot.mjs uses, so these sit beside the other pages' pictures.
  await page.emulateMedia({ colorScheme: 'dark' });
  await openTinyModel(page);
  await field.steps(page).fill('2');
  await page.getByRole('spinbutton', { name: 'Batch size' }).fill('2');
  const prompts = ['a lighthouse at dusk, oil painting', 'a red fox in snow, woodcut'];
  for (const [i, prompt] of prompts.entries()) {
    await field.prompt(page).fill(prompt);
    await field.seed(page).fill(String(100 + i));
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('region', { name: 'Results' }).getByRole('img')).toHaveCount(2 * (i + 1), { timeout: 150_000 });
  }

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Gallery' }).click();
  await expect(cards(page)).toHaveCount(4);
  // One card open, so the pictures show what a result keeps with it.
  await cards(page).first().getByText('Parameters', { exact: true }).click();
  await expect(cards(page).first().getByRole('term').filter({ hasText: 'Seed' })).toBeVisible();
  for (const [label, width, height] of [['laptop', 1280, 800], ['phone', 390, 844]] as const) {
    await page.setViewportSize({ width, height });
    await page.evaluate(() => window.scrollTo(0, 0));
    // Every thumbnail decoded, so the picture shows the images and not empty boxes.
    await expect.poll(() => cards(page).getByRole('img').evaluateAll((imgs) => imgs.every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0))).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${label} page width`).toBeLessThanOrEqual(width);
    // The whole page: the open card runs below the fold at laptop height, and at phone width one card fills the screen.
    await page.screenshot({ path: `docs/screenshots/gallery-${label}.png`, fullPage: true });
  }
});
