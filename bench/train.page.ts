// Browser side of bench/train.ts: DreamBooth-LoRA steps on the fixture SD model with our WebGPU
// kernels (ORT wasm for the VAE encoder and the frozen text encoder), one step split into its
// phases (forward, backward, clip + AdamW, each waited on), and predictor-head epochs.

import { GpuBackend } from '../src/pipelines/train/graph/gpu-backend.ts';
import { dreamBoothConfig } from '../src/pipelines/train/dreambooth/config.ts';
import { drawNoise } from '../src/pipelines/train/dreambooth/noise.ts';
import { encodeLatents, trainStep, type DreamBoothModels } from '../src/pipelines/train/dreambooth/step.ts';
import { EveryDreamSchedule } from '../src/pipelines/train/dataset/schedule.ts';
import type { DatasetItem } from '../src/pipelines/train/dataset/scan.ts';
import type { Optimizer } from '../src/pipelines/train/graph/backend.ts';
import { mulberry32, normals } from '../src/pipelines/train/graph/random.ts';
import { loraRun } from '../src/pipelines/train/lora/lora.ts';
import { HEADS } from '../src/pipelines/train/predictor/architecture.ts';
import { l2Normalized } from '../src/pipelines/train/predictor/prepare.ts';
import { NATAILI_PREDICTOR, trainPredictor } from '../src/pipelines/train/predictor/train.ts';
import { clipTextForward } from '../src/pipelines/train/text/clip-text.ts';
import { unetForward } from '../src/pipelines/train/unet/forward.ts';
import { loraParams } from '../src/pipelines/train/weights/load.ts';
import type { Tensor } from '../src/kernels/index.ts';
import { picture } from '../tests/browser/generate-fixtures.ts';
import { fixtureDreamBooth } from '../tests/browser/train-fixtures.ts';

export interface TrainPage {
  init(): Promise<{ adapter: string; fallback: boolean }>;
  prepare(trainText: boolean): Promise<void>;
  step(): Promise<number>;
  phases(): Promise<{ data: number; forward: number; backward: number; optimizer: number }>;
  predictor(epochs: number, inputs: number): Promise<number>;
}

let backend: GpuBackend;
let models: DreamBoothModels<Tensor>;
let optimizer: Optimizer<Tensor>;
let trained: Tensor[];
let step = 0;
const config = dreamBoothConfig({ resolution: 64, learningRate: 1e-3, maxTrainSteps: 1000, saveSteps: 0 });
const items: DatasetItem[] = [0, 1].map((i) => ({ path: `p${i}`, caption: 'a photo of sks dog', captionSource: 'txt', width: 64, height: 64, bucket: [64, 64], repeats: 1 }));
const schedule = new EveryDreamSchedule(items, config, async () => picture(64, 64));

const page: TrainPage = {
  async init() {
    backend = await GpuBackend.create();
    const adapter = await navigator.gpu.requestAdapter();
    return { adapter: `${adapter?.info.vendor ?? ''} ${adapter?.info.architecture ?? ''} ${adapter?.info.description ?? ''}`.trim(), fallback: adapter?.info.isFallbackAdapter ?? false };
  },
  async prepare(trainText) {
    Object.assign(config, { trainTextEncoder: trainText });
    models = await fixtureDreamBooth(backend, trainText);
    const groups = trainText && models.text ? [loraParams(models.unet.loras), loraParams(models.text.loras)] : [loraParams(models.unet.loras)];
    trained = groups.flat();
    optimizer = backend.adamw(groups, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
  },
  async step() {
    const started = performance.now();
    await trainStep(models, optimizer, trained, config, await schedule.batch(step), step);
    step++;
    return performance.now() - started;
  },
  async phases() {
    const t0 = performance.now();
    const batch = await schedule.batch(step);
    const latents = await encodeLatents(models.vaeEncoder, batch, 0.18215);
    const draw = drawNoise(latents, 1, config.seed, step, 'epsilon');
    const ids = batch.captions.map((c) => models.tokenize(c));
    const frozen = config.trainTextEncoder ? null : await models.encodeText(ids);
    const t1 = performance.now();
    const scope = backend.beginStep();
    const { ops } = scope;
    const run = loraRun(config.lora, mulberry32(step));
    const context = frozen ? ops.constant(frozen.data as Float32Array, frozen.dims) : clipTextForward(ops, models.text!, ids, run);
    const out = unetForward(ops, models.unet, ops.constant(draw.noisy, [1, 4, 8, 8]), draw.timesteps, context, run);
    const loss = ops.mse(out, ops.constant(draw.target, [1, 4, 8, 8]));
    await backend.sync();
    const t2 = performance.now();
    scope.backward(loss);
    await backend.sync();
    const t3 = performance.now();
    scope.clipGradNorm(trained, 1);
    optimizer.step([config.learningRate, config.textLearningRate].slice(0, optimizer.groups.length));
    await backend.sync();
    const t4 = performance.now();
    scope.end();
    step++;
    return { data: t1 - t0, forward: t2 - t1, backward: t3 - t2, optimizer: t4 - t3 };
  },
  async predictor(epochs, inputs) {
    const w = l2Normalized(normals(mulberry32(1), inputs));
    const x = Array.from({ length: 1024 }, (_, i) => l2Normalized(normals(mulberry32(10 + i), inputs)));
    const y = x.map((v) => 5 + 8 * v.reduce((s, value, i) => s + value * w[i]!, 0));
    const started = performance.now();
    await trainPredictor(backend, x, y, { ...NATAILI_PREDICTOR, layers: HEADS.mlp, epochs });
    return (performance.now() - started) / epochs;
  },
};

(globalThis as unknown as { bench: TrainPage; benchReady: boolean }).bench = page;
(globalThis as unknown as { benchReady: boolean }).benchReady = true;
