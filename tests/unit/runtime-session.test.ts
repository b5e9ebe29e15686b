import { describe, expect, it, vi } from 'vitest';
import { SessionCache } from '../../src/runtime/session-cache.ts';
import { openSession } from '../../src/runtime/session.ts';
import { chooseBackend } from '../../src/runtime/backend-choice.ts';
import type { GpuInfo, PlatformInfo } from '../../src/runtime/platform.ts';
import { float32, type TensorData } from '../../src/runtime/tensor.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { tinyConvModel, tinyConvReference, tinyInput, tinySpec, withExternalData } from '../browser/workers/tiny-conv.ts';

const noGpu: PlatformInfo = { gpu: null, webgpuProblem: 'Node has no WebGPU', crossOriginIsolated: false, hardwareConcurrency: 2 };
const fakeGpu: GpuInfo = {
  vendor: 'acme',
  architecture: 'test',
  device: '',
  description: '',
  isFallbackAdapter: false,
  shaderF16: true,
  features: ['shader-f16'],
  limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 256 },
};
// Claims a GPU that ORT in Node cannot use: every WebGPU session creation fails for real.
const phantomGpu: PlatformInfo = { ...noGpu, gpu: fakeGpu, webgpuProblem: null };

const image = () => float32(tinyInput(), [1, 3, tinySpec.size, tinySpec.size]);
const fp32 = tinyConvModel(tinySpec, 'fp32');
const fp16 = tinyConvModel(tinySpec, 'fp16');

function expectClose(actual: TensorData, expected: Float32Array, tolerance: number) {
  expect(actual.type).toBe('float32');
  const data = actual.data as Float32Array;
  expect(data.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - expected[i]!));
  expect(worst).toBeLessThan(tolerance);
}

describe('sessions in Node (ORT wasm)', () => {
  it('runs a model from bytes on WASM and matches the CPU reference', async () => {
    const cache = new SessionCache(async () => noGpu);
    const session = await cache.get({ modelId: 'tiny', files: () => ({ model: fp32 }) });
    expect(session.info).toMatchObject({ backend: 'wasm', precision: 'fp32', inputs: ['image'], outputs: ['out'] });
    expect(session.info.reason).toContain('Node has no WebGPU');
    const { out } = await session.run({ image: image() });
    expectClose(out!, tinyConvReference(tinyInput()), 1e-5);
    await cache.unload();
  });

  it('falls back to WASM when the WebGPU session cannot be created, and keeps the reason', async () => {
    const cache = new SessionCache(async () => phantomGpu);
    const load = vi.fn(() => ({ model: fp32 }));
    const events: string[] = [];
    const session = await cache.get({ modelId: 'tiny', files: load, onProgress: (e) => e.kind === 'load' && events.push(e.backend) });
    expect(session.choice.backend).toBe('wasm');
    expect(session.choice.reason).toMatch(/^WASM .* because WebGPU failed: .*webgpu/i);
    expect(events).toEqual(['webgpu', 'wasm']);
    expectClose((await session.run({ image: image() })).out!, tinyConvReference(tinyInput()), 1e-5);
    await cache.unload();
  });

  it('reuses one session per model, backend and precision, and releases it on unload', async () => {
    const cache = new SessionCache(async () => noGpu);
    const load = vi.fn(() => ({ model: fp32 }));
    const [a, b] = await Promise.all([cache.get({ modelId: 'tiny', files: load }), cache.get({ modelId: 'tiny', files: load })]);
    expect(a).toBe(b);
    expect(load).toHaveBeenCalledTimes(1);
    expect(cache.list()).toHaveLength(1);
    const release = vi.spyOn(a, 'release');
    expect(await cache.unload('other')).toBe(0);
    expect(await cache.unload('tiny')).toBe(1);
    expect(release).toHaveBeenCalledOnce();
    expect(cache.list()).toEqual([]);
    await expect(a.run({ image: image() })).rejects.toThrow(/unloaded/);
    const c = await cache.get({ modelId: 'tiny', files: load });
    expect(c).not.toBe(a);
    await cache.unload();
  });

  it('opens a model whose weights are external data', async () => {
    const { model, data } = withExternalData(fp32, 'tiny.onnx.data');
    expect(model.length).toBeLessThan(fp32.length / 2);
    const cache = new SessionCache(async () => noGpu);
    const session = await cache.get({ modelId: 'tiny-ext', files: () => ({ model, externalData: [{ path: 'tiny.onnx.data', data }] }) });
    expectClose((await session.run({ image: image() })).out!, tinyConvReference(tinyInput()), 1e-5);
    await cache.unload();
  });

  it('feeds float32 to an fp16 graph and returns float32', async () => {
    const cache = new SessionCache(async () => noGpu);
    const session = await cache.get({ modelId: 'tiny16', variants: ['fp16'], files: () => ({ model: fp16 }), exact: { backend: 'wasm', precision: 'fp16' } });
    const { out } = await session.run({ image: image() });
    expectClose(out!, tinyConvReference(tinyInput()), 0.05);
    await cache.unload();
  });

  it('names a missing input as the user-facing error', async () => {
    const cache = new SessionCache(async () => noGpu);
    const session = await cache.get({ modelId: 'tiny', files: () => ({ model: fp32 }) });
    await expect(session.run({ picture: image() })).rejects.toBeInstanceOf(InvalidInputError);
    await cache.unload();
  });

  it('says which model could not be opened when the bytes are not a model', async () => {
    const cache = new SessionCache(async () => noGpu);
    await expect(cache.get({ modelId: 'broken', files: () => ({ model: new Uint8Array([1, 2, 3]) }) })).rejects.toThrow(/broken could not be opened/);
  });

  it('opens one variant for a manager that chose already, with the same fallback', async () => {
    const session = await openSession({ model: fp32 }, chooseBackend(phantomGpu), 'tiny', phantomGpu);
    expect(session.choice.backend).toBe('wasm');
    expect(session.choice.reason).toContain('WebGPU failed');
    expectClose((await session.run({ image: image() })).out!, tinyConvReference(tinyInput()), 1e-5);
    await session.release();
  });

  it('applies the Settings backend to requests that name none, releasing sessions when it changes', async () => {
    const cache = new SessionCache(async () => phantomGpu);
    await cache.configure({ override: 'wasm' });
    const forced = await cache.get({ modelId: 'tiny', files: () => ({ model: fp32 }) });
    expect(forced.choice.reason).toContain('Settings ask for WASM');
    await cache.configure({ override: 'wasm' });
    expect(cache.list()).toHaveLength(1); // unchanged: nothing released
    await cache.configure({ override: 'auto' });
    expect(cache.list()).toEqual([]);
    const auto = await cache.get({ modelId: 'tiny', files: () => ({ model: fp32 }) });
    expect(auto.choice.reason).toContain('WebGPU failed'); // it tried WebGPU first again
    await cache.unload();
  });

  it('passes a failure to read the bytes on as it is, without trying other backends', async () => {
    const cache = new SessionCache(async () => phantomGpu);
    const missing = new InvalidInputError('The fp32 file of tiny is not downloaded; download it in Models.');
    const load = vi.fn(() => Promise.reject(missing));
    await expect(cache.get({ modelId: 'tiny', files: load })).rejects.toBe(missing);
    expect(load).toHaveBeenCalledOnce();
  });
});
