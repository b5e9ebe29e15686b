// The tiny fixtures in real Chromium: fetched from the Vitest server (written by the global setup),
// run on onnxruntime-web's wasm and webgpu execution providers, with matching outputs. CLIP vision
// exercises conv + attention + LayerNorm; the UNet exercises GroupNorm-as-InstanceNorm, nearest
// Resize, cross-attention and the timestep embedding; ESRGAN ×2 exercises DepthToSpace.

import type * as Ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TinyModelName } from '../../scripts/tiny-models/index.ts';
import { modelCases, timestep, type Feed } from '../unit/tiny-models.cases.ts';

let ort: typeof Ort;

beforeAll(async () => {
  // Dynamic import, its loader and wasm from public/ort/ (scripts/prepare-assets.mjs), as the app
  // does. An absolute URL: Vite rewrites a root-relative dynamic import of the loader to
  // '/ort/….mjs?import', which it then refuses to serve from public/.
  ort = await import('onnxruntime-web');
  ort.env.wasm.wasmPaths = new URL('/ort/', location.origin).href;
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

async function fixture(name: TinyModelName): Promise<Uint8Array> {
  const response = await fetch(`/tests/fixtures/models/${name}.onnx`);
  if (!response.ok) throw new Error(`fixture ${name}: HTTP ${response.status} (did the Vitest global setup run?)`);
  return new Uint8Array(await response.arrayBuffer());
}

async function runOn(provider: 'wasm' | 'webgpu', model: Uint8Array, feeds: Record<string, Feed>): Promise<Record<string, Float32Array>> {
  // Severity 3 (error): ORT otherwise warns that shape ops were placed on the CPU, which is by design.
  const session = await ort.InferenceSession.create(model, { executionProviders: [provider], logSeverityLevel: 3 });
  try {
    const tensors = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.type, f.data, f.dims)]));
    const outputs = await session.run(tensors);
    const result: Record<string, Float32Array> = {};
    for (const [k, t] of Object.entries(outputs)) {
      // getData() downloads GPU-resident outputs too.
      result[k] = (await t.getData()) as Float32Array;
      t.dispose();
    }
    return result;
  } finally {
    await session.release();
  }
}

/** Largest |a−b| relative to the largest |a|: one number per output that tolerates scale. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / scale;
}

const cases: { name: TinyModelName; feeds?: Record<string, Feed> }[] = [
  { name: 'clip-vision' },
  { name: 'sd-unet' },
  // One timestep per sample too: pipelines batch the two classifier-free-guidance halves.
  { name: 'sd-unet', feeds: { ...modelCases['sd-unet'].inputs, timestep: timestep([981, 981]) } },
  { name: 'esrgan-x2' },
];

describe('tiny models in Chromium: wasm and webgpu agree', () => {
  it('has a WebGPU adapter to test on', async () => {
    expect(await navigator.gpu?.requestAdapter()).toBeTruthy();
  });

  // SwiftShader compiles every WebGPU shader on the CPU: a first run takes 5–30 s on two busy cores.
  it.each(cases)('$name', { timeout: 180_000 }, async ({ name, feeds }) => {
    const model = await fixture(name);
    const inputs = feeds ?? modelCases[name].inputs;
    const cpu = await runOn('wasm', model, inputs);
    const gpu = await runOn('webgpu', model, inputs);
    for (const [outName, spec] of Object.entries(modelCases[name].outputs)) {
      const a = cpu[outName]!;
      const b = gpu[outName]!;
      expect(a.length, outName).toBe(spec.dims.reduce((x, y) => x * y, 1));
      expect(b.length, outName).toBe(a.length);
      expect(a.every(Number.isFinite) && b.every(Number.isFinite), `${outName} finite`).toBe(true);
      // fp32 on both; WebGPU reorders sums (and SwiftShader's exp/erf differ in the last bits).
      expect(relativeError(a, b), `${name} ${outName} wasm vs webgpu`).toBeLessThan(1e-3);
    }
  });
});
