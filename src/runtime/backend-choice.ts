// Picks the execution backend and precision for a model on this platform, with a one-line reason
// the UI shows. Order: webgpu + fp16 (shader-f16 and an fp16 variant), webgpu + fp32, wasm.

import { describeGpu, type PlatformInfo } from './platform.ts';

export type Backend = 'webgpu' | 'wasm';
export type Precision = 'fp32' | 'fp16' | 'q8';
export type BackendOverride = 'auto' | Backend;

export interface BackendChoice {
  backend: Backend;
  precision: Precision;
  /** WASM threads; 1 when the page is not cross-origin isolated. */
  threads: number;
  reason: string;
}

export interface ChoiceRequest {
  override?: BackendOverride;
  /** Precision variants the model ships; defaults to fp32 only. */
  variants?: readonly Precision[];
  /** Precision the user asked for; honoured only where the backend can run it. */
  precision?: Precision;
  /** WASM threads the user asked for (Settings); at most the machine's cores, 1 without cross-origin isolation. */
  threads?: number;
}

/** WASM threads: `wanted` when the user set it, else all cores but one for the page, at most 4 (ORT gains little beyond). */
export function wasmThreads(platform: PlatformInfo, wanted?: number): number {
  if (!platform.crossOriginIsolated) return 1;
  if (wanted !== undefined && wanted >= 1) return Math.max(1, Math.min(Math.floor(wanted), platform.hardwareConcurrency));
  return Math.max(1, Math.min(4, platform.hardwareConcurrency - 1));
}

function wasmChoice(platform: PlatformInfo, variants: readonly Precision[], why: string, wanted?: number): BackendChoice {
  const threads = wasmThreads(platform, wanted);
  // fp16 runs on WASM only by upcasting every op; prefer fp32, then q8, then what exists.
  const precision: Precision = variants.includes('fp32') ? 'fp32' : variants.includes('q8') ? 'q8' : (variants[0] ?? 'fp32');
  const threadNote = platform.crossOriginIsolated ? `${threads} thread${threads === 1 ? '' : 's'}` : '1 thread: page not cross-origin isolated';
  return { backend: 'wasm', precision, threads, reason: `WASM (${threadNote}) ${why}` };
}

export function chooseBackend(platform: PlatformInfo, request: ChoiceRequest = {}): BackendChoice {
  const override = request.override ?? 'auto';
  const variants = request.variants && request.variants.length > 0 ? request.variants : (['fp32'] as const);
  if (override === 'wasm') return wasmChoice(platform, variants, 'because Settings ask for WASM', request.threads);
  if (!platform.gpu) return wasmChoice(platform, variants, `because ${platform.webgpuProblem ?? 'WebGPU is unavailable'}`, request.threads);

  const name = describeGpu(platform.gpu);
  const threads = wasmThreads(platform, request.threads);
  const wantsFp16 = request.precision === undefined || request.precision === 'fp16';
  if (wantsFp16 && variants.includes('fp16')) {
    if (platform.gpu.shaderF16) {
      return { backend: 'webgpu', precision: 'fp16', threads, reason: `WebGPU fp16 on ${name}` };
    }
    if (variants.includes('fp32')) {
      return { backend: 'webgpu', precision: 'fp32', threads, reason: `WebGPU fp32 on ${name}: the adapter lacks shader-f16` };
    }
    return wasmChoice(platform, variants, `because ${name} lacks shader-f16 and the model ships only fp16`, request.threads);
  }
  const precision: Precision = variants.includes('fp32') ? 'fp32' : (variants[0] ?? 'fp32');
  const forced = override === 'webgpu' ? ' (Settings ask for WebGPU)' : '';
  return { backend: 'webgpu', precision, threads, reason: `WebGPU ${precision} on ${name}${forced}` };
}

/** Takes exactly this backend and precision (benchmarks, tests, an expert setting); checked before use. */
export function exactChoice(platform: PlatformInfo, backend: Backend, precision: Precision, threads = wasmThreads(platform)): BackendChoice {
  const where = backend === 'webgpu' && platform.gpu ? ` on ${describeGpu(platform.gpu)}` : ` (${threads} thread${threads === 1 ? '' : 's'})`;
  return { backend, precision, threads, reason: `${backend === 'webgpu' ? 'WebGPU' : 'WASM'} ${precision}${where}, as requested` };
}

/**
 * Why `choice` cannot run on this platform, or null when it can. Checked before a session is
 * created because ORT does not refuse these itself: fp16 kernels on an adapter without shader-f16
 * fail WGSL validation inside ORT, which only logs it and returns zeros.
 */
export function choiceProblem(platform: PlatformInfo, choice: BackendChoice): string | null {
  if (choice.backend !== 'webgpu') return null;
  if (!platform.gpu) return platform.webgpuProblem ?? 'WebGPU is unavailable';
  if (choice.precision === 'fp16' && !platform.gpu.shaderF16) {
    return `${describeGpu(platform.gpu)} lacks shader-f16, which fp16 on WebGPU needs`;
  }
  return null;
}

/**
 * The next thing to try after `failed` could not open or run, with the failure in its reason:
 * WebGPU fp16 → WebGPU fp32 (when the model ships fp32) → WASM → nothing. A platform whose GPU
 * is gone (device lost) is passed with `gpu: null`, which skips straight to WASM.
 */
export function fallbackAfter(platform: PlatformInfo, failed: BackendChoice, why: string, variants: readonly Precision[] = ['fp32']): BackendChoice | null {
  if (failed.backend === 'wasm') return null;
  if (failed.precision !== 'fp32' && variants.includes('fp32') && platform.gpu) {
    return { backend: 'webgpu', precision: 'fp32', threads: wasmThreads(platform), reason: `WebGPU fp32 on ${describeGpu(platform.gpu)}: ${failed.precision} failed (${why})` };
  }
  return wasmChoice(platform, variants, `because WebGPU failed: ${why}`);
}
