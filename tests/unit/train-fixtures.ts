// Shared by the train-* unit tests: the fixture SD graphs (sd-unet, sd-text-encoder, sd-vae-encoder)
// with their training weights on a backend, ORT runners for the same graphs, and seeded inputs.
import * as ort from 'onnxruntime-web';
import { seededRandom, uniformArray } from '../../scripts/onnx/seeded-random.ts';
import type { TrainBackend } from '../../src/pipelines/train/graph/backend.ts';
import { NATAILI_LORA, type LoraConfig } from '../../src/pipelines/train/lora/lora.ts';
import { clipTextParams, FIXTURE_TEXT, loadClipText, type TextWeights } from '../../src/pipelines/train/text/clip-text.ts';
import { fixtureUnetLayout } from '../../src/pipelines/train/unet/layout.ts';
import { loadUnet, type UnetModel } from '../../src/pipelines/train/unet/model.ts';
import { unetParams } from '../../src/pipelines/train/unet/params.ts';
import { positionalOnnxSource } from '../../src/pipelines/train/weights/sources.ts';
import { bytesOf, openRunner } from './sd-pipeline-fixtures.ts';
import type { DreamBoothModels } from '../../src/pipelines/train/dreambooth/step.ts';
import type { DatasetItem } from '../../src/pipelines/train/dataset/scan.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import { clipTokenizer, noise } from './clip-fixtures.ts';

export { bytesOf, openRunner };

export const layout = fixtureUnetLayout();

export function fixtureUnet<T>(backend: TrainBackend<T>, lora: LoraConfig | null = NATAILI_LORA, seed = 1): UnetModel<T> {
  return loadUnet(backend, layout, positionalOnnxSource({ model: bytesOf('sd-unet') }, unetParams(layout)), lora, seed);
}

export function fixtureText<T>(backend: TrainBackend<T>, lora: LoraConfig | null = NATAILI_LORA, seed = 1): TextWeights<T> {
  return loadClipText(backend, FIXTURE_TEXT, positionalOnnxSource({ model: bytesOf('sd-text-encoder') }, clipTextParams(FIXTURE_TEXT)), lora, seed);
}

export function uniform(seed: number, count: number, scale = 1): Float32Array {
  return uniformArray(seededRandom(seed), count, scale);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export async function ortRun(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const out = await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}


const runners = new Map<string, ReturnType<typeof openRunner>>();
function runner(name: 'sd-text-encoder' | 'sd-vae-encoder' | 'sd-unet') {
  let found = runners.get(name);
  if (!found) runners.set(name, (found = openRunner(bytesOf(name), name)));
  return found;
}

/** The fixture SD model for training on `backend`: our UNet (and text encoder) plus ORT's VAE encoder and frozen text encoder. */
export async function fixtureDreamBooth<T>(backend: TrainBackend<T>, options: { lora?: LoraConfig; trainText?: boolean; seed?: number } = {}): Promise<DreamBoothModels<T>> {
  const lora = options.lora ?? NATAILI_LORA;
  const textRun = await runner('sd-text-encoder');
  return {
    backend,
    unet: fixtureUnet(backend, lora, options.seed ?? 1),
    text: options.trainText === false ? null : fixtureText(backend, lora, options.seed ?? 1),
    encodeText: async (ids) => (await textRun({ input_ids: { type: 'int32', data: Int32Array.from(ids.flat()), dims: [ids.length, ids[0]!.length] } }))['last_hidden_state']!,
    tokenize: (caption) => clipTokenizer().encodeFixed(caption).ids,
    vaeEncoder: await runner('sd-vae-encoder'),
  };
}

/** A small dataset: seeded noise pictures with captions, in one or two buckets. */
export function fixtureImages(sizes: readonly (readonly [number, number])[] = [[64, 64], [64, 64], [80, 64]]): { items: DatasetItem[]; images: Map<string, RgbaImage> } {
  const images = new Map<string, RgbaImage>();
  const items = sizes.map(([width, height], i): DatasetItem => {
    const path = `set/photo${i}_a.png`;
    images.set(path, noise(width, height, 100 + i));
    return { path, caption: i % 2 ? 'a photo of sks cat' : 'a photo of sks dog', captionSource: 'txt', width, height, bucket: [64, 64], repeats: 1 };
  });
  return { items, images };
}
