// ORT wasm in Node vs ORT wasm in Chromium: one model, same thread count, runs interleaved.
// Options: --size 256 --hidden 32 --threads N --runs 20 --warmup 3
import { cpus } from 'node:os';
import { openBenchPage } from './lib/browser.ts';
import { modelFromOptions } from './lib/model.ts';
import { wasmInNode } from './lib/ort-node.ts';
import { pageRunners } from './lib/page-runners.ts';
import { cliOptions, machineInfo, numberOption, writeResults } from './lib/results.ts';
import { interleave, ratio, summarize } from './lib/stats.ts';
import { printTable } from './lib/table.ts';

const options = cliOptions();
const model = modelFromOptions(options);
// The app's own default (wasmThreads): every core but one for the page, at most 4.
const threads = numberOption(options, 'threads', Math.max(1, Math.min(4, cpus().length - 1)));
const timing = { warmup: numberOption(options, 'warmup', 3), runs: numberOption(options, 'runs', 20) };

const browser = await openBenchPage('bench/runtime.page.ts', { files: new Map([['/model.onnx', model.bytes]]) });
try {
  const inPage = await pageRunners(browser.page, { key: 'model', modelUrl: '/model.onnx', dims: model.dims, threads });
  const node = await wasmInNode(model.bytes, model.dims, threads);
  const samples = await interleave({ chromium: inPage.bare, node: node.run }, timing);
  const c = summarize(samples.chromium);
  const n = summarize(samples.node);
  const chromiumVsNode = ratio(c.median, n.median);
  printTable(`ORT ${machineInfo().onnxruntimeWeb} wasm, ${model.label} (${model.gflop.toFixed(3)} GFLOP), median of ${timing.runs}`, ['where', 'threads', 'median ms', 'min ms', 'max ms', 'GFLOP/s'], [
    ['Chromium page', inPage.bareThreads, c.median, c.min, c.max, model.gflop / (c.median / 1000)],
    ['Node', threads, n.median, n.min, n.max, model.gflop / (n.median / 1000)],
  ]);
  console.log(`Chromium / Node: ${chromiumVsNode} (below 1: Chromium is faster)`);
  const path = writeResults('ort-node-vs-chromium', {
    machine: machineInfo(browser.chromiumVersion),
    model: { label: model.label, gflop: model.gflop, ...model.spec },
    threads,
    ms: { chromium_wasm: c, node_wasm: n },
    chromium_vs_node_wasm_ratio: chromiumVsNode,
  });
  console.log(`wrote ${path}`);
  await node.release();
} finally {
  await browser.close();
}
process.exit(0);
