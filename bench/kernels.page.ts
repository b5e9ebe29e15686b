// Browser side of bench/kernels.ts: our matmul and conv2d kernels and onnxruntime-web's WebGPU
// MatMul and Conv on the same adapter and shapes, and training steps of a small LoRA block.
// Every call does one run, waits for the GPU to finish, and returns its milliseconds, so Node
// can interleave ours and ORT's runs round by round. Inputs and outputs stay on the GPU on both
// sides (ORT: GPU-buffer feeds and outputs), so neither pays for transfers.

import * as k from '../src/kernels/index.ts';
import { runMatmul } from '../src/kernels/matmul/dispatch.ts';
import { conv2dForward, planConv2d } from '../src/kernels/conv2d/dispatch.ts';
import { loadOrt, type OrtModule, type OrtSession, type OrtTensor } from '../src/runtime/ort.ts';

export interface MatmulArgs {
  key: string;
  a: number[];
  b: number[];
  url: string;
}

export interface ConvArgs {
  key: string;
  x: number[];
  w: number[];
  stride: number;
  padding: number;
  url: string;
  /** Raw fp32 weights and bias, the same values the ONNX file holds as initializers. */
  weightUrl: string;
  biasUrl: string;
}

export interface TrainArgs {
  channels: number;
  size: number;
  rank: number;
}

export interface KernelsPage {
  init(): Promise<{ adapter: string; fallback: boolean; features: string[] }>;
  /** Prepares one shape both ways; returns ORT's session keys and the largest relative difference of the outputs. */
  prepareMatmul(args: MatmulArgs): Promise<{ ort: string[]; maxRelDiff: number }>;
  prepareConv(args: ConvArgs): Promise<{ ort: string[]; maxRelDiff: number }>;
  ours(key: string): Promise<number>;
  ort(key: string): Promise<number>;
  prepareTrain(args: TrainArgs): Promise<{ trainable: number; frozen: number }>;
  trainStep(): Promise<number>;
}

let ctx: k.GpuContext;
let ortModule: OrtModule;
let ortDevice: GPUDevice;
const oursRuns = new Map<string, () => k.Tensor>();
const ortRuns = new Map<string, { session: OrtSession; feeds: Record<string, OrtTensor> }>();

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

async function ortFeed(data: Float32Array, dims: number[]): Promise<OrtTensor> {
  const buffer = ortDevice.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  ortDevice.queue.writeBuffer(buffer, 0, data);
  return ortModule.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims });
}

async function ortSession(url: string, layout: 'NCHW' | 'NHWC'): Promise<OrtSession> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return ortModule.InferenceSession.create(bytes, {
    executionProviders: [{ name: 'webgpu', preferredLayout: layout }],
    preferredOutputLocation: 'gpu-buffer',
    graphOptimizationLevel: 'all',
  });
}

