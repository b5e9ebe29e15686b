// DreamBooth-LoRA on the fixture SD model with the CPU backend (the kernels' float64 references):
// training lowers a fixed-draw loss, a run paused at a checkpoint and resumed repeats the
// uninterrupted run's loss curve exactly, and the learning-rate schedule follows diffusers.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/pipelines/train/graph/cpu-backend.ts';
import { MemoryCheckpointStore } from '../../src/pipelines/train/dreambooth/checkpoint.ts';
import { dreamBoothConfig, lrFactor, NATAILI_DREAMBOOTH } from '../../src/pipelines/train/dreambooth/config.ts';
import { evaluateLoss } from '../../src/pipelines/train/dreambooth/evaluate.ts';
import { DreamBoothRun } from '../../src/pipelines/train/dreambooth/run.ts';
import { EveryDreamSchedule } from '../../src/pipelines/train/dataset/schedule.ts';
import { fixtureDreamBooth, fixtureImages } from './train-fixtures.ts';

const identity = { runId: 'run-1', name: 'run', baseModel: 'fixture', dataset: 'three noise images' };

function schedule(config: ReturnType<typeof dreamBoothConfig>) {
  const { items, images } = fixtureImages();
  return new EveryDreamSchedule(items, config, async (item) => images.get(item.path)!);
}

describe('DreamBooth-LoRA on the CPU backend', () => {
  it('lowers the fixed-draw loss on a small dataset', { timeout: 120_000 }, async () => {
    const config = dreamBoothConfig({ learningRate: 3e-2, textLearningRate: 3e-2, resolution: 64, maxTrainSteps: 30, saveSteps: 0, captionDropout: 0, seed: 7 });
    const backend = new CpuBackend();
    const models = await fixtureDreamBooth(backend);
    const data = schedule(config);
    const evalBatches = await Promise.all([0, 1, 2].map((s) => data.batch(s)));
    const before = await evaluateLoss(models, evalBatches, config);
    const run = new DreamBoothRun(models, data, config, identity, new MemoryCheckpointStore());
    const outcome = await run.run();
    const after = await evaluateLoss(models, evalBatches, config);
    console.log(`fixed-draw loss ${before.toFixed(4)} → ${after.toFixed(4)}; curve ${outcome.checkpoint.curve.map((p) => p.loss.toFixed(3)).join(' ')}`);
    expect(outcome.status).toBe('finished');
    expect(outcome.checkpoint.curve).toHaveLength(30);
    // Paired draws: the same timesteps and noise before and after, so any drop is the adapters'.
    expect(after).toBeLessThan(before * 0.985);
  });

  it('resumes a paused run to the same loss curve', { timeout: 120_000 }, async () => {
    const config = dreamBoothConfig({ learningRate: 3e-3, resolution: 64, maxTrainSteps: 6, saveSteps: 2, seed: 11, captionDropout: 0.3, flipP: 0.5 });
    const whole = new DreamBoothRun(await fixtureDreamBooth(new CpuBackend()), schedule(config), config, identity, new MemoryCheckpointStore());
    const reference = (await whole.run()).checkpoint.curve;

    const store = new MemoryCheckpointStore();
    const first = new DreamBoothRun(await fixtureDreamBooth(new CpuBackend()), schedule(config), config, identity, store);
    const paused = await first.run({ pauseRequested: () => first.done === 3 });
    expect(paused.status).toBe('paused');
    expect(paused.checkpoint.step).toBe(3);
    // A fresh model and optimizer, as after reloading the page.
    const second = new DreamBoothRun(await fixtureDreamBooth(new CpuBackend()), schedule(config), config, identity, store);
    second.resumeFrom((await store.get('run-1'))!);
    const resumed = (await second.run()).checkpoint.curve;
    expect(resumed.map((p) => p.loss)).toEqual(reference.map((p) => p.loss));
    expect(resumed.map((p) => p.gradNorm)).toEqual(reference.map((p) => p.gradNorm));
    expect(() => second.resumeFrom({ ...paused.checkpoint, dataset: 'other' })).toThrow(/other images/);
  });

  it("follows nataili's defaults and diffusers' warmup", () => {
    expect(NATAILI_DREAMBOOTH).toMatchObject({ learningRate: 1e-4, textLearningRate: 5e-6, maxGradNorm: 1, batchSize: 1, resolution: 512, captionDropout: 0.04, trainTextEncoder: true, saveSteps: 500 });
    expect(NATAILI_DREAMBOOTH.lora).toEqual({ rank: 4, alpha: 4, dropout: 0.1 });
    expect(lrFactor({ lrScheduler: 'constant', lrWarmupSteps: 500 }, 0)).toBe(1);
    expect([0, 1, 250, 500, 900].map((s) => lrFactor({ lrScheduler: 'constant_with_warmup', lrWarmupSteps: 500 }, s))).toEqual([0, 0.002, 0.5, 1, 1]);
    expect(() => dreamBoothConfig({ batchSize: 0 })).toThrow(/batchSize/);
  });
});
