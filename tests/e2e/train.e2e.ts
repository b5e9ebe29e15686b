// The Train page on the production build, as a user goes through it: open a Stable Diffusion
// model's files (the fixture, with torch.onnx's names), pick a folder of captioned images, train a
// LoRA with pause and resume, see the loss curve, export it and use it on the Generate page; then
// rate images by folder, embed them with a catalog CLIP model, train the aesthetic predictor, add
// it to the models and score with it on the Interrogate page. WASM in Settings: the CPU backend
// trains (the WebGPU path runs in the browser tests; on this software adapter it costs minutes).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { clipTextParams, FIXTURE_TEXT } from '../../src/pipelines/train/text/clip-text.ts';
import { fixtureUnetLayout } from '../../src/pipelines/train/unet/layout.ts';
import { unetParams } from '../../src/pipelines/train/unet/params.ts';
import { encodePngBytes } from '../../src/shared/image/encode-png.ts';
import { writeTinyModels } from '../../scripts/tiny-models/index.ts';
import { noise } from '../unit/clip-fixtures.ts';
import { scopeFixture } from '../unit/train-onnx-scope.ts';

const root = mkdtempSync(join(tmpdir(), 'train-e2e-'));
const fixture = (name: string) => readFileSync(`tests/fixtures/models/${name}.onnx`);
const modelFiles = ['unet', 'text_encoder', 'vae_encoder', 'vae_decoder', 'safety_checker'].map((role) => join(root, 'model', `${role}.onnx`));

test.beforeAll(async () => {
  writeTinyModels();
  const write = (path: string, data: Uint8Array | string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), data);
  };
  write('model/unet.onnx', scopeFixture(new Uint8Array(fixture('sd-unet')), unetParams(fixtureUnetLayout())));
  write('model/text_encoder.onnx', scopeFixture(new Uint8Array(fixture('sd-text-encoder')), clipTextParams(FIXTURE_TEXT)));
  write('model/vae_encoder.onnx', fixture('sd-vae-encoder'));
  write('model/vae_decoder.onnx', fixture('sd-vae-decoder'));
  // Generate runs the safety checker by default (Settings): the model's files include it.
  write('model/safety_checker.onnx', fixture('safety-checker'));
  write('dogs/sks dog_1.png', await encodePngBytes(noise(64, 64, 1)));
  write('dogs/sks dog_1.txt', 'a photo of sks dog');
  write('dogs/more/sks dog_2.png', await encodePngBytes(noise(64, 64, 2)));
  write('dogs/more/multiply.txt', '2');
  for (let i = 0; i < 8; i++) write(`rated/${2 + (i % 4) * 2}/image${i}.png`, await encodePngBytes(noise(48, 48, 10 + i)));
});

async function useWasm(page: Page): Promise<void> {
  await page.goto('/#/settings');
  await page.getByRole('radio', { name: 'WASM (CPU)' }).check();
}