async function ortOutput(key: string): Promise<Float32Array> {
  const { session, feeds } = ortRuns.get(key)!;
  const out = (await session.run(feeds))[session.outputNames[0]!]!;
  const data = (await out.getData()) as Float32Array;
  out.dispose();
  return data;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const page: KernelsPage = {
  async init() {
    ctx = await k.GpuContext.create();
    ortModule = await loadOrt();
    const info = (ctx.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return {
      adapter: info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'unknown',
      fallback: info?.isFallbackAdapter ?? false,
      features: [...ctx.device.features].sort(),
    };
  },

  async prepareMatmul({ key, a, b, url }) {
    const da = random(size(a), 1);
    const db = random(size(b), 2);
    const ta = ctx.upload(da, a);
    const tb = ctx.upload(db, b);
    oursRuns.set(key, () => runMatmul(ctx, ta, tb));
    const session = await ortSession(url, 'NHWC');
    ortDevice ??= await ortModule.env.webgpu.device;
    ortRuns.set(`${key}/ort`, { session, feeds: { a: await ortFeed(da, a), b: await ortFeed(db, b) } });
    const ours = oursRuns.get(key)!();
    const diff = maxRelDiff(await ctx.read(ours), await ortOutput(`${key}/ort`));
    ctx.release(ours);
    return { ort: [`${key}/ort`], maxRelDiff: diff };
  },

  async prepareConv({ key, x, w, stride, padding, url, weightUrl, biasUrl }) {
    const dx = random(size(x), 3);
    const tx = ctx.upload(dx, x);
    const fetchFloats = async (u: string) => new Float32Array(await (await fetch(u)).arrayBuffer());
    const tw = ctx.upload(await fetchFloats(weightUrl), w);
    const tb = ctx.upload(await fetchFloats(biasUrl), [w[0]!]);
    const plan = planConv2d(x, w, { stride, padding });
    oursRuns.set(key, () => conv2dForward(ctx, tx, tw, tb, plan));
    const keys: string[] = [];
    for (const layout of ['NHWC', 'NCHW'] as const) {
      const session = await ortSession(url, layout);
      ortDevice ??= await ortModule.env.webgpu.device;
      const name = `${key}/ort-${layout}`;
      ortRuns.set(name, { session, feeds: { x: await ortFeed(dx, x) } });
      keys.push(name);
    }
    const ours = oursRuns.get(key)!();
    const diff = maxRelDiff(await ctx.read(ours), await ortOutput(keys[0]!));
    ctx.release(ours);
    return { ort: keys, maxRelDiff: diff };
  },

  async ours(key) {
    const run = oursRuns.get(key)!;
    const start = performance.now();
    const out = run();
    await ctx.sync();
    const ms = performance.now() - start;
    ctx.release(out);
    return ms;
  },

  async ort(key) {
    const { session, feeds } = ortRuns.get(key)!;
    const start = performance.now();
    const outputs = await session.run(feeds);
    await ortDevice.queue.onSubmittedWorkDone();
    const ms = performance.now() - start;
    for (const value of Object.values(outputs)) value.dispose();
    return ms;
  },

  async prepareTrain(args) {
    train = buildTrainBlock(args);
    return { trainable: train.trainable.reduce((n, t) => n + t.size, 0), frozen: train.frozen.reduce((n, t) => n + t.size, 0) };
  },

  async trainStep() {
    const start = performance.now();
    runTrainStep(train!);
    await ctx.sync();
    return performance.now() - start;
  },
};

// ---- a LoRA training step --------------------------------------------------------------------
// A UNet-flavoured block: conv3×3 → group norm → SiLU → conv3×3, then as tokens: layer norm →
// self-attention whose q and v projections carry LoRA factors → GEGLU feed-forward → MSE against
// a target. Base weights are frozen (no gradient buffers); the step is forward, backward, clip,
// AdamW, as a LoRA trainer runs it.

interface TrainBlock {
  args: TrainArgs;
  p: Record<string, k.Tensor>;
  trainable: k.Tensor[];
  frozen: k.Tensor[];
  x: k.Tensor;
  target: k.Tensor;
  optimizer: k.AdamW;
}

let train: TrainBlock | undefined;

function buildTrainBlock(args: TrainArgs): TrainBlock {
  const { channels: c, size: s, rank: r } = args;
  let seed = 10;
  const make = (shape: number[], scale: number, trainable: boolean) =>
    ctx.upload(random(size(shape), seed++).map((v) => v * scale), shape, { requiresGrad: trainable });
  const fan = (n: number) => 1 / Math.sqrt(n);
  const frozenShapes: Record<string, number[]> = {
    conv1: [c, c, 3, 3], conv2: [c, c, 3, 3], wq: [c, c], wk: [c, c], wv: [c, c], wo: [c, c], ff1: [8 * c, c], ff2: [c, 4 * c],
  };
  const p: Record<string, k.Tensor> = {};
  for (const [name, shape] of Object.entries(frozenShapes)) p[name] = make(shape, fan(size(shape.slice(1))), false);
  for (const name of ['gn', 'ln']) {
    p[`${name}Gamma`] = ctx.upload(new Float32Array(c).fill(1), [c]);
    p[`${name}Beta`] = ctx.upload(new Float32Array(c), [c]);
  }
  for (const name of ['q', 'v']) {
    p[`${name}Down`] = make([r, c], fan(c), true);
    p[`${name}Up`] = ctx.zeros([c, r]);
    p[`${name}Up`]!.requiresGrad = true;
  }
  const trainable = Object.values(p).filter((t) => t.requiresGrad);
  const frozen = Object.values(p).filter((t) => !t.requiresGrad);
  return {
    args, p, trainable, frozen,
    x: make([1, c, s, s], 1, false),
    target: make([1, s * s, c], 1, false),
    optimizer: new k.AdamW(ctx, trainable, { lr: 1e-4 }),
  };
}

function runTrainStep(b: TrainBlock): void {
  const { p } = b;
  const { channels: c, size: s } = b.args;
  const t = new k.Tape(ctx);
  const lora = (x: k.Tensor, base: k.Tensor, down: k.Tensor, up: k.Tensor) =>
    k.add(t, k.linear(t, x, base), k.scale(t, k.linear(t, k.linear(t, x, down), up), 1));
  let h = k.conv2d(t, b.x, p.conv1!, null, { padding: 1 });
  h = k.silu(t, k.groupNorm(t, h, 8, p.gnGamma!, p.gnBeta!));
  h = k.conv2d(t, h, p.conv2!, null, { padding: 1 });
  const tokens = k.permute(t, k.reshape(t, h, [1, c, s * s]), [0, 2, 1]);
  const n = k.layerNorm(t, tokens, p.lnGamma!, p.lnBeta!);
  const a = k.attention(t, lora(n, p.wq!, p.qDown!, p.qUp!), k.linear(t, n, p.wk!), lora(n, p.wv!, p.vDown!, p.vUp!));
  const y = k.add(t, tokens, k.linear(t, a, p.wo!));
  const out = k.add(t, y, k.linear(t, k.geglu(t, k.linear(t, y, p.ff1!)), p.ff2!));
  t.backward(k.mse(t, out, b.target));
  ctx.release(k.clipGradNorm(ctx, b.trainable.map((w) => w.grad!), 1));
  b.optimizer.step();
  t.dispose();
}

Object.assign(globalThis, { bench: page, benchReady: true });
