// The one module that imports onnxruntime-web.
// It is imported dynamically, in its own chunk: imported statically into an app entry, ORT's
// threaded wasm worker starts from that chunk, runs app code and dies. In the browser the loader
// and wasm are served from a fixed path (public/ort/, copied by scripts/prepare-assets.mjs), so
// the built app and its service worker know exactly which files to serve offline.

import type * as Ort from 'onnxruntime-web';
import type { BackendChoice } from './backend-choice.ts';

export type OrtModule = typeof Ort;
export type OrtSession = Ort.InferenceSession;
export type OrtTensor = Ort.Tensor;

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

/** Creates a session from model bytes the caller already holds (never a second download). */
export async function createSession(model: Uint8Array, choice: BackendChoice): Promise<OrtSession> {
  const ort = await loadOrt();
  ort.env.wasm.numThreads = choice.threads;
  return ort.InferenceSession.create(model, {
    executionProviders: [choice.backend],
    graphOptimizationLevel: 'all',
  });
}
