// CLIP interrogation over ≥ 2,000 labels through the interrogate worker: cold cache vs warm cache (only the image embedded) vs one image embedding alone.
// The CLIP model is a seeded random ViT-B/32-layout graph (scripts/tiny-models/clip.ts) sized by
// the options, imported with a predictor as a user catalog; the labels are nataili's default sets
// plus pairs of them up to --labels. warm_vs_single_embed_ratio = warm interrogation ÷ one image
// embedding, both through the worker with a decode of the same size of image.
// Options: --labels 2048 --runs 5 --warmup 1 --backend wasm|webgpu --vision-width 256
//          --vision-layers 4 --text-width 128 --text-layers 2 --projection 256
import { createHash } from 'node:crypto';
import { buildClipText, buildClipVision } from '../scripts/tiny-models/clip.ts';
import { defaultLabelSets } from '../src/pipelines/clip/labels/index.ts';
import { layoutWeights, stateDict, writeSafetensors, type Layout } from '../tests/unit/predictor-fixtures.ts';
import { openBenchPage } from './lib/browser.ts';
import { cliOptions, machineInfo, numberOption, writeResults } from './lib/results.ts';
import { interleave, ratio, summarize, type Summary } from './lib/stats.ts';
import { printTable } from './lib/table.ts';
import type { InterrogatePage, PrepareArgs, Timed } from './interrogate.page.ts';

const options = cliOptions();
const labelCount = numberOption(options, 'labels', 2048);
const timing = { warmup: numberOption(options, 'warmup', 1), runs: numberOption(options, 'runs', 5) };
const backend = options.get('backend') === 'webgpu' ? 'webgpu' : 'wasm';
const shape = {
  visionWidth: numberOption(options, 'vision-width', 256),
  visionLayers: numberOption(options, 'vision-layers', 4),
  textWidth: numberOption(options, 'text-width', 128),
  textLayers: numberOption(options, 'text-layers', 2),
  projection: numberOption(options, 'projection', 256),
};

