// The contract of the test-only "tiny" worker: a stand-in model type that exercises the runtime
// and the worker plumbing the way a real one (esrgan, clip) will.
import type { Backend, BackendOverride, Precision, TensorData } from '../../../src/workers/api.ts';

export interface InferRequest {
  override?: BackendOverride;
  precision?: Precision;
  exact?: { backend: Backend; precision: Precision; threads?: number };
  skipChecks?: boolean;
}

export interface InferResult {
  output: TensorData;
  backend: Backend;
  precision: Precision;
  reason: string;
}

export interface JobRecord {
  method: string;
  steps: number;
  outcome: 'running' | 'done' | 'cancelled' | 'failed';
}

export interface TinyApi {
  /** Hands the worker a model's bytes per precision, as a manager would hold them. */
  load(modelId: string, variants: { fp32?: Uint8Array; fp16?: Uint8Array }): Promise<void>;
  infer(modelId: string, input: TensorData, request?: InferRequest): Promise<InferResult>;
  /** Runs the model on WASM `count` times, a step event and a preview each time, checking for cancel between. */
  steps(modelId: string, input: TensorData, count: number, stepMs: number): Promise<{ output: TensorData; steps: number }>;
  /** The previous job's record; queued behind it, so it answers once that job has ended. */
  lastJob(): Promise<JobRecord | null>;
  /** Returns the very array it received; `keptLength` then says whether the worker's copy moved. */
  echo(data: Float32Array): Promise<Float32Array>;
  keptLength(): Promise<number>;
  /** Runs `steps` steps, then ends the worker: `close` quietly (like an OOM kill), `throw` with an uncaught error. */
  die(how: 'close' | 'throw', steps: number): Promise<void>;
}

export interface TestApis {
  tiny: TinyApi;
}
