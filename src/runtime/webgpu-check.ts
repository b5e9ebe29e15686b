// Catches WebGPU failures that ORT does not report. ORT logs uncaptured GPU validation errors to
// the console and carries on, so a kernel that failed to compile (fp16 without shader-f16, a
// buffer over a limit) yields zeros instead of an error. Wrapping each run in error scopes turns
// those into a thrown error the session can fall back on; a lost device is remembered so later
// sessions go straight to WASM.

import { BackendUnavailableError } from '../shared/errors.ts';
import type { PlatformInfo } from './platform.ts';
import { ortGpuDevice } from './ort.ts';

let lostReason: string | null = null;
let watched: GPUDevice | null = null;

/** Why WebGPU can no longer be used in this worker, or null while it can. */
export function gpuLostReason(): string | null {
  return lostReason;
}

/** The platform as sessions should see it now: without a GPU once ORT's device was lost. */
export function usablePlatform(platform: PlatformInfo): PlatformInfo {
  if (!lostReason) return platform;
  return { ...platform, gpu: null, webgpuProblem: lostReason };
}

/** ORT's device, watched for loss from the first time a WebGPU session asks for it. */
export async function watchedGpuDevice(): Promise<GPUDevice | null> {
  const device = await ortGpuDevice();
  if (device && device !== watched) {
    watched = device;
    void device.lost.then((info) => {
      // ORT keeps one device per worker and cannot make another: WebGPU is over until a restart.
      lostReason = `the GPU device was lost (${info.message || info.reason}); restart the app to use WebGPU again`;
    });
  }
  return device;
}

const filters: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/** Runs `work` with error scopes pushed on `device`; any GPU error raised meanwhile is thrown. */
export async function withGpuErrorCheck<T>(device: GPUDevice, work: () => Promise<T>): Promise<T> {
  for (const filter of filters) device.pushErrorScope(filter);
  let result: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    result = { ok: true, value: await work() };
  } catch (error) {
    result = { ok: false, error };
  }
  // Scopes pop in reverse order; all of them must pop, whatever happened.
  const errors = await Promise.all(filters.map(() => device.popErrorScope()));
  const gpuError = errors.find((error): error is GPUError => error !== null);
  if (gpuError) {
    throw new BackendUnavailableError(`WebGPU reported an error while running: ${firstLine(gpuError.message)}`, { cause: gpuError });
  }
  if (!result.ok) throw result.error;
  if (lostReason) throw new BackendUnavailableError(lostReason);
  return result.value;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
