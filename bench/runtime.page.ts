// Browser side of the runtime benchmarks (built by bench/lib/browser.ts, driven from
// bench/runtime.ts and bench/ort-node-vs-chromium.ts): a bare ORT session in this page, and the
// same model through our pipeline (WorkerHost → worker → session cache → ModelSession).
// Each call does one run and returns its milliseconds, so Node can interleave runs fairly.

import { loadOrt, type OrtSession } from '../src/runtime/ort.ts';
import { WorkerHost } from '../src/workers/client.ts';
import type { TestApis } from '../tests/browser/workers/tiny-api.ts';

export interface PrepareArgs {
  key: string;
  modelUrl: string;
  dims: number[];
  threads: number;
}

export interface RuntimePage {
  /** Opens the model both ways; returns the thread counts in use and the pipeline's reason. */
  prepare(args: PrepareArgs): Promise<{ bareThreads: number; pipelineThreads: number; reason: string }>;
  bare(key: string): Promise<number>;
  pipeline(key: string): Promise<number>;
  dispose(): Promise<void>;
}

interface Prepared {
  dims: number[];
  input: Float32Array;
  session: OrtSession;
}

const prepared = new Map<string, Prepared>();
const host = new WorkerHost<TestApis>({
  spawners: { tiny: () => new Worker(new URL('../tests/browser/workers/tiny.worker.ts', import.meta.url), { type: 'module', name: 'tiny' }) },
});

function randomInput(dims: readonly number[]): Float32Array {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return data;
}

function get(key: string): Prepared {
  const entry = prepared.get(key);
  if (!entry) throw new Error(`prepare("${key}") first`);
  return entry;
}

const page: RuntimePage = {
  async prepare({ key, modelUrl, dims, threads }) {
    const bytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
    const ort = await loadOrt();
    // ORT reads the thread count once per page, at the first session.
    ort.env.wasm.numThreads = threads;
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    prepared.set(key, { dims, input: randomInput(dims), session });
    await host.call('tiny', 'load', [key, { fp32: bytes.slice() }]);
    const exact = { backend: 'wasm' as const, precision: 'fp32' as const, threads };
    const first = await host.call('tiny', 'infer', [key, { type: 'float32', dims, data: randomInput(dims) }, { exact }]);
    const [info] = (await host.call('tiny', 'sessions', [])).filter((s) => s.modelId === key);
    return { bareThreads: ort.env.wasm.numThreads ?? threads, pipelineThreads: info?.threads ?? -1, reason: first.reason };
  },

  async bare(key) {
    const { dims, input, session } = get(key);
    const ort = await loadOrt();
    const start = performance.now();
    const outputs = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, dims) });
    void outputs[session.outputNames[0]!]!.data;
    return performance.now() - start;
  },

  async pipeline(key) {
    const { dims, input } = get(key);
    // The call moves its input to the worker: each run sends its own copy, made off the clock.
    const data = input.slice();
    const start = performance.now();
    await host.call('tiny', 'infer', [key, { type: 'float32', dims, data }, { exact: { backend: 'wasm', precision: 'fp32' } }]);
    return performance.now() - start;
  },

  async dispose() {
    for (const { session } of prepared.values()) await session.release();
    prepared.clear();
    host.releaseAll();
  },
};

Object.assign(globalThis, { bench: page, benchReady: true });
