// ONNX Runtime in Node for benchmarks: onnxruntime-web's wasm build (through the app's runtime
// loader) and onnxruntime-node's native CPU build. Each gives a Runner: one timed run per call.

import { loadOrt } from '../../src/runtime/ort.ts';
import type { Runner } from './stats.ts';

export interface NodeRunner {
  run: Runner;
  release(): Promise<void>;
}

export function randomInput(dims: readonly number[]): Float32Array {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return data;
}

/** onnxruntime-web (wasm) in Node; the thread count is fixed by the process's first session. */
export async function wasmInNode(model: Uint8Array, dims: number[], threads: number): Promise<NodeRunner> {
  const ort = await loadOrt();
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const input = randomInput(dims);
  return {
    async run() {
      const start = performance.now();
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, dims) });
      void out[session.outputNames[0]!]!.data;
      return performance.now() - start;
    },
    release: () => session.release(),
  };
}

/** onnxruntime-node, native CPU; null (with the reason printed) when the package is not installed. */
export async function nativeInNode(model: Uint8Array, dims: number[], threads: number): Promise<NodeRunner | null> {
  let native: typeof import('onnxruntime-node');
  try {
    native = await import('onnxruntime-node');
  } catch (error) {
    console.warn(
      `onnxruntime-node is not available (${String(error)}); skipping the native baseline. ` +
        'Install it with: ONNXRUNTIME_NODE_INSTALL=skip npm install --save-dev onnxruntime-node@1.30',
    );
    return null;
  }
  const session = await native.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const input = randomInput(dims);
  return {
    async run() {
      const start = performance.now();
      const out = await session.run({ [session.inputNames[0]!]: new native.Tensor('float32', input, dims) });
      void out[session.outputNames[0]!]!.data;
      return performance.now() - start;
    },
    release: () => session.release(),
  };
}
