// The Interrogate page on the production build, with the tiny fixture models imported the way a
// user imports models (a catalog file, then the model files, on the Models page): a caption, the
// tables per category with a label that looks like HTML shown as text, the aesthetic score, the
// NSFW verdict, copy as prompt, and a second interrogation that embeds no label again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { bertTokenizerJson, NAMES, TINY_PREDICTOR } from '../browser/interrogate-fixtures.ts';
import { layoutWeights, stateDict, writeSafetensors } from '../unit/predictor-fixtures.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
const IMAGE = 'tests/fixtures/images/troll-head-128.png';

interface Spec {
  path: string;
  kind: 'onnx' | 'json' | 'bytes';
  bytes: Buffer;
  inputs?: string[];
  outputs?: string[];
}

const fixture = (name: string) => readFileSync(`tests/fixtures/models/${name}.onnx`);
const onnx = (path: string, name: string, inputs: string[], outputs: string[]): Spec => ({ path, kind: 'onnx', bytes: fixture(name), inputs, outputs });

/** The catalog file and the model files, as the Models page's file inputs take them. */
function fixtureFiles() {
  const files: { name: string; mimeType: string; buffer: Buffer }[] = [];
  const entry = (name: string, type: string, specs: Spec[], extra: Record<string, unknown> = {}) => {
    const download = specs.map((spec) => {
      const fileName = `${name}-${spec.path}.${spec.kind === 'bytes' ? 'safetensors' : spec.kind}`;
      files.push({ name: fileName, mimeType: 'application/octet-stream', buffer: spec.bytes });
      return { file_name: fileName, file_path: spec.path, file_url: `https://fixtures.invalid/${fileName}`, precision: 'fp32', size: spec.bytes.length, sha256: createHash('sha256').update(spec.bytes).digest('hex') };
    });
    const config = { files: specs.map(({ path, kind, inputs, outputs }) => (kind === 'onnx' ? { path, kind, inputs, outputs } : { path, kind })), download };
    return [name, { name, type, description: `fixture ${name}`, version: '1', nsfw: false, config, ...extra }] as const;
  };
  const catalog = Object.fromEntries([
    entry(NAMES.clip, 'clip', [onnx('vision_model', 'clip-vision', ['pixel_values'], ['image_embeds']), onnx('text_model', 'clip-text', ['input_ids'], ['text_embeds'])]),
    entry(NAMES.blip, 'blip', [
      onnx('vision_model', 'blip-vision', ['pixel_values'], ['last_hidden_state']),
      onnx('text_decoder', 'blip-text-decoder', ['input_ids', 'attention_mask', 'encoder_hidden_states'], ['logits']),
      { path: 'tokenizer', kind: 'json', bytes: Buffer.from(JSON.stringify(bertTokenizerJson())) },
    ]),
    entry(NAMES.coca, 'clip', [onnx('vision_model', 'coca-vision', ['pixel_values'], ['image_embeds', 'image_tokens']), onnx('text_decoder', 'coca-text-decoder', ['input_ids', 'image_tokens'], ['logits'])]),
    entry(NAMES.predictor, 'clip', [{ path: 'predictor', kind: 'bytes', bytes: Buffer.from(writeSafetensors(stateDict(TINY_PREDICTOR, layoutWeights(TINY_PREDICTOR, 21)))) }], { baseline: NAMES.clip }),
    entry(NAMES.safety, 'safety_checker', [onnx('model', 'safety-checker', ['clip_input', 'images'], ['out_images', 'has_nsfw_concepts'])]),
  ]);
  return { catalog: { name: 'interrogate-fixtures.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(catalog)) }, files };
}

async function importFixtures(page: Page): Promise<void> {
  const { catalog, files } = fixtureFiles();
  await page.goto('/#/models');
  await page.getByLabel('Catalog file').setInputFiles(catalog);
  await expect(page.getByRole('status').filter({ hasText: 'Catalog' })).toContainText('5 models added');
  await page.getByLabel('Import model files').setInputFiles(files);
  await expect(page.getByRole('status').filter({ hasText: 'Import finished' })).toContainText(`${NAMES.safety} (fp32)`, { timeout: 60_000 });
}

test('captions, interrogates, scores and checks an image; labels stay text; copy as prompt', async ({ page, context }) => {
  test.setTimeout(240_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // WASM: the same pipelines ran on WebGPU in the browser tests; on this software adapter a
  // WebGPU pass costs minutes of shader compiling, which this page-level test does not need.
  await page.goto('/#/settings');
  await page.getByRole('radio', { name: 'WASM (CPU)' }).check();
  await importFixtures(page);

  const status = page.getByRole('main').getByRole('status');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Interrogate' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Interrogate' })).toBeVisible();
  // The stored fixture models are chosen by default.
  await expect(page.getByLabel('CLIP model')).toHaveValue(NAMES.clip);
  await expect(page.getByLabel('Aesthetic predictor')).toHaveValue(NAMES.predictor);
  await expect(page.getByLabel('Safety checker')).toHaveValue(NAMES.safety);
  await page.getByLabel('Caption model').selectOption(NAMES.coca);
  await page.getByLabel('Caption settings').selectOption('greedy');

  await page.getByLabel('Image', { exact: true }).setInputFiles(IMAGE);
  await page.getByRole('button', { name: 'Caption' }).click();
  await expect(status).toContainText(`Captioned with ${NAMES.coca}`, { timeout: 120_000 });
  await expect(page.getByTestId('caption')).not.toBeEmpty();

  await page.getByText('Labels', { exact: true }).click();
  await page.getByLabel('Your labels, one per line').fill(`a troll\na cat\n${HOSTILE}`);
  await page.getByRole('button', { name: 'Interrogate' }).click();
  await expect(status).toContainText(`Interrogated with ${NAMES.clip}`, { timeout: 120_000 });
  for (const name of ['Mediums', 'Flavors', 'Artists', 'Custom']) await expect(page.getByRole('table', { name })).toBeVisible();
  const custom = page.getByRole('table', { name: 'Custom' });
  await expect(custom.getByRole('row')).toHaveCount(4);
  await expect(custom.getByRole('cell', { name: HOSTILE, exact: true })).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.getByTestId('aesthetic')).toContainText('Aesthetic score');
  await expect(page.getByTestId('nsfw')).toHaveText(/NSFW|Safe/);
  await expect(status).toContainText('labels embedded');

  const prompt = await page.getByLabel('Prompt').inputValue();
  expect(prompt.startsWith(await page.getByTestId('caption').innerText())).toBe(true);
  await page.getByRole('button', { name: 'Copy as prompt' }).click();
  await expect(status).toHaveText('Prompt copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(prompt);

  // Every label is cached now: a second interrogation embeds only the image.
  await page.getByRole('button', { name: 'Interrogate' }).click();
  await expect(status).toContainText('(0 labels embedded)', { timeout: 60_000 });
  expect(dialogs).toEqual([]);
  // For checking the results view by eye (kept with the test's output, not committed).
  await page.screenshot({ path: test.info().outputPath('interrogate-results.png'), fullPage: true });
});
