import { describe, expect, it } from 'vitest';
import { chooseBackend, choiceProblem, exactChoice, fallbackAfter } from '../../src/runtime/backend-choice.ts';
import { probePlatform, type PlatformInfo } from '../../src/runtime/platform.ts';
import { fakeGpu as gpu } from './gpu-info-fixture.ts';

const withGpu = (shaderF16: boolean): PlatformInfo => ({ gpu: gpu(shaderF16), webgpuProblem: null, crossOriginIsolated: true, hardwareConcurrency: 4 });
const noGpu: PlatformInfo = { gpu: null, webgpuProblem: 'navigator.gpu is missing', crossOriginIsolated: false, hardwareConcurrency: 4 };

describe('checks and fallbacks', () => {
  it('refuses WebGPU fp16 on an adapter without shader-f16, and WebGPU without an adapter', () => {
    expect(choiceProblem(withGpu(false), exactChoice(withGpu(false), 'webgpu', 'fp16'))).toContain('lacks shader-f16');
    expect(choiceProblem(withGpu(true), exactChoice(withGpu(true), 'webgpu', 'fp16'))).toBeNull();
    expect(choiceProblem(noGpu, exactChoice(noGpu, 'webgpu', 'fp32'))).toBe('navigator.gpu is missing');
    expect(choiceProblem(noGpu, exactChoice(noGpu, 'wasm', 'fp32'))).toBeNull();
  });

  it('steps WebGPU fp16 → WebGPU fp32 → WASM → nothing, carrying the failure in the reason', () => {
    const platform = withGpu(true);
    const fp16 = chooseBackend(platform, { variants: ['fp32', 'fp16'] });
    expect(fp16).toMatchObject({ backend: 'webgpu', precision: 'fp16' });
    const fp32 = fallbackAfter(platform, fp16, 'device lost', ['fp32', 'fp16'])!;
    expect(fp32).toMatchObject({ backend: 'webgpu', precision: 'fp32' });
    expect(fp32.reason).toContain('fp16 failed (device lost)');
    const wasm = fallbackAfter(platform, fp32, 'Buffer size exceeds the limit', ['fp32', 'fp16'])!;
    expect(wasm).toMatchObject({ backend: 'wasm', precision: 'fp32', threads: 3 });
    expect(wasm.reason).toBe('WASM (3 threads) because WebGPU failed: Buffer size exceeds the limit');
    expect(fallbackAfter(platform, wasm, 'anything')).toBeNull();
  });

  it('goes straight to WASM when the model has no fp32 variant or the GPU is gone', () => {
    const fp16 = exactChoice(withGpu(true), 'webgpu', 'fp16');
    expect(fallbackAfter(withGpu(true), fp16, 'x', ['fp16'])).toMatchObject({ backend: 'wasm', precision: 'fp16' });
    expect(fallbackAfter(noGpu, fp16, 'the GPU device was lost', ['fp32', 'fp16'])).toMatchObject({ backend: 'wasm', precision: 'fp32' });
  });

  it('names the exact choice as requested', () => {
    expect(exactChoice(withGpu(false), 'webgpu', 'fp32').reason).toBe('WebGPU fp32 on acme rdna, as requested');
  });
});

describe('probePlatform without a browser', () => {
  it('reports no WebGPU when there is no navigator (Node 20)', async () => {
    const info = await probePlatform({});
    expect(info).toMatchObject({ gpu: null, crossOriginIsolated: false, hardwareConcurrency: 1 });
    expect(info.webgpuProblem).toContain('navigator.gpu is missing');
  });

  it('reports an adapter that is refused', async () => {
    const info = await probePlatform({ navigator: { gpu: { requestAdapter: async () => null } as unknown as GPU, hardwareConcurrency: 8 } });
    expect(info.gpu).toBeNull();
    expect(info.webgpuProblem).toContain('offered no adapter');
  });
});
