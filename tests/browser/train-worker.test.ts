// The train worker in real Chromium, as the Train page calls it: the fixture SD model (with
// torch.onnx's names) handed over as files, a picked folder scanned EveryDream-style, a LoRA run
// in the background followed by status(), paused to an IndexedDB checkpoint and resumed, exported
// and used by the generate worker; then the aesthetic predictor prepared with a catalog CLIP
// model, trained, exported, imported on the Models page and used by the interrogate worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AestheticMlp } from '../../src/pipelines/predictor/mlp.ts';
import { readLora } from '../../src/pipelines/stable-diffusion/lora/index.ts';
import { clipTextParams, FIXTURE_TEXT } from '../../src/pipelines/train/text/clip-text.ts';
import { unetParams } from '../../src/pipelines/train/unet/params.ts';
import type { GenerateApi, InterrogateApi, ModelsApi, SdFile, TrainApi, TrainFile, TrainStatus } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { uniqueName } from '../servers/fixtures.ts';
import { scopeFixture } from '../unit/train-onnx-scope.ts';
import { fixture } from './generate-fixtures.ts';
import { fixtureCatalog, NAMES, noisePng } from './interrogate-fixtures.ts';
import { unetLayout } from './train-fixtures.ts';

const databases = uniqueName('train-worker');
const host = new WorkerHost<{ train: TrainApi; generate: GenerateApi; models: ModelsApi; interrogate: InterrogateApi }>({
  spawners: {
    train: () => new Worker(new URL('../../src/workers/train.worker.ts', import.meta.url), { type: 'module', name: `train:${databases}` }),
    generate: () => new Worker(new URL('../../src/workers/generate.worker.ts', import.meta.url), { type: 'module', name: `generate:${databases}` }),
    models: () => new Worker(new URL('../../src/workers/models.worker.ts', import.meta.url), { type: 'module', name: `models:${databases}` }),
    interrogate: () => new Worker(new URL('../../src/workers/interrogate.worker.ts', import.meta.url), { type: 'module', name: `interrogate:${databases}` }),
  },
  idleMs: 300_000,
});
const train = host.client('train');

/** The fixture SD model with torch.onnx's names, as a user hands over its files. */
async function scopedModel(): Promise<SdFile[]> {
  const file = async (name: string, data: Uint8Array): Promise<SdFile> => ({ name: `${name}.onnx`, data });
  return Promise.all([
    file('unet', scopeFixture(await fixture('sd-unet'), unetParams(unetLayout))),
    file('text_encoder', scopeFixture(await fixture('sd-text-encoder'), clipTextParams(FIXTURE_TEXT))),
    file('vae_encoder', await fixture('sd-vae-encoder')),
    file('vae_decoder', await fixture('sd-vae-decoder')),
  ]);
}

async function folder(): Promise<TrainFile[]> {
  const png = async (path: string, w: number, h: number, seed: number): Promise<TrainFile> => ({ path, file: new File([await noisePng(w, h, seed)], path.split('/').pop()!) });
  return [
    await png('dogs/sks dog_1.png', 64, 64, 1),
    { path: 'dogs/sks dog_1.txt', file: new File(['a photo of sks dog'], 'sks dog_1.txt') },
    await png('dogs/more/sks dog_2.png', 64, 64, 2),
    { path: 'dogs/more/multiply.txt', file: new File(['2'], 'multiply.txt') },
  ];
}

