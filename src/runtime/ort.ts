// The one module that imports onnxruntime-web.
// It is imported dynamically, in its own chunk: imported statically into an app entry, ORT's
// threaded wasm worker starts from that chunk, runs app code and dies. In the browser the loader
// and wasm are served from a fixed path (public/ort/, copied by scripts/prepare-assets.mjs), so
// ORT's thread workers start from that file, and the built app and its service worker know
// exactly which files to serve offline.

import type * as Ort from 'onnxruntime-web';
import type { BackendChoice } from './backend-choice.ts';
import { adapterFromProbe } from './platform.ts';
import type { TensorArray, TensorData, TensorType } from './tensor.ts';

export type OrtModule = typeof Ort;
export type OrtSession = Ort.InferenceSession;
export type OrtTensor = Ort.Tensor;

/** One external-data file of a model over 2 GB, by the name the .onnx file refers to it. */
export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

/** The bytes of one precision variant, as a manager holds them: never fetched again here. */
export interface ModelFiles {
  model: Uint8Array;
  externalData?: readonly ExternalDataFile[];
}

let ortPromise: Promise<OrtModule> | undefined;

// In Node (unit tests, benchmarks) ORT finds its wasm next to itself.
const inBrowser = !(typeof process !== 'undefined' && process.versions?.node);

function ortBaseUrl(): string {
  const base = import.meta.env?.BASE_URL ?? '/';
  return new URL(`${base}ort/`, self.location.origin).href;
}

export function loadOrt(): Promise<OrtModule> {
  ortPromise ??= import('onnxruntime-web').then((ort) => {
    if (inBrowser) ort.env.wasm.wasmPaths = ortBaseUrl();
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortPromise;
}

let threadsInUse: number | null = null;
let webGpuStarted = false;

/** WASM threads of this realm: ORT reads the setting once, at the first session. Null before. */
export function wasmThreadsInUse(): number | null {
  return threadsInUse;
}

/** Creates a session from model bytes the caller already holds (never a second download). */
export async function createOrtSession(files: ModelFiles, choice: BackendChoice): Promise<OrtSession> {
  const ort = await loadOrt();
  if (threadsInUse === null) {
    ort.env.wasm.numThreads = choice.threads;
    threadsInUse = choice.threads;
  }
  if (choice.backend === 'webgpu') {
    // Hand ORT the adapter the probe inspected, so its device has the features we checked.
    const adapter = adapterFromProbe();
    if (adapter && !webGpuStarted) ort.env.webgpu.adapter = adapter;
  }
  const session = await ort.InferenceSession.create(files.model, {
    executionProviders: [choice.backend],
    graphOptimizationLevel: 'all',
    ...(files.externalData?.length ? { externalData: files.externalData.map(({ path, data }) => ({ path, data })) } : {}),
  });
  if (choice.backend === 'webgpu') webGpuStarted = true;
  return session;
}

/** ORT's GPUDevice once a WebGPU session exists (asking earlier would make ORT create one). */
export async function ortGpuDevice(): Promise<GPUDevice | null> {
  if (!webGpuStarted) return null;
  const ort = await loadOrt();
  return ort.env.webgpu.device;
}

export async function toOrtTensor(tensor: TensorData): Promise<OrtTensor> {
  const ort = await loadOrt();
  return new ort.Tensor(tensor.type, tensor.data, tensor.dims);
}

const arrayTypes: Record<TensorType, new (buffer: ArrayBufferLike, offset: number, length: number) => TensorArray> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export function isTensorType(type: string): type is TensorType {
  return type in arrayTypes;
}

/** Copies nothing: the result views ORT's output array (already a copy out of the wasm heap). */
export function fromOrtTensor(value: OrtTensor, name: string): TensorData {
  if (!isTensorType(value.type)) throw new TypeError(`Output ${name} has type ${value.type}, which the runtime does not pass on.`);
  const source = value.data as ArrayBufferView;
  const View = arrayTypes[value.type];
  // float16 arrives as Float16Array where the browser has one; keep the portable 16-bit view.
  const data = new View(source.buffer, source.byteOffset, value.size);
  return { type: value.type, dims: [...value.dims], data } as TensorData;
}
