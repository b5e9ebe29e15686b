// The contract between the page and the workers: types only, so the UI never bundles worker code.
// A model type's API is an interface of async methods; the page calls them through WorkerHost
// (client.ts) and the worker implements them as a table of handlers (expose.ts), each handler
// taking a JobContext (abort signal, progress) before the arguments.

import type { Backend, BackendChoice, BackendOverride, Precision } from '../runtime/backend-choice.ts';
import type { PlatformInfo } from '../runtime/platform.ts';
import type { SessionInfo } from '../runtime/session.ts';
import type { TensorData, TensorType } from '../runtime/tensor.ts';
import type { RgbaImage } from '../shared/image/types.ts';
import type { ProgressCallback, ProgressEvent } from '../shared/progress.ts';
import type { InterrogateApi } from './interrogate/types.ts';
import type { TrainApi } from './train/types.ts';
import type { ModelsApi } from './models/types.ts';
import type { GenerateApi } from './generate/types.ts';
import type { GalleryApi } from './gallery/types.ts';
import type { PostProcessApi } from './postprocess/types.ts';

export type * from './interrogate/types.ts';
export type * from './train/types.ts';
export type * from './models/types.ts';
export type { GenerateApi, GenerateJob, GenerateJobImage, GenerateJobResult, GenerateRequest, JobReport, LoraInfo, LoraUse, MaskMode, SdFile, SdModelInfo, SdModelKind, SdUpscaleRequest, UpscaleJob, UpscaleJobResult, UseFilesOptions } from './generate/types.ts';
export type * from './gallery/types.ts';
export type * from './postprocess/types.ts';
export type { Backend, BackendChoice, BackendOverride, PlatformInfo, Precision, ProgressCallback, ProgressEvent, RgbaImage, SessionInfo, TensorData, TensorType };

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

/** Settings every worker applies to the sessions it opens (from the app's Settings page). */
export interface WorkerSettings {
  /** 'auto' picks per model and machine; 'webgpu' or 'wasm' is the user's override. */
  backend: BackendOverride;
  /** 'auto' runs what the machine runs best (fp16 on WebGPU with shader-f16); 'fp32' or 'fp16' where a model has it. */
  precision?: Precision | 'auto';
  /** WASM threads; 'auto' lets the runtime choose. A worker fixes its count at its first session. */
  wasmThreads?: number | 'auto';
  /** Run the Stable Diffusion safety checker on generated images (default on). */
  safetyChecker?: boolean;
}

/** Methods every worker answers (expose.ts provides them; they skip the worker's job queue). */
export interface BuiltinApi {
  /** Applies settings to later sessions; a changed backend releases the sessions opened under the old one. */
  configure(settings: WorkerSettings): Promise<void>;
  /** Releases the worker's sessions of `modelId` (all when omitted), returning their memory and GPU buffers. */
  unload(modelId?: string): Promise<number>;
  /** The sessions the worker holds, each with its backend and the reason it was chosen. */
  sessions(): Promise<SessionInfo[]>;
}

/** One worker per entry, spawned on first use. */
export interface WorkerApis {
  system: SystemApi;
  postprocess: PostProcessApi;
  models: ModelsApi;
  interrogate: InterrogateApi;
  generate: GenerateApi;
  gallery: GalleryApi;
  train: TrainApi;
}

export type WorkerKind = keyof WorkerApis;

/** A worker's API as the page sees it: the type's own methods plus the builtins. */
export type ApiOf<Api> = Api & BuiltinApi;

/** Options of one call from the page. */
export interface CallOptions {
  /** Aborting rejects the call with CancelledError at once; the worker's job stops at its next check. */
  signal?: AbortSignal;
  /** Receives download, load, step, tile, preview and done events from the worker. */
  onProgress?: ProgressCallback;
  /**
   * 'auto' (default) moves every ArrayBuffer in the arguments to the worker, leaving the caller's
   * views detached: pass `data.slice()` to keep a copy. 'none' copies instead.
   */
  transfer?: 'auto' | 'none';
}

type AnyMethod = (...args: never[]) => Promise<unknown>;

/** Names of an API's methods. */
export type MethodName<Api> = { [M in keyof Api]: Api[M] extends AnyMethod ? M : never }[keyof Api] & keyof Api & string;
export type MethodArgs<F> = F extends (...args: infer A) => Promise<unknown> ? A : never;
export type MethodResult<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

/** An API's methods as the page calls them: same arguments, same promised result. */
export type JobClient<Api> = { [M in MethodName<Api>]: (...args: MethodArgs<Api[M]>) => Promise<MethodResult<Api[M]>> };