async function until(check: (s: TrainStatus) => boolean, what: string, ms = 180_000): Promise<TrainStatus> {
  const deadline = performance.now() + ms;
  for (;;) {
    const status = await train.status();
    if (check(status)) return status;
    if (status.lora?.state === 'failed' || status.predictor.state === 'failed') throw new Error(`${what}: ${status.lora?.error ?? status.predictor.error}`);
    if (performance.now() > deadline) throw new Error(`${what}: timed out (${JSON.stringify({ lora: status.lora?.state, step: status.lora?.step, predictor: status.predictor.state })})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const models = await scopedModel();
  await train.useFiles('tiny-sd', models.map((f) => ({ name: f.name, data: f.data.slice() })));
  await host.call('generate', 'useFiles', ['tiny-sd', models]);
}, 120_000);
afterAll(() => host.releaseAll());

describe('train worker: LoRA', () => {
  const settings = { resolution: 64, maxTrainSteps: 3, saveSteps: 0, learningRate: 3e-2, textLearningRate: 3e-2, seed: 4 };

  it('lists the handed-over model and scans a folder (captions, multiply.txt, buckets)', async () => {
    expect((await train.models()).find((m) => m.name === 'tiny-sd')).toMatchObject({ ready: true, local: true });
    const preview = await train.scanDataset(await folder(), 64);
    expect(preview.items.map((i) => [i.path, i.caption, i.repeats, i.bucket])).toEqual([
      ['dogs/more/sks dog_2.png', 'sks dog', 2, [64, 64]],
      ['dogs/sks dog_1.png', 'a photo of sks dog', 1, [64, 64]],
    ]);
    expect(preview.entries).toBe(3);
  });

  it('trains in the background, pauses to a checkpoint, resumes, exports a LoRA that generate applies', { timeout: 300_000 }, async () => {
    const started = await train.startLora({ model: 'tiny-sd', files: await folder(), settings, name: 'sks dog' });
    expect(['loading', 'training']).toContain(started.state);
    await until((s) => (s.lora?.step ?? 0) >= 1, 'first step');
    const paused = await train.pause();
    expect(paused?.state).toBe('paused');
    const runs = await train.runs();
    expect(runs[0]).toMatchObject({ runId: started.runId, step: paused!.step, totalSteps: 3 });
    await train.resumeLora(started.runId, await folder());
    const done = await until((s) => s.lora?.state === 'finished', 'finish');
    expect(done.lora!.curve.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(done.lora!.stepsPerSecond).toBeGreaterThan(0);
    console.log(`train worker LoRA on ${done.lora!.backend}: ${done.lora!.stepsPerSecond!.toFixed(2)} steps/s, losses ${done.lora!.curve.map((p) => p.loss.toFixed(4)).join(' ')}`);
    expect((await train.status(2)).lora!.curve).toHaveLength(1);

    const exported = await train.exportLora(started.runId, 'fp32');
    expect(exported.name).toBe('sks_dog.safetensors');
    expect(readLora(exported.data.slice()).modules).toHaveLength(27 + 8);
    const request = { model: 'tiny-sd', prompt: 'a photo of sks dog', sampler: 'k_euler', steps: 2, width: 64, height: 64, seed: 3, safetyCheck: false, previews: false, backend: 'wasm' as const };
    const plain = await host.call('generate', 'generate', [request]);
    await host.call('generate', 'addLora', ['sks', exported.data]);
    const styled = await host.call('generate', 'generate', [{ ...request, loras: [{ name: 'sks' }] }]);
    expect(styled.lora.merged).toBe(35);
    expect(styled.images[0]!.image.data).not.toEqual(plain.images[0]!.image.data);
    await train.deleteRun(started.runId);
    expect(await train.runs()).toEqual([]);
  });
});

describe('train worker: aesthetic predictor', () => {
  it('prepares rated images with a catalog CLIP, trains, exports, and the interrogate worker scores with it', { timeout: 240_000 }, async () => {
    const fixtures = await fixtureCatalog();
    const sources = fixtures.files.map((file) => ({ file, name: file.name, path: file.name }));
    await host.call('models', 'importFiles', [sources.slice(0, 1)]);
    await host.call('models', 'importFiles', [sources.slice(1)]);
    expect(await train.clipModels()).toEqual(expect.arrayContaining([{ name: NAMES.clip, stored: true }]));
    const files: TrainFile[] = [];
    for (let i = 0; i < 12; i++) files.push({ path: `rated/${2 + (i % 6)}/img${i}.png`, file: new File([await noisePng(32, 32, 50 + i)], `img${i}.png`) });
    const prepared = await train.preparePredictor({ clipModel: NAMES.clip, files, ratingSource: 'directory' });
    expect(prepared).toMatchObject({ state: 'preparing', total: 12 });
    await until((s) => s.predictor.state === 'idle' && s.predictor.done === 12, 'embedding');
    await train.trainPredictor({ epochs: 4, head: 'mlp', validation: 0.25 });
    const trained = await until((s) => s.predictor.state === 'finished', 'predictor training');
    expect(trained.predictor.history).toHaveLength(4);
    const { weights, catalog } = await train.exportPredictor('my-taste');
    expect(AestheticMlp.fromSafetensors(weights.data.slice()).architecture).toBe('mlp');
    const imported = await host.call('models', 'importFiles', [
      [
        { file: new File([catalog.data.slice()], catalog.name), name: catalog.name, path: catalog.name },
        { file: new File([weights.data.slice()], weights.name), name: weights.name, path: weights.name },
      ],
    ]);
    expect(imported.rejected).toEqual([]);
    const score = await host.call('interrogate', 'aesthetic', [await noisePng(32, 32, 99), 'my-taste']);
    expect(score).toMatchObject({ model: 'my-taste', clipModel: NAMES.clip, architecture: 'mlp' });
    expect(Number.isFinite(score.score)).toBe(true);
  });
});
