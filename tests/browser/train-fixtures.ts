// The fixture SD model for training in Chromium: our UNet and text encoder on a backend, ORT
// (wasm, one thread) for the VAE encoder and the frozen text encoder, the app's CLIP tokenizer.
import type * as Ort from 'onnxruntime-web';
import type { TrainBackend } from '../../src/pipelines/train/graph/backend.ts';
import type { DreamBoothModels } from '../../src/pipelines/train/dreambooth/step.ts';
import { NATAILI_LORA } from '../../src/pipelines/train/lora/lora.ts';
import { clipTextParams, FIXTURE_TEXT, loadClipText } from '../../src/pipelines/train/text/clip-text.ts';
import { fixtureUnetLayout } from '../../src/pipelines/train/unet/layout.ts';
import { loadUnet } from '../../src/pipelines/train/unet/model.ts';
import { unetParams } from '../../src/pipelines/train/unet/params.ts';
import { positionalOnnxSource } from '../../src/pipelines/train/weights/sources.ts';
import type { ModelRun } from '../../src/pipelines/stable-diffusion/pipeline/types.ts';
import { ClipTokenizer } from '../../src/pipelines/tokenizers/clip.ts';
import type { TensorData } from '../../src/runtime/tensor.ts';
import { fixture } from './generate-fixtures.ts';

let ort: typeof Ort | undefined;

export async function loadOrt(): Promise<typeof Ort> {
  if (!ort) {
    ort = await import('onnxruntime-web');
    ort.env.wasm.wasmPaths = new URL('/ort/', location.origin).href;
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  }
  return ort;
}

export async function ortRunner(bytes: Uint8Array, provider: 'wasm' | 'webgpu' = 'wasm'): Promise<ModelRun> {
  const o = await loadOrt();
  const session = await o.InferenceSession.create(bytes, { executionProviders: [provider], logSeverityLevel: 3 });
  return async (feeds) => {
    const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new o.Tensor(t.type, t.data as Float32Array, t.dims)])));
    const result: Record<string, TensorData> = {};
    for (const [k, t] of Object.entries(out)) result[k] = { type: 'float32', data: (await t.getData()) as Float32Array, dims: [...t.dims] };
    return result;
  };
}

let tokenizer: Promise<ClipTokenizer> | undefined;
export const clipTokenizer = () => (tokenizer ??= ClipTokenizer.load(new URL('/models/tokenizers/clip/', location.origin).href));

export const unetLayout = fixtureUnetLayout();

export async function fixtureDreamBooth<T>(backend: TrainBackend<T>, trainText = true): Promise<DreamBoothModels<T>> {
  const [unetBytes, textBytes, vaeBytes] = await Promise.all([fixture('sd-unet'), fixture('sd-text-encoder'), fixture('sd-vae-encoder')]);
  const text = await ortRunner(textBytes);
  const tok = await clipTokenizer();
  return {
    backend,
    unet: loadUnet(backend, unetLayout, positionalOnnxSource({ model: unetBytes }, unetParams(unetLayout)), NATAILI_LORA, 1),
    text: trainText ? loadClipText(backend, FIXTURE_TEXT, positionalOnnxSource({ model: textBytes }, clipTextParams(FIXTURE_TEXT)), NATAILI_LORA, 1) : null,
    encodeText: async (ids) => (await text({ input_ids: { type: 'int32', data: Int32Array.from(ids.flat()), dims: [ids.length, ids[0]!.length] } }))['last_hidden_state']!,
    tokenize: (caption) => tok.encodeFixed(caption).ids,
    vaeEncoder: await ortRunner(vaeBytes),
  };
}
