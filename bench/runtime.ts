// The runtime's costs: (a) our worker pipeline vs a bare ORT session in the same page; (b) ORT wasm in Chromium vs onnxruntime-node native CPU.
// (a) times WorkerHost → worker → session cache → ModelSession and back, buffers moved, against
// ORT called directly in the page; (b) the same model and thread count in both. Runs are
// interleaved round by round so a busy moment on the machine hits every variant alike.
// Options: --size 256 --hidden 32 --threads N --runs 20 --warmup 3
import { cpus } from 'node:os';
import { openBenchPage } from './lib/browser.ts';
import { benchModel, modelFromOptions } from './lib/model.ts';
import { nativeInNode, wasmInNode } from './lib/ort-node.ts';
import { pageRunners } from './lib/page-runners.ts';
import { cliOptions, machineInfo, numberOption, writeResults } from './lib/results.ts';
import { interleave, ratio, summarize, type Runner, type Summary } from './lib/stats.ts';
import { printTable, type Cell } from './lib/table.ts';

const options = cliOptions();
const model = modelFromOptions(options);
// A tiny model too: there the fixed cost per call shows, not the compute.
const tiny = benchModel({ channels: 3, hidden: 8, size: 16, seed: 1 });
// The app's own default (wasmThreads): every core but one for the page, at most 4.
const threads = numberOption(options, 'threads', Math.max(1, Math.min(4, cpus().length - 1)));
const timing = { warmup: numberOption(options, 'warmup', 3), runs: numberOption(options, 'runs', 20) };

const files = new Map([
  ['/model.onnx', model.bytes],
  ['/tiny.onnx', tiny.bytes],
]);
const browser = await openBenchPage('bench/runtime.page.ts', { files });
try {
  const main = await pageRunners(browser.page, { key: 'model', modelUrl: '/model.onnx', dims: model.dims, threads });
  const small = await pageRunners(browser.page, { key: 'tiny', modelUrl: '/tiny.onnx', dims: tiny.dims, threads });
  const nodeWasm = await wasmInNode(model.bytes, model.dims, threads);
  const native = await nativeInNode(model.bytes, model.dims, threads);

  const runners: Record<string, Runner> = { bare: main.bare, pipeline: main.pipeline, nodeWasm: nodeWasm.run };
  if (native) runners.native = native.run;
  const samples = await interleave(runners, timing);
  const fixed = await interleave({ bare: small.bare, pipeline: small.pipeline }, { warmup: timing.warmup, runs: timing.runs * 5 });

  const s = (name: string): Summary | null => (samples[name] ? summarize(samples[name]) : null);
  const bare = s('bare')!;
  const pipeline = s('pipeline')!;
  const nativeMs = s('native');
  const nodeWasmMs = s('nodeWasm')!;
  const bareTiny = summarize(fixed.bare);
  const pipelineTiny = summarize(fixed.pipeline);
  const pipelineOverhead = ratio(pipeline.median, bare.median);
  const wasmVsNative = nativeMs ? ratio(bare.median, nativeMs.median) : null;

  const row = (label: string, x: Summary | null, against: Summary | null): Cell[] =>
    x ? [label, x.median, x.min, x.max, against ? ratio(x.median, against.median) : null] : [label, null, null, null, null];
  printTable(`${model.label} (${model.gflop.toFixed(3)} GFLOP), wasm, ${threads} thread(s), median of ${timing.runs}`, ['run', 'median ms', 'min ms', 'max ms', 'ratio'], [
    row('(a) bare ORT session, Chromium page', bare, null),
    row('(a) our pipeline: worker + session', pipeline, bare),
    row('(b) ORT wasm, Chromium page', bare, nativeMs),
    row('(b) onnxruntime-node native CPU', nativeMs, null),
    row('    ORT wasm, Node (reference)', nodeWasmMs, nativeMs),
  ]);
  printTable(`fixed cost per call: ${tiny.label}, median of ${timing.runs * 5}`, ['run', 'median ms', 'min ms', 'max ms', 'ratio'], [
    row('bare ORT session, Chromium page', bareTiny, null),
    row('our pipeline: worker + session', pipelineTiny, bareTiny),
  ]);
  console.log(`pipeline_overhead_ratio ${pipelineOverhead}   wasm_vs_native_ratio ${wasmVsNative ?? 'n/a (no onnxruntime-node)'}`);
  console.log(`threads: page ${main.bareThreads}, pipeline worker ${main.pipelineThreads}, Node ${threads}; pipeline session: ${main.reason}`);

  const path = writeResults('runtime', {
    machine: machineInfo(browser.chromiumVersion),
    model: { label: model.label, gflop: model.gflop, ...model.spec },
    threads: { requested: threads, page: main.bareThreads, pipeline_worker: main.pipelineThreads },
    ms: { bare_ort_page: bare, pipeline, node_native: nativeMs, node_wasm: nodeWasmMs },
    fixed_cost_ms: {
      model: tiny.label,
      bare_ort_page: bareTiny,
      pipeline: pipelineTiny,
      per_call_overhead: Math.round((pipelineTiny.median - bareTiny.median) * 1000) / 1000,
    },
    pipeline_overhead_ratio: pipelineOverhead,
    wasm_vs_native_ratio: wasmVsNative,
    // The same ratios from the fastest runs: on a busy machine, closer to what each can do alone.
    pipeline_overhead_ratio_min: ratio(pipeline.min, bare.min),
    wasm_vs_native_ratio_min: nativeMs ? ratio(bare.min, nativeMs.min) : null,
  });
  console.log(`wrote ${path}`);
  await nodeWasm.release();
  await native?.release();
} finally {
  await browser.close();
}
process.exit(0);
