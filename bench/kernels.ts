// Our WGSL matmul and conv2d against onnxruntime-web's WebGPU MatMul and Conv on the same adapter and shapes, and LoRA training steps/s.
// Runs in Chromium (the tests' browser; headless it gets the software adapter, SwiftShader, so
// the figures say how the kernels compare, not what a real GPU does). Runs of ours and ORT's are
// interleaved round by round; ratios are ORT's median ÷ ours (above 1: ours is faster). For
// Conv, ORT runs with both layouts (NHWC, its default, and NCHW) and the faster one counts.
// Options: --runs 5 --warmup 1 --steps 5 --quick (fewer shapes)
import { GraphBuilder } from '../scripts/onnx/graph-builder.ts';
import type { ConvArgs, KernelsPage, MatmulArgs } from './kernels.page.ts';
import { openBenchPage } from './lib/browser.ts';
import { cliOptions, machineInfo, numberOption, writeResults } from './lib/results.ts';
import { interleave, summarize, type Runner, type Summary } from './lib/stats.ts';
import { printTable, type Cell } from './lib/table.ts';

const options = cliOptions();
const timing = { warmup: numberOption(options, 'warmup', 1), runs: numberOption(options, 'runs', 5) };
const steps = numberOption(options, 'steps', 5);
const quick = options.has('quick');

interface MatmulShape {
  label: string;
  a: number[];
  b: number[];
}
interface ConvShape {
  label: string;
  x: number[];
  out: number;
  k: number;
  stride: number;
  padding: number;
}

const matmuls: MatmulShape[] = [
  { label: '256×256 · 256×256', a: [256, 256], b: [256, 256] },
  { label: '512×512 · 512×512', a: [512, 512], b: [512, 512] },
  { label: 'linear 1024×320 · 320×320', a: [1024, 320], b: [320, 320] },
  { label: 'batched 8 × (256×40 · 40×256)', a: [8, 256, 40], b: [8, 40, 256] },
].slice(0, quick ? 2 : undefined);

