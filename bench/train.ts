// LoRA training steps/s on the fixture SD model (CPU references in Node; our WebGPU kernels in Chromium), a step's phases, predictor epochs, and the cost of an SD 1.5 step.
// Chromium headless gets SwiftShader (software WebGPU): its figures compare paths, they are not
// what a GPU does. The cost model (CountOps, no weights) sizes a real SD 1.5 512² step: work by
// kind of op ("kernel ratios"), the memory its tensors and weights take.
// Options: --steps 5 --warmup 1
import { readFileSync } from 'node:fs';
import { CpuBackend } from '../src/pipelines/train/graph/cpu-backend.ts';
import { MemoryCheckpointStore } from '../src/pipelines/train/dreambooth/checkpoint.ts';
import { dreamBoothConfig } from '../src/pipelines/train/dreambooth/config.ts';
import { dreamBoothStepCost, type StepCost } from '../src/pipelines/train/dreambooth/cost.ts';
import { DreamBoothRun } from '../src/pipelines/train/dreambooth/run.ts';
import { EveryDreamSchedule } from '../src/pipelines/train/dataset/schedule.ts';
import { FIXTURE_TEXT, SD1_TEXT } from '../src/pipelines/train/text/clip-text.ts';
import { fixtureUnetLayout, sd1UnetLayout } from '../src/pipelines/train/unet/layout.ts';
import { fixtureDreamBooth, fixtureImages } from '../tests/unit/train-fixtures.ts';
import type { TrainPage } from './train.page.ts';
import { openBenchPage } from './lib/browser.ts';
import { cliOptions, machineInfo, numberOption, writeResults } from './lib/results.ts';
import { summarize } from './lib/stats.ts';
import { printTable } from './lib/table.ts';

const options = cliOptions();
const steps = numberOption(options, 'steps', 5);
const warmup = numberOption(options, 'warmup', 1);
type PageApi = { bench: TrainPage };

async function cpuSteps(trainText: boolean): Promise<number[]> {
  const config = dreamBoothConfig({ resolution: 64, maxTrainSteps: warmup + steps, saveSteps: 0, trainTextEncoder: trainText });
  const { items, images } = fixtureImages([[64, 64], [64, 64]]);
  const run = new DreamBoothRun(await fixtureDreamBooth(new CpuBackend(), { trainText }), new EveryDreamSchedule(items, config, async (i) => images.get(i.path)!), config, { runId: 'b', name: 'b', baseModel: 'fixture', dataset: 'd' }, new MemoryCheckpointStore());
  const times: number[] = [];
  let last = performance.now();
  await run.run({ onStep: () => (times.push(performance.now() - last), (last = performance.now())) });
  return times.slice(warmup);
}

const files = new Map(['sd-unet', 'sd-text-encoder', 'sd-vae-encoder'].map((name) => [`/tests/fixtures/models/${name}.onnx`, new Uint8Array(readFileSync(`tests/fixtures/models/${name}.onnx`))]));
const browser = await openBenchPage('bench/train.page.ts', { files });
try {
  const adapter = await browser.page.evaluate(() => (globalThis as unknown as PageApi).bench.init());
  const rows: (string | number)[][] = [];
  const results: Record<string, unknown> = {};
  for (const trainText of [false, true]) {
    const cpu = summarize(await cpuSteps(trainText));
    await browser.page.evaluate((t) => (globalThis as unknown as PageApi).bench.prepare(t), trainText);
    const gpuTimes: number[] = [];
    for (let i = 0; i < warmup + steps; i++) gpuTimes.push(await browser.page.evaluate(() => (globalThis as unknown as PageApi).bench.step()));
    const gpu = summarize(gpuTimes.slice(warmup));
    const phases = await browser.page.evaluate(() => (globalThis as unknown as PageApi).bench.phases());
    const label = trainText ? 'UNet + text encoder' : 'UNet only';
    rows.push([label, (1000 / cpu.median).toFixed(2), (1000 / gpu.median).toFixed(2), phases.data.toFixed(0), phases.forward.toFixed(0), phases.backward.toFixed(0), phases.optimizer.toFixed(0)]);
    results[label] = { cpuMs: cpu, webgpuMs: gpu, webgpuPhasesMs: phases };
  }
  printTable(`DreamBooth-LoRA on the fixture (64×64 images, batch 1), ${adapter.adapter}${adapter.fallback ? ' (software)' : ''}, median of ${steps}`, ['trains', 'CPU steps/s (Node)', 'WebGPU steps/s', 'data ms', 'forward ms', 'backward ms', 'clip+AdamW ms'], rows);
  const epochMs = await browser.page.evaluate(() => (globalThis as unknown as PageApi).bench.predictor(3, 768));
  printTable('Aesthetic predictor (nataili MLP, 768 inputs, 1024 rows, batch 256), WebGPU', ['ms per epoch'], [[epochMs.toFixed(0)]]);

  const costs: [string, StepCost][] = [
    ['fixture 64² (8² latent)', dreamBoothStepCost(fixtureUnetLayout(), FIXTURE_TEXT, { batch: 1, latentHeight: 8, latentWidth: 8, lora: dreamBoothConfig().lora })],
    ['SD 1.5 512² (64² latent)', dreamBoothStepCost(sd1UnetLayout(), SD1_TEXT, { batch: 1, latentHeight: 64, latentWidth: 64, lora: dreamBoothConfig().lora })],
  ];
  const kinds = [...new Set(costs.flatMap(([, c]) => [...c.kinds.keys()]))].filter((k) => k !== 'upload');
  const share = (c: StepCost, k: string) => {
    const o = c.kinds.get(k);
    return o ? `${((100 * (o.forwardFlops + o.backwardFlops)) / (c.forwardFlops + c.backwardFlops)).toFixed(1)}%` : '–';
  };
  printTable('Work of one step by kind of op (forward + backward FLOPs)', ['step', 'GFLOP', ...kinds, 'tensors GiB', 'weights GiB'], costs.map(([label, c]) => [label, ((c.forwardFlops + c.backwardFlops) / 1e9).toFixed(2), ...kinds.map((k) => share(c, k)), (c.activationBytes / 2 ** 30).toFixed(2), (c.weightBytes / 2 ** 30).toFixed(2)]));
  const path = writeResults('train', {
    machine: machineInfo(browser.chromiumVersion),
    adapter,
    options: { steps, warmup },
    dreambooth: results,
    predictorEpochMs: epochMs,
    stepCost: Object.fromEntries(costs.map(([label, c]) => [label, { forwardGflop: c.forwardFlops / 1e9, backwardGflop: c.backwardFlops / 1e9, activationGiB: c.activationBytes / 2 ** 30, weightGiB: c.weightBytes / 2 ** 30, trainableParams: c.trainableParams, kinds: Object.fromEntries(c.kinds) }])),
  });
  console.log(`\nresults: ${path}`);
} finally {
  await browser.close();
}
