// Browser side of the diffusion benchmark (built by bench/lib/browser.ts, driven by
// bench/diffusion.ts): one UNet step through a bare ORT session in this page, and a whole
// txt2img job through the app's generate worker, each on wasm or webgpu. Each call returns its
// own milliseconds, so Node can interleave the variants fairly.

import { loadOrt, type OrtSession } from '../src/runtime/ort.ts';
import type { GenerateApi, SdFile } from '../src/workers/api.ts';
import { WorkerHost } from '../src/workers/client.ts';

export type Backend = 'wasm' | 'webgpu';

export interface DiffusionPage {
  /** Opens the UNet for bare steps on both backends and hands the worker the model files. */
  prepare(size: number): Promise<void>;
  unetStep(backend: Backend): Promise<number>;
  txt2img(backend: Backend, steps: number): Promise<{ ms: number; load: number; backend: string }>;
}

const host = new WorkerHost<{ generate: GenerateApi }>({
  spawners: { generate: () => new Worker(new URL('../src/workers/generate.worker.ts', import.meta.url), { type: 'module', name: 'generate:bench' }) },
});
const sessions = new Map<Backend, OrtSession>();
let feeds: Record<string, unknown> = {};
let size = 64;

async function bytes(name: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(`/fixtures/${name}.onnx`)).arrayBuffer());
}

const page: DiffusionPage = {
  async prepare(imageSize) {
    size = imageSize;
    const ort = await loadOrt();
    const unet = await bytes('sd-unet');
    for (const backend of ['wasm', 'webgpu'] as const) sessions.set(backend, await ort.InferenceSession.create(unet, { executionProviders: [backend], graphOptimizationLevel: 'all' }));
    const latent = size / 8;
    // Classifier-free guidance: a batch of two latents, one timestep, 77 tokens of context.
    const sample = Float32Array.from({ length: 2 * 4 * latent * latent }, () => Math.random() * 2 - 1);
    const context = Float32Array.from({ length: 2 * 77 * 16 }, () => Math.random());
    feeds = {
      sample: new ort.Tensor('float32', sample, [2, 4, latent, latent]),
      timestep: new ort.Tensor('float32', Float32Array.of(500), [1]),
      encoder_hidden_states: new ort.Tensor('float32', context, [2, 77, 16]),
    };
    const files: SdFile[] = [];
    for (const [role, name] of [['text_encoder', 'sd-text-encoder'], ['unet', 'sd-unet'], ['vae_decoder', 'sd-vae-decoder']] as const) files.push({ name: `${role}.onnx`, data: await bytes(name) });
    await host.call('generate', 'useFiles', ['tiny', files]);
  },

  async unetStep(backend) {
    const session = sessions.get(backend)!;
    const start = performance.now();
    await session.run(feeds as Parameters<OrtSession['run']>[0]);
    return performance.now() - start;
  },

  async txt2img(backend, steps) {
    const start = performance.now();
    const result = await host.call('generate', 'generate', [
      { model: 'tiny', prompt: 'a lighthouse at dusk ### blurry', width: size, height: size, steps, sampler: 'k_euler', seed: 1, safetyCheck: false, backend },
    ]);
    return { ms: performance.now() - start, load: result.ms.load, backend: result.backend };
  },
};

(globalThis as { bench?: DiffusionPage }).bench = page;
(globalThis as { benchReady?: boolean }).benchReady = true;