const convs: ConvShape[] = [
  { label: '3×3 64→64, 32×32', x: [1, 64, 32, 32], out: 64, k: 3, stride: 1, padding: 1 },
  { label: '3×3 s2 64→128, 64×64→32×32', x: [1, 64, 64, 64], out: 128, k: 3, stride: 2, padding: 1 },
  { label: '1×1 320→320, 32×32', x: [1, 320, 32, 32], out: 320, k: 1, stride: 1, padding: 0 },
  { label: '3×3 4→320, 64×64 (UNet conv_in)', x: [1, 4, 64, 64], out: 320, k: 3, stride: 1, padding: 1 },
].slice(0, quick ? 2 : undefined);

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function seeded(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function matmulModel(m: MatmulShape): Uint8Array {
  const g = new GraphBuilder('matmul');
  const a = g.input('a', 'float32', m.a);
  const b = g.input('b', 'float32', m.b);
  const outDims = [...m.a.slice(0, -1), m.b[m.b.length - 1]!];
  g.output(g.node('MatMul', [a, b]), 'y', 'float32', outDims);
  return g.toBytes();
}

/** Conv with W and B as initializers (how models hold them), values also served to the page. */
function convModel(c: ConvShape, w: Float32Array, bias: Float32Array): Uint8Array {
  const g = new GraphBuilder('conv');
  const x = g.input('x', 'float32', c.x);
  const wName = g.float('w', [c.out, c.x[1]!, c.k, c.k], w);
  const bName = g.float('bias', [c.out], bias);
  const ho = Math.floor((c.x[2]! + 2 * c.padding - c.k) / c.stride) + 1;
  const wo = Math.floor((c.x[3]! + 2 * c.padding - c.k) / c.stride) + 1;
  const pads = [c.padding, c.padding, c.padding, c.padding];
  const y = g.node('Conv', [x, wName, bName], { kernel_shape: [c.k, c.k], strides: [c.stride, c.stride], pads });
  g.output(y, 'y', 'float32', [c.x[0]!, c.out, ho, wo]);
  return g.toBytes();
}

const files = new Map<string, Uint8Array>();
const matmulArgs: MatmulArgs[] = matmuls.map((m, i) => {
  files.set(`/matmul-${i}.onnx`, matmulModel(m));
  return { key: `matmul-${i}`, a: m.a, b: m.b, url: `/matmul-${i}.onnx` };
});
const convArgs: ConvArgs[] = convs.map((c, i) => {
  const w = seeded(c.out * c.x[1]! * c.k * c.k, 100 + i);
  const bias = seeded(c.out, 200 + i);
  files.set(`/conv-${i}.onnx`, convModel(c, w, bias));
  files.set(`/conv-${i}.w`, new Uint8Array(w.buffer));
  files.set(`/conv-${i}.b`, new Uint8Array(bias.buffer));
  return { key: `conv-${i}`, x: c.x, w: [c.out, c.x[1]!, c.k, c.k], stride: c.stride, padding: c.padding, url: `/conv-${i}.onnx`, weightUrl: `/conv-${i}.w`, biasUrl: `/conv-${i}.b` };
});

type PageApi = { bench: KernelsPage };
const browser = await openBenchPage('bench/kernels.page.ts', { files });

const page = {
  init: () => browser.page.evaluate(() => (globalThis as unknown as PageApi).bench.init()),
  prepareMatmul: (a: MatmulArgs) => browser.page.evaluate((x) => (globalThis as unknown as PageApi).bench.prepareMatmul(x), a),
  prepareConv: (a: ConvArgs) => browser.page.evaluate((x) => (globalThis as unknown as PageApi).bench.prepareConv(x), a),
  ours: (key: string): Runner => () => browser.page.evaluate((x) => (globalThis as unknown as PageApi).bench.ours(x), key),
  ort: (key: string): Runner => () => browser.page.evaluate((x) => (globalThis as unknown as PageApi).bench.ort(x), key),
  prepareTrain: () => browser.page.evaluate(() => (globalThis as unknown as PageApi).bench.prepareTrain({ channels: 32, size: 16, rank: 4 })),
  trainStep: (): Runner => () => browser.page.evaluate(() => (globalThis as unknown as PageApi).bench.trainStep()),
};

interface Row {
  kind: 'matmul' | 'conv2d';
  label: string;
  gflop: number;
  ours: Summary;
  ort: Summary;
  ortLayout: string;
  ratio: number;
  maxRelDiff: number;
}

const geomean = (xs: readonly number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

try {
  const adapter = await page.init();
  console.log(`adapter: ${adapter.adapter}${adapter.fallback ? ' (fallback/software)' : ''}`);
  const rows: Row[] = [];
  for (const [i, args] of matmulArgs.entries()) {
    const prepared = await page.prepareMatmul(args);
    const samples = await interleave({ ours: page.ours(args.key), ort: page.ort(prepared.ort[0]!) }, timing);
    const m = matmuls[i]!;
    const batch = size(m.a.slice(0, -2));
    const gflop = (2 * batch * m.a[m.a.length - 2]! * m.a[m.a.length - 1]! * m.b[m.b.length - 1]!) / 1e9;
    const ours = summarize(samples.ours);
    const ort = summarize(samples.ort);
    rows.push({ kind: 'matmul', label: m.label, gflop, ours, ort, ortLayout: '–', ratio: round(ort.median / ours.median), maxRelDiff: prepared.maxRelDiff });
    console.log(`  matmul ${m.label}: ours ${ours.median.toFixed(1)} ms, ORT ${ort.median.toFixed(1)} ms`);
  }
  for (const [i, args] of convArgs.entries()) {
    const prepared = await page.prepareConv(args);
    const runners: Record<string, Runner> = { ours: page.ours(args.key) };
    for (const key of prepared.ort) runners[key] = page.ort(key);
    const samples = await interleave(runners, timing);
    const c = convs[i]!;
    const ho = Math.floor((c.x[2]! + 2 * c.padding - c.k) / c.stride) + 1;
    const wo = Math.floor((c.x[3]! + 2 * c.padding - c.k) / c.stride) + 1;
    const gflop = (2 * c.x[0]! * c.out * ho * wo * c.x[1]! * c.k * c.k) / 1e9;
    const ours = summarize(samples.ours!);
    const [bestKey, ort] = prepared.ort.map((key) => [key, summarize(samples[key]!)] as const).sort((p, q) => p[1].median - q[1].median)[0]!;
    rows.push({ kind: 'conv2d', label: c.label, gflop, ours, ort, ortLayout: bestKey.split('-').pop()!, ratio: round(ort.median / ours.median), maxRelDiff: prepared.maxRelDiff });
    console.log(`  conv2d ${c.label}: ours ${ours.median.toFixed(1)} ms, ORT ${ort.median.toFixed(1)} ms (${bestKey})`);
  }

  const block = await page.prepareTrain();
  const trainSamples = await interleave({ step: page.trainStep() }, { warmup: 2, runs: steps });
  const step = summarize(trainSamples.step);
  const stepsPerSecond = round(1000 / step.median);

  const table = (r: Row): Cell[] => [
    `${r.kind} ${r.label}`, r.ours.median, r.ort.median, r.ratio, round(r.gflop / (r.ours.median / 1000), 2), r.ortLayout, r.maxRelDiff.toExponential(1),
  ];
  printTable(`ours vs onnxruntime-web WebGPU, ${adapter.adapter}, median of ${timing.runs} (ratio = ORT ÷ ours)`, ['shape', 'ours ms', 'ORT ms', 'ratio', 'ours GFLOP/s', 'ORT layout', 'max rel diff'], rows.map(table));
  const matmulRatio = round(geomean(rows.filter((r) => r.kind === 'matmul').map((r) => r.ratio)));
  const convRatio = round(geomean(rows.filter((r) => r.kind === 'conv2d').map((r) => r.ratio)));
  console.log(`matmul_vs_ort_ratio ${matmulRatio}   conv_vs_ort_ratio ${convRatio}   (geometric means over shapes)`);
  console.log(`LoRA training step (conv block + attention + GEGLU, 32 ch, 16×16, rank 4; ${block.trainable} trainable / ${block.frozen} frozen): ${step.median.toFixed(1)} ms median → ${stepsPerSecond} steps/s`);

  const path = writeResults('kernels', {
    machine: machineInfo(browser.chromiumVersion),
    adapter,
    timing,
    matmul_vs_ort_ratio: matmulRatio,
    conv_vs_ort_ratio: convRatio,
    training_steps_per_second: stepsPerSecond,
    training: { block: 'conv3×3 → group norm → SiLU → conv3×3 → layer norm → LoRA(q, v) attention → GEGLU FF → MSE; clip + AdamW', channels: 32, size: 16, rank: 4, ...block, step_ms: step },
    shapes: rows.map((r) => ({ kind: r.kind, shape: r.label, gflop: round(r.gflop, 4), ours_ms: r.ours, ort_ms: r.ort, ort_layout: r.ortLayout, ratio: r.ratio, max_rel_diff: r.maxRelDiff })),
  });
  console.log(`results: ${path}`);
} finally {
  await browser.close();
}
