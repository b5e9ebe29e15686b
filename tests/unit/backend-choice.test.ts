import { describe, expect, it } from 'vitest';
import { chooseBackend, wasmThreads } from '../../src/runtime/backend-choice.ts';
import type { PlatformInfo } from '../../src/runtime/platform.ts';
import { fakeGpu as gpu } from './gpu-info-fixture.ts';

const platform = (over: Partial<PlatformInfo>): PlatformInfo => ({
  gpu: null,
  webgpuProblem: 'no navigator.gpu',
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
  ...over,
});

describe('chooseBackend', () => {
  it('takes WebGPU fp16 when the adapter has shader-f16 and the model an fp16 variant', () => {
    const choice = chooseBackend(platform({ gpu: gpu(true), webgpuProblem: null }), { variants: ['fp32', 'fp16'] });
    expect(choice).toMatchObject({ backend: 'webgpu', precision: 'fp16' });
    expect(choice.reason).toContain('acme rdna');
  });

  it('falls back to WebGPU fp32 without shader-f16 and says so', () => {
    const choice = chooseBackend(platform({ gpu: gpu(false), webgpuProblem: null }), { variants: ['fp32', 'fp16'] });
    expect(choice).toMatchObject({ backend: 'webgpu', precision: 'fp32' });
    expect(choice.reason).toContain('lacks shader-f16');
  });

  it('uses WASM when the model is fp16-only and the adapter cannot run fp16', () => {
    const choice = chooseBackend(platform({ gpu: gpu(false), webgpuProblem: null }), { variants: ['fp16'] });
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toContain('only fp16');
  });

  it('uses WASM without WebGPU and gives the probe’s reason', () => {
    const choice = chooseBackend(platform({}), { variants: ['fp32'] });
    expect(choice).toMatchObject({ backend: 'wasm', precision: 'fp32', threads: 4 });
    expect(choice.reason).toContain('no navigator.gpu');
  });

  it('honours a WASM override even with a GPU', () => {
    expect(chooseBackend(platform({ gpu: gpu(true), webgpuProblem: null }), { override: 'wasm' }).backend).toBe('wasm');
  });

  it('runs WASM single-threaded when the page is not cross-origin isolated', () => {
    const p = platform({ crossOriginIsolated: false });
    expect(wasmThreads(p)).toBe(1);
    expect(chooseBackend(p).reason).toContain('not cross-origin isolated');
  });

  it('leaves one core to the page and caps threads at 4', () => {
    expect(wasmThreads(platform({ hardwareConcurrency: 2 }))).toBe(1);
    expect(wasmThreads(platform({ hardwareConcurrency: 3 }))).toBe(2);
    expect(wasmThreads(platform({ hardwareConcurrency: 32 }))).toBe(4);
  });
});
