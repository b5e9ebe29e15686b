// The training graph on our WebGPU kernels (SwiftShader here): the UNet forward against ORT,
// DreamBooth-LoRA steps matching the CPU references' losses, a paused and resumed run repeating
// its curve exactly, and the predictor recovering a known rating.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/pipelines/train/graph/cpu-backend.ts';
import { GpuBackend } from '../../src/pipelines/train/graph/gpu-backend.ts';
import { mulberry32, normals } from '../../src/pipelines/train/graph/random.ts';
import { MemoryCheckpointStore } from '../../src/pipelines/train/dreambooth/checkpoint.ts';
import { dreamBoothConfig } from '../../src/pipelines/train/dreambooth/config.ts';
import { DreamBoothRun } from '../../src/pipelines/train/dreambooth/run.ts';
import { EveryDreamSchedule } from '../../src/pipelines/train/dataset/schedule.ts';
import type { DatasetItem } from '../../src/pipelines/train/dataset/scan.ts';
import { loraRun, NATAILI_LORA } from '../../src/pipelines/train/lora/lora.ts';
import { l2Normalized } from '../../src/pipelines/train/predictor/prepare.ts';
import { accurate, NATAILI_PREDICTOR, trainPredictor } from '../../src/pipelines/train/predictor/train.ts';
import { unetForward } from '../../src/pipelines/train/unet/forward.ts';
import { fixture, picture } from './generate-fixtures.ts';
import { fixtureDreamBooth, ortRunner } from './train-fixtures.ts';

let gpu: GpuBackend;
beforeAll(async () => {
  gpu = await GpuBackend.create();
});
afterAll(() => gpu.destroy());

const values = (seed: number, n: number) => normals(mulberry32(seed), n);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

function data(config: ReturnType<typeof dreamBoothConfig>) {
  const items: DatasetItem[] = [0, 1].map((i) => ({ path: `p${i}.png`, caption: `a photo of sks ${i ? 'cat' : 'dog'}`, captionSource: 'txt', width: 64, height: 64, bucket: [64, 64], repeats: 1 }));
  return new EveryDreamSchedule(items, config, async (item) => picture(64 + (item.path === 'p1.png' ? 16 : 0), 64));
}

describe('training on WebGPU', () => {
  it('the UNet forward matches ORT', { timeout: 120_000 }, async () => {
    const models = await fixtureDreamBooth(gpu, false);
    const sample = values(1, 4 * 8 * 8);
    const context = values(2, 77 * 16);
    const started = performance.now();
    const scope = gpu.beginStep();
    const out = unetForward(scope.ops, models.unet, scope.ops.constant(sample, [1, 4, 8, 8]), [321], scope.ops.constant(context, [1, 77, 16]), loraRun(NATAILI_LORA));
    const got = await scope.read(out);
    scope.end();
    console.log(`WebGPU UNet forward (first, shaders compiling): ${(performance.now() - started).toFixed(0)} ms`);
    const ort = await ortRunner(await fixture('sd-unet'));
    const expected = await ort({ sample: { type: 'float32', data: sample, dims: [1, 4, 8, 8] }, timestep: { type: 'float32', data: Float32Array.of(321), dims: [1] }, encoder_hidden_states: { type: 'float32', data: context, dims: [1, 77, 16] } });
    expect(maxAbsDiff(got, expected['out_sample']!.data as Float32Array)).toBeLessThan(1e-3);
    models.unet.release();
  });

  it('trains like the CPU references, and resumes to the same curve', { timeout: 240_000 }, async () => {
    const config = dreamBoothConfig({ learningRate: 3e-2, textLearningRate: 3e-2, resolution: 64, maxTrainSteps: 4, saveSteps: 0, seed: 5 });
    const identity = { runId: 'gpu', name: 'gpu', baseModel: 'fixture', dataset: 'two' };
    const cpuRun = new DreamBoothRun(await fixtureDreamBooth(new CpuBackend()), data(config), config, identity, new MemoryCheckpointStore());
    const cpuCurve = (await cpuRun.run()).checkpoint.curve;

    const started = performance.now();
    const whole = await fixtureDreamBooth(gpu);
    const wholeRun = new DreamBoothRun(whole, data(config), config, identity, new MemoryCheckpointStore());
    const gpuCurve = (await wholeRun.run()).checkpoint.curve;
    const ms = performance.now() - started;
    console.log(`WebGPU DreamBooth: ${(ms / 4).toFixed(0)} ms/step; losses GPU ${gpuCurve.map((p) => p.loss.toFixed(5)).join(' ')} CPU ${cpuCurve.map((p) => p.loss.toFixed(5)).join(' ')}`);
    for (const [i, p] of gpuCurve.entries()) expect(Math.abs(p.loss - cpuCurve[i]!.loss)).toBeLessThan(2e-3 * cpuCurve[i]!.loss + 1e-4);

    const store = new MemoryCheckpointStore();
    const first = await fixtureDreamBooth(gpu);
    const firstRun = new DreamBoothRun(first, data(config), config, identity, store);
    expect((await firstRun.run({ pauseRequested: () => firstRun.done === 2 })).status).toBe('paused');
    const second = await fixtureDreamBooth(gpu);
    const secondRun = new DreamBoothRun(second, data(config), config, identity, store);
    secondRun.resumeFrom((await store.get('gpu'))!);
    const resumed = (await secondRun.run()).checkpoint.curve;
    expect(resumed.map((p) => p.loss)).toEqual(gpuCurve.map((p) => p.loss));
    for (const m of [whole, first, second]) {
      m.unet.release();
      m.text?.release();
    }
    for (const r of [wholeRun, firstRun, secondRun]) r.dispose();
  });

  it('trains the predictor head to a known linear rating, as the CPU references do', { timeout: 120_000 }, async () => {
    const w = l2Normalized(values(3, 16));
    const x = Array.from({ length: 1200 }, (_, i) => l2Normalized(values(100 + i, 16)));
    const y = x.map((v) => 5 + 8 * v.reduce((s, value, i) => s + value * w[i]!, 0));
    const layers = [
      { outputs: 64, relu: false, dropout: 0.2 },
      { outputs: 16, relu: false, dropout: 0 },
      { outputs: 1, relu: false, dropout: 0 },
    ];
    const config = { ...NATAILI_PREDICTOR, layers, epochs: 60 };
    const started = performance.now();
    const head = await trainPredictor(gpu, x, y, config);
    console.log(`WebGPU predictor: ${head.history.length} epochs in ${(performance.now() - started).toFixed(0)} ms, best accuracy ${head.bestAccuracy} at epoch ${head.bestEpoch}`);
    expect(head.bestAccuracy).toBeGreaterThanOrEqual(0.95);
    const cpu = await trainPredictor(new CpuBackend(), x, y, { ...config, epochs: 3 });
    for (const [i, r] of cpu.history.entries()) expect(Math.abs(r.valLoss - head.history[i]!.valLoss)).toBeLessThan(1e-3 * r.valLoss);
    expect(accurate(5, 5.4)).toBe(true);
  });
});