/** nataili's sets, then distinct "a, b" pairs of their labels in a "pairs" set until there are `total` distinct labels. */
function labelSets(total: number): Record<string, string[]> {
  const sets: Record<string, string[]> = defaultLabelSets();
  const all = [...new Set(Object.values(sets).flat())];
  const pairs = new Set<string>();
  for (let i = 0; all.length + pairs.size < total; i++) {
    const n = all.length;
    // Offsets 1, 2, … per pass over the list: every pair is new until n² of them.
    const pair = `${all[i % n]}, ${all[(i + 1 + Math.floor(i / n)) % n]}`;
    if (!all.includes(pair)) pairs.add(pair);
  }
  if (pairs.size > 0) sets['pairs'] = [...pairs];
  return sets;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const heads = (width: number) => Math.max(1, Math.round(width / 64));
const vision = buildClipVision({ seed: 1, width: shape.visionWidth, heads: heads(shape.visionWidth), layers: shape.visionLayers, projection: shape.projection });
const text = buildClipText({ seed: 2, width: shape.textWidth, heads: heads(shape.textWidth), layers: shape.textLayers, projection: shape.projection });
const mlp: Layout = { widths: [shape.projection, 64, 16, 1], indices: [0, 2, 4], relu: [false, false, false] };
const predictor = writeSafetensors(stateDict(mlp, layoutWeights(mlp, 3)));
const files = new Map<string, Uint8Array>([
  ['/bench/clip-vision.onnx', vision],
  ['/bench/clip-text.onnx', text],
  ['/bench/predictor.safetensors', predictor],
]);
const download = (path: string, url: string, bytes: Uint8Array) => ({ file_name: url.split('/').pop()!, file_path: path, file_url: `https://bench.invalid${url}`, precision: 'fp32', size: bytes.length, sha256: sha(bytes) });
const catalog = {
  'bench-clip': {
    name: 'bench-clip',
    type: 'clip',
    description: 'random ViT-B/32-layout CLIP for the benchmark',
    version: '1',
    nsfw: false,
    config: {
      files: [
        { path: 'vision_model', kind: 'onnx', inputs: ['pixel_values'], outputs: ['image_embeds'] },
        { path: 'text_model', kind: 'onnx', inputs: ['input_ids'], outputs: ['text_embeds'] },
      ],
      download: [download('vision_model', '/bench/clip-vision.onnx', vision), download('text_model', '/bench/clip-text.onnx', text)],
    },
  },
  'bench-predictor': {
    name: 'bench-predictor',
    type: 'clip',
    description: 'random aesthetic MLP for the benchmark',
    version: '1',
    nsfw: false,
    baseline: 'bench-clip',
    config: { files: [{ path: 'predictor', kind: 'bytes' }], download: [download('predictor', '/bench/predictor.safetensors', predictor)] },
  },
};
files.set('/bench/catalog.json', new TextEncoder().encode(JSON.stringify(catalog)));

const labels = labelSets(labelCount);
const total = new Set(Object.values(labels).flat()).size;
const browser = await openBenchPage('bench/interrogate.page.ts', { files });
type Api = { bench: InterrogatePage };
try {
  const page = browser.page;
  const args: PrepareArgs = { backend, labels, catalogUrl: '/bench/catalog.json', fileUrls: ['/bench/clip-vision.onnx', '/bench/clip-text.onnx', '/bench/predictor.safetensors'], clip: 'bench-clip', predictor: 'bench-predictor' };
  const { backend: ranOn } = await page.evaluate((a) => (globalThis as unknown as Api).bench.prepare(a), args);
  const call = (method: 'cold' | 'warm' | 'cached', seed: number) => page.evaluate(([m, s]) => (globalThis as unknown as Api).bench[m as 'cold'](s as number), [method, seed] as const);

  // Cold runs are the expensive ones (every label through the text model): fewer of them.
  const cold: Timed[] = [];
  for (let i = 0; i < Math.max(1, Math.ceil(timing.runs / 2)); i++) cold.push(await call('cold', 300 + i));
  const checks: Timed[] = [];
  let warmSeed = 100;
  let singleSeed = 200;
  const samples = await interleave(
    {
      warm: async () => {
        const result = await call('warm', warmSeed++);
        checks.push(result);
        return result.ms;
      },
      single: () => page.evaluate((s) => (globalThis as unknown as Api).bench.single(s), singleSeed++),
    },
    timing,
  );
  const cached = await call('cached', 100);

  // The cache must have done what the figures claim: warm runs embed the image, no label.
  if (checks.some((c) => c.embeddedLabels !== 0 || !c.embeddedImage)) throw new Error(`a warm run embedded labels: ${JSON.stringify(checks)}`);
  if (cold.some((c) => c.embeddedLabels !== total)) throw new Error(`a cold run embedded ${cold.map((c) => c.embeddedLabels)} of ${total} labels`);
  if (cached.embeddedImage || cached.embeddedLabels !== 0) throw new Error('the repeated image was embedded again');

  const coldMs = summarize(cold.map((c) => c.ms));
  const warmMs = summarize(samples.warm);
  const singleMs = summarize(samples.single);
  const row = (name: string, s: Summary, note: string) => [name, s.median, s.min, s.max, ratio(s.median, singleMs.median), note];
  printTable(`interrogation over ${total} labels, ${ranOn}, median of ${timing.runs} (cold: ${cold.length})`, ['run', 'median ms', 'min ms', 'max ms', '÷ one embed', 'embedded'], [
    row('cold cache', coldMs, `${total} labels + image`),
    row('warm cache, new image', warmMs, 'image only'),
    ['same image again', cached.ms, cached.ms, cached.ms, ratio(cached.ms, singleMs.median), 'nothing'],
    row('one image embedding alone', singleMs, 'image'),
  ]);
  const warmVsSingle = ratio(warmMs.median, singleMs.median);
  console.log(`warm_vs_single_embed_ratio ${warmVsSingle}   cold_vs_warm_ratio ${ratio(coldMs.median, warmMs.median)}   cache overhead per warm call ${(warmMs.median - singleMs.median).toFixed(1)} ms for ${total} labels`);

  const path = writeResults('interrogate', {
    machine: machineInfo(browser.chromiumVersion),
    backend: ranOn,
    labels: total,
    label_sets: Object.fromEntries(Object.entries(labels).map(([name, list]) => [name, list.length])),
    model: { layout: 'CLIP ViT-B/32 (random weights)', image_size: 224, patch: 32, ...shape, vision_bytes: vision.length, text_bytes: text.length },
    image: { width: 512, height: 384, format: 'png' },
    ms: { cold_cache: coldMs, warm_cache: warmMs, same_image_again: cached.ms, single_image_embed: singleMs },
    warm_vs_single_embed_ratio: warmVsSingle,
    cold_vs_warm_ratio: ratio(coldMs.median, warmMs.median),
    warm_cache_overhead_ms: Math.round((warmMs.median - singleMs.median) * 10) / 10,
    note: 'warm = decode + image embedding + cache reads of every label + ranking; single = decode + image embedding + a 3-layer MLP; the same worker path for both',
  });
  console.log(`results: ${path}`);
} finally {
  await browser.close();
}