test('trains a LoRA from a picked folder, pauses and resumes, and Generate uses it', async ({ page }) => {
  test.setTimeout(240_000);
  await useWasm(page);
  await page.goto('/#/train');
  await expect(page.getByRole('heading', { level: 1, name: 'Train' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start training' })).toBeDisabled();
  const status = page.getByRole('main').getByRole('status');

  await page.getByLabel('Open model files').setInputFiles(modelFiles);
  await expect(status.filter({ hasText: 'is ready to train on' })).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Resolution (px)').fill('64');
  await page.getByLabel('Pick a folder of training images', { exact: true }).setInputFiles(join(root, 'dogs'));
  const images = page.getByRole('list', { name: 'Training images and their captions' });
  await expect(images.getByRole('listitem')).toHaveCount(2);
  await expect(images).toContainText('a photo of sks dog');
  await expect(images).toContainText('from file name · ×2');
  await expect(status.filter({ hasText: '2 images, 3 per epoch' })).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill('sks-dog');
  await page.getByLabel('Steps', { exact: true }).fill('4');
  await page.getByLabel('UNet learning rate').fill('0.03');
  await page.getByRole('button', { name: 'Start training' }).click();
  // Pause while the model loads: the run stops before its first step whatever the machine's speed
  // (a pause asked for during the last step would rightly end as "Finished").
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status.filter({ hasText: /Paused "sks-dog" on the CPU: step 0 of 4/ })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('row', { name: /sks-dog/ })).toBeVisible();
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(status.filter({ hasText: /Finished "sks-dog" on the CPU: step 4 of 4/ })).toBeVisible({ timeout: 90_000 });
  const chart = page.getByRole('img', { name: 'Loss curve' });
  await expect(chart).toBeVisible();
  await expect(page.getByText(/Loss curve: 4 points, from/)).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/train-run-laptop.png', fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export sks-dog as .safetensors' }).click();
  expect((await download).suggestedFilename()).toBe('sks-dog.safetensors');
  await page.getByRole('button', { name: 'Use sks-dog in Generate' }).click();
  await expect(status.filter({ hasText: 'is on the Generate page now' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Generate' }).click();
  await page.getByLabel('Open model files…').setInputFiles(modelFiles);
  await expect(page.getByRole('status').filter({ hasText: 'is ready' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel('sks-dog strength')).toHaveValue('1');
  await page.getByRole('combobox', { name: 'Width' }).selectOption('64');
  await page.getByRole('combobox', { name: 'Height' }).selectOption('64');
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('a photo of sks dog');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('2');
  await page.getByRole('button', { name: 'Generate' }).click();
  const results = page.getByRole('region', { name: 'Results' });
  await expect(results.getByRole('img')).toHaveCount(1, { timeout: 120_000 });
});

test('trains an aesthetic predictor on rated folders, adds it to the models, and Interrogate scores with it', async ({ page }) => {
  test.setTimeout(240_000);
  await useWasm(page);
  const bytes = (name: string) => fixture(name);
  const download = ['vision_model', 'text_model'].map((path) => {
    const data = bytes(path === 'vision_model' ? 'clip-vision' : 'clip-text');
    return { name: `tiny-clip-${path}.onnx`, data, entry: { file_name: `tiny-clip-${path}.onnx`, file_path: path, file_url: `https://fixtures.invalid/tiny-clip-${path}.onnx`, precision: 'fp32', size: data.length, sha256: createHash('sha256').update(data).digest('hex') } };
  });
  const catalog = {
    'tiny-clip': {
      name: 'tiny-clip',
      type: 'clip',
      description: 'fixture CLIP',
      version: '1',
      nsfw: false,
      config: { files: [{ path: 'vision_model', kind: 'onnx', inputs: ['pixel_values'], outputs: ['image_embeds'] }, { path: 'text_model', kind: 'onnx', inputs: ['input_ids'], outputs: ['text_embeds'] }], download: download.map((d) => d.entry) },
    },
  };
  await page.goto('/#/models');
  await page.getByLabel('Catalog file').setInputFiles({ name: 'clip.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(catalog)) });
  await expect(page.getByRole('status').filter({ hasText: 'Catalog' })).toContainText('1 model added');
  await page.getByLabel('Import model files').setInputFiles(download.map((d) => ({ name: d.name, mimeType: 'application/octet-stream', buffer: d.data })));
  await expect(page.getByRole('status').filter({ hasText: 'Import finished' })).toContainText('tiny-clip (fp32)', { timeout: 60_000 });

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Train' }).click();
  const status = page.getByRole('main').getByRole('status');
  await expect(page.getByLabel('CLIP model')).toHaveValue('tiny-clip');
  await page.getByLabel('Pick a folder of rated images', { exact: true }).setInputFiles(join(root, 'rated'));
  await page.getByRole('button', { name: 'Embed rated images' }).click();
  await expect(status.filter({ hasText: '8 images embedded' })).toBeVisible({ timeout: 90_000 });
  await page.getByLabel('Epochs').fill('5');
  await page.getByRole('button', { name: 'Train predictor' }).click();
  await expect(status.filter({ hasText: /Predictor finished · best validation accuracy/ })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('img', { name: 'Validation accuracy' })).toBeVisible();
  await page.getByLabel('Predictor name').fill('my-taste');
  await page.getByRole('button', { name: 'Add to models' }).click();
  await expect(status.filter({ hasText: '"my-taste" is installed' })).toBeVisible({ timeout: 30_000 });

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Interrogate' }).click();
  await page.getByLabel('Aesthetic predictor').selectOption('my-taste');
  await page.getByLabel('Image', { exact: true }).setInputFiles(join(root, 'rated/2/image0.png'));
  await page.getByText('Labels', { exact: true }).click();
  await page.getByLabel(/Built-in label sets/).uncheck();
  await page.getByLabel('Your labels, one per line').fill('a cat\na dog');
  await page.getByRole('button', { name: 'Interrogate' }).click();
  await expect(page.getByTestId('aesthetic')).toContainText('my-taste on tiny-clip', { timeout: 120_000 });
});
