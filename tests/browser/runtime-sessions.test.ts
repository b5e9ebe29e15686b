// The runtime in a real Chromium page: WebGPU on the software adapter (no shader-f16) and WASM.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getPlatform } from '../../src/runtime/platform.ts';
import { SessionCache } from '../../src/runtime/session-cache.ts';
import { float32, type TensorData } from '../../src/runtime/tensor.ts';
import { gpuLostReason } from '../../src/runtime/webgpu-check.ts';
import { tinyConvModel, tinyConvReference, tinyInput, tinySpec, withExternalData } from './workers/tiny-conv.ts';

const image = () => float32(tinyInput(), [1, 3, tinySpec.size, tinySpec.size]);
const reference = tinyConvReference(tinyInput());
const bytes = { fp32: tinyConvModel(tinySpec, 'fp32'), fp16: tinyConvModel(tinySpec, 'fp16') };
const files = (precision: string) => ({ model: precision === 'fp16' ? bytes.fp16 : bytes.fp32 });

function maxDiff(a: TensorData, b: Float32Array): number {
  const data = a.data as Float32Array;
  return data.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
}

const cache = new SessionCache();
afterEach(() => cache.unload());

describe('sessions in Chromium', () => {
  it('probes the software adapter: WebGPU without shader-f16, threads from isolation', async () => {
    const platform = await getPlatform();
    expect(platform.gpu?.isFallbackAdapter).toBe(true);
    expect(platform.gpu?.shaderF16).toBe(false);
    expect(platform.crossOriginIsolated).toBe(true);
  });

  it('runs the same model on WebGPU and WASM; both match the CPU reference', async () => {
    const gpu = await cache.get({ modelId: 'tiny', files, override: 'webgpu' });
    const wasm = await cache.get({ modelId: 'tiny', files, override: 'wasm' });
    expect([gpu.choice.backend, wasm.choice.backend]).toEqual(['webgpu', 'wasm']);
    const a = (await gpu.run({ image: image() })).out!;
    const b = (await wasm.run({ image: image() })).out!;
    expect(maxDiff(a, reference)).toBeLessThan(1e-4);
    expect(maxDiff(b, reference)).toBeLessThan(1e-5);
    expect(maxDiff(a, b.data as Float32Array)).toBeLessThan(1e-4);
  });

  it('refuses WebGPU fp16 without shader-f16 before ORT can return zeros, and says why', async () => {
    const session = await cache.get({ modelId: 'tiny', variants: ['fp32', 'fp16'], files, exact: { backend: 'webgpu', precision: 'fp16' } });
    expect(session.choice).toMatchObject({ backend: 'webgpu', precision: 'fp32' });
    expect(session.choice.reason).toMatch(/fp16 failed \(.*lacks shader-f16/);
    expect(maxDiff((await session.run({ image: image() })).out!, reference)).toBeLessThan(1e-4);
  });

  it('catches the GPU errors of a run the checks would have refused, and falls back mid-job', async () => {
    const load = vi.fn(files);
    const session = await cache.get({ modelId: 'tiny', variants: ['fp32', 'fp16'], files: load, exact: { backend: 'webgpu', precision: 'fp16' }, skipChecks: true });
    // ORT opened the fp16 graph on WebGPU: its shaders fail validation only when it runs.
    expect(session.choice).toMatchObject({ backend: 'webgpu', precision: 'fp16' });
    const out = (await session.run({ image: image() })).out!;
    expect(maxDiff(out, reference)).toBeLessThan(1e-4);
    expect(session.choice).toMatchObject({ backend: 'webgpu', precision: 'fp32' });
    expect(session.choice.reason).toContain('WebGPU reported an error');
    expect(load.mock.calls.map(([p]) => p)).toEqual(['fp16', 'fp32']);
    expect(gpuLostReason()).toBeNull();
  });

  it('opens a model with external data on WebGPU', async () => {
    const { model, data } = withExternalData(bytes.fp32, 'tiny.onnx.data');
    const session = await cache.get({ modelId: 'tiny-ext', files: () => ({ model, externalData: [{ path: 'tiny.onnx.data', data }] }), override: 'webgpu' });
    expect(session.choice.backend).toBe('webgpu');
    expect(maxDiff((await session.run({ image: image() })).out!, reference)).toBeLessThan(1e-4);
  });

  it('unload releases the WebGPU session; a run after it says the model was unloaded', async () => {
    const session = await cache.get({ modelId: 'tiny', files, override: 'webgpu' });
    await session.run({ image: image() });
    expect(cache.list()).toHaveLength(1);
    expect(await cache.unload('tiny')).toBe(1);
    expect(cache.list()).toEqual([]);
    await expect(session.run({ image: image() })).rejects.toThrow(/unloaded/);
  });
});
