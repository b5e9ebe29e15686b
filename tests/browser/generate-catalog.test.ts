// The app's own path to a model: a catalog entry and its files imported through the models
// worker (verified, stored in IndexedDB), then listed and run by the generate worker from there,
// with the safety checker on by default and taken from the catalog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateApi, ModelsApi } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { uniqueName } from '../servers/fixtures.ts';
import { picture, sdCatalog } from './generate-fixtures.ts';

const databases = uniqueName('generate-catalog');
const host = new WorkerHost<{ models: ModelsApi; generate: GenerateApi }>({
  spawners: {
    models: () => new Worker(new URL('../../src/workers/models.worker.ts', import.meta.url), { type: 'module', name: `models:${databases}` }),
    generate: () => new Worker(new URL('../../src/workers/generate.worker.ts', import.meta.url), { type: 'module', name: `generate:${databases}` }),
  },
  idleMs: 120_000,
});
let model = '';

beforeAll(async () => {
  const catalog = await sdCatalog();
  model = catalog.model;
  const report = await host.call('models', 'importFiles', [catalog.files.map((file) => ({ file, name: file.name, path: file.name }))]);
  expect(report.rejected).toEqual([]);
}, 120_000);

afterAll(() => host.releaseAll());

describe('generate from the catalog', () => {
  it('lists the stored model as ready and the bundled ones as not downloaded', async () => {
    const models = await host.call('generate', 'models', []);
    expect(models.find((m) => m.name === model)).toMatchObject({ ready: true, local: false, kind: 'txt2img', baseline: 'stable diffusion 1' });
    expect(models.find((m) => m.name === 'stable_diffusion_inpainting')).toMatchObject({ ready: false, kind: 'inpainting' });
  });

  it('runs txt2img and img2img from IndexedDB with the catalog safety checker', { timeout: 120_000 }, async () => {
    await host.configure({ backend: 'wasm' });
    const txt = await host.call('generate', 'generate', [{ model, prompt: 'a cat', width: 64, height: 64, steps: 2, seed: 4, sampler: 'k_euler' }]);
    expect(txt.images).toHaveLength(1);
    expect(txt.backend).toBe('wasm');
    const img = await host.call('generate', 'generate', [{ model, prompt: 'a cat', width: 64, height: 64, steps: 3, seed: 4, sampler: 'k_euler', initImage: picture(64, 64) }]);
    expect(img.mode).toBe('img2img');
    const sessions = (await host.call('generate', 'sessions', [])).map((s) => s.modelId).sort();
    expect(sessions).toEqual([`${model} text_encoder`, `${model} unet`, `${model} vae_decoder`, `${model} vae_encoder`, 'tiny-sd-safety']);
  });

  it('says what to do when the model is not downloaded', async () => {
    await expect(host.call('generate', 'generate', [{ model: 'stable_diffusion', prompt: 'x', width: 64, height: 64, steps: 1 }])).rejects.toThrow(/not downloaded yet/);
  });
});
