// The contract between the page and the workers: types only, so the UI never bundles worker code.

import type { BackendChoice, BackendOverride } from '../runtime/backend-choice.ts';
import type { PlatformInfo } from '../runtime/platform.ts';

export type { BackendChoice, BackendOverride, PlatformInfo };

export interface PlatformReport {
  platform: PlatformInfo;
  /** The adapter as a person would name it, "(software)" for a fallback adapter; null without WebGPU. */
  gpuName: string | null;
  /** What a model with fp32 and fp16 variants would run on, with the reason. */
  choice: BackendChoice;
}

/** The system worker: probes the platform from where the models run (a worker, not the page). */
export interface SystemApi {
  probe(override: BackendOverride): Promise<PlatformReport>;
}

export interface WorkerApis {
  system: SystemApi;
}

export type WorkerKind = keyof WorkerApis;
