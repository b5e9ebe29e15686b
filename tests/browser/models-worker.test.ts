// The models worker in real Chromium, through WorkerHost as the Models page calls it: catalog
// listing, catalogs from a file and a URL (kept across workers), downloads from the fault server
// with progress and cancel, unverified files, import with the right and a wrong hash, remove,
// storage report and audit. Each run works on databases of its own (the worker's name picks them).
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CancelledError } from '../../src/shared/errors.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import type { ModelInfo, ModelsApi } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { testEntry, uniqueName, type TestFile } from '../servers/fixtures.ts';

const server = inject('modelServerUrl');
const SIZE = 2 * 1024 * 1024 + 77;
const databases = uniqueName('models-worker');
const spawn = () => new Worker(new URL('../../src/workers/models.worker.ts', import.meta.url), { type: 'module', name: `models:${databases}` });
const newHost = () => new WorkerHost<{ models: ModelsApi }>({ spawners: { models: spawn }, idleMs: 60_000 });
const host = newHost();
const models = host.client('models');

afterAll(() => host.releaseAll());

/** A catalog file holding one test entry served by the fault server. */
async function catalogWith(file: Partial<TestFile> = {}, name = uniqueName('mw')): Promise<{ name: string; catalog: File }> {
  const entry = await testEntry(server, name, [{ path: 'model', size: SIZE, seed: 31, ...file }]);
  return { name, catalog: new File([JSON.stringify({ [name]: entry })], `${name}.json`, { type: 'application/json' }) };
}

async function find(name: string): Promise<ModelInfo | undefined> {
  const listing = await models.list();
  return listing.groups.flatMap((group) => group.models).find((model) => model.name === name);
}

async function expectClean(): Promise<void> {
  const report = await models.audit();
  expect(report.orphanChunks).toBe(0);
  expect(report.brokenModels).toEqual([]);
}

describe('models worker', () => {
  it('lists the catalog by type, the built-in upscalers first-class and nothing stored', async () => {
    const listing = await models.list();
    const types = listing.groups.map((group) => group.type);
    expect(types).toEqual(expect.arrayContaining(['clip', 'esrgan', 'stable_diffusion']));
    const esrgan = listing.groups.find((group) => group.type === 'esrgan')!.models;
    const builtin = esrgan.find((model) => model.name === 'realesr-animevideov3-x4')!;
    expect(builtin).toMatchObject({ builtIn: true, tainted: null, license: { spdx: 'BSD-3-Clause' } });
    expect(builtin.variants).toEqual([
      { precision: 'fp32', size: 2491788, verified: true, needsAccept: false, stored: false, partialBytes: 0, backends: ['webgpu', 'wasm'] },
    ]);
    // A catalog entry without published hashes says so, per variant.
    const unverified = esrgan.find((model) => model.name === 'RealESRGAN_x4plus')!;
    expect(unverified.builtIn).toBe(false);
    expect(unverified.variants.every((variant) => !variant.verified && variant.needsAccept && variant.size === null)).toBe(true);
    expect(listing.catalogs).toEqual([]);
  });

  it('installs a built-in upscaler from the app origin with progress', async () => {
    const events: ProgressEvent[] = [];
    const done = await host.call('models', 'download', ['realesr-animevideov3-x2'], { onProgress: (event) => events.push(event) });
    expect(done).toEqual({ name: 'realesr-animevideov3-x2', precision: 'fp32' });
    expect(events.at(-1)).toMatchObject({ kind: 'download', model: 'realesr-animevideov3-x2', overallLoaded: 2491992, overallTotal: 2491992 });
    expect((await find('realesr-animevideov3-x2'))!.variants[0]!.stored).toBe(true);
  });

  it('adds a catalog file, downloads from it with progress (per file, overall, rate, ETA), and removes', async () => {
    const { name, catalog } = await catalogWith({ faults: 'trickle=65536&tick=15' });
    expect(await models.addCatalogFile(catalog)).toEqual({ source: catalog.name, added: [name], errors: [] });
    expect((await find(name))!.variants[0]).toMatchObject({ size: SIZE, verified: true, stored: false });
    const events: Extract<ProgressEvent, { kind: 'download' }>[] = [];
    await host.call('models', 'download', [name, 'fp32'], { onProgress: (event) => event.kind === 'download' && events.push(event) });
    expect(events.length).toBeGreaterThan(2);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ model: name, file: 'model.onnx', loaded: SIZE, total: SIZE, overallLoaded: SIZE, overallTotal: SIZE, etaSeconds: 0 });
    expect(events.some((event) => event.bytesPerSecond > 0 && (event.etaSeconds ?? 0) > 0)).toBe(true);
    expect((await find(name))!.variants[0]).toMatchObject({ stored: true, partialBytes: 0 });
    await models.remove(name);
    expect((await find(name))!.variants[0]).toMatchObject({ stored: false, partialBytes: 0 });
    await expectClean();
  });

  it('cancels a download through the signal while the page worker answers other calls; remove drops the partial', async () => {
    const { name, catalog } = await catalogWith({ faults: 'trickle=65536&tick=10' });
    await models.addCatalogFile(catalog);
    // The page runs each download in a worker of its own, so listing never waits behind one.
    const downloads = newHost();
    const controller = new AbortController();
    let listedDuring = false;
    const running = downloads.call('models', 'download', [name], {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'download' && event.loaded > SIZE / 4) controller.abort();
      },
    });
    void models.list().then(() => (listedDuring = !controller.signal.aborted));
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(listedDuring).toBe(true);
    // The worker stops at its next chunk; the model's lock then frees and remove can run.
    await models.remove(name);
    expect((await find(name))!.variants[0]).toMatchObject({ stored: false, partialBytes: 0 });
    await expectClean();
    downloads.releaseAll();
  });

  it('resumes a cancelled download: the partial shows, the next download completes it', async () => {
    const { name, catalog } = await catalogWith({ faults: 'trickle=65536&tick=10' });
    await models.addCatalogFile(catalog);
    const controller = new AbortController();
    const running = host.call('models', 'download', [name], {
      signal: controller.signal,
      onProgress: (event) => event.kind === 'download' && event.loaded > SIZE / 2 && controller.abort(),
    });
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    // list() queues behind the cancelled job in this worker, so it sees the stored partial.
    const partial = (await find(name))!.variants[0]!;
    expect(partial.stored).toBe(false);
    expect(partial.partialBytes).toBeGreaterThan(0);
    await models.download(name);
    expect((await find(name))!.variants[0]).toMatchObject({ stored: true, partialBytes: 0 });
    await expectClean();
  });

  it('downloads an unverified file only once accepted, then pins its hash', async () => {
    const { name, catalog } = await catalogWith({ sha256: null });
    await models.addCatalogFile(catalog);
    expect((await find(name))!.variants[0]).toMatchObject({ verified: false, needsAccept: true });
    await expect(models.download(name)).rejects.toMatchObject({ code: 'integrity', message: expect.stringMatching(/Accept the unverified file/) });
    await models.download(name, 'fp32', true);
    expect((await find(name))!.variants[0]).toMatchObject({ verified: false, needsAccept: false, stored: true });
  });

  it('imports a model file with the right hash, rejects one with a wrong hash', async () => {
    // A seed of its own: other tests' models have a model.onnx of the same name and size, which
    // the import tells apart by hash.
    const { name, catalog } = await catalogWith({ seed: 41 });
    const bytes = await (await fetch(`${server}/file/x.onnx?size=${SIZE}&seed=41&id=import-${name}`)).arrayBuffer();
    const wrong = await (await fetch(`${server}/file/x.onnx?size=${SIZE}&seed=42&id=import-${name}`)).arrayBuffer();
    // The catalog and a file it does not describe, in one drop: the catalog is read first.
    const bad = await models.importFiles([
      { file: catalog, name: catalog.name, path: `drop/${catalog.name}` },
      { file: new File([wrong], 'model.onnx'), name: 'model.onnx', path: 'drop/model.onnx' },
    ]);
    expect(bad.catalogs).toEqual([{ source: `drop/${catalog.name}`, added: [name], errors: [] }]);
    expect(bad.completed).toEqual([]);
    expect(bad.rejected[0]!.reason).toMatch(/sha256|corrupt|hash/i);
    const events: ProgressEvent[] = [];
    const good = await host.call('models', 'importFiles', [[{ file: new File([bytes], 'model.onnx'), name: 'model.onnx', path: 'model.onnx' }]], {
      onProgress: (event) => events.push(event),
    });
    expect(good).toEqual({ stored: [{ model: name, fileName: 'model.onnx' }], completed: [{ model: name, precision: 'fp32' }], rejected: [], catalogs: [] });
    expect(events.at(-1)).toMatchObject({ kind: 'download', model: name, loaded: SIZE });
    expect((await find(name))!.variants[0]!.stored).toBe(true);
    await expectClean();
  });

  it('keeps user catalogs for other workers, loads one from a URL, forgets one', async () => {
    const { name, catalog } = await catalogWith();
    await models.addCatalogFile(catalog);
    const other = newHost();
    const seen = await other.call('models', 'list', []);
    expect(seen.catalogs.map((entry) => entry.source)).toContain(catalog.name);
    expect(seen.groups.flatMap((group) => group.models).some((model) => model.name === name)).toBe(true);
    other.releaseAll();

    const url = new URL('/src/managers/catalog/clip.json', location.origin).href;
    const fromUrl = await models.addCatalogFromUrl(url);
    expect(fromUrl).toEqual({ source: url, added: expect.arrayContaining(['ViT-B/32', 'ViT-L/14']), errors: [] });
    await expect(models.addCatalogFromUrl('ftp://example.com/c.json')).rejects.toMatchObject({ code: 'invalid-input' });
    const broken = new File([JSON.stringify({ x: { name: 'x', type: 'nope' } })], 'broken.json');
    const rejected = await models.addCatalogFile(broken);
    expect(rejected.added).toEqual([]);
    expect(rejected.errors[0]).toMatch(/type/);

    // Forgetting a catalog deletes what only it listed: nothing could reach those files after.
    await models.download(name);
    expect(await models.removeCatalog(catalog.name)).toEqual([name]);
    expect(await models.removeCatalog(url)).toEqual([]);
    await expect(models.removeCatalog(url)).rejects.toMatchObject({ code: 'invalid-input' });
    const after = await models.list();
    expect(after.catalogs.map((entry) => entry.source)).not.toContain(catalog.name);
    expect(after.groups.flatMap((group) => group.models).some((model) => model.name === name)).toBe(false);
    await expectClean();
  });

  it('reports storage usage and quota; sweep finds nothing to clean', async () => {
    const report = (await models.storage())!;
    expect(report.quota).toBeGreaterThan(0);
    expect(report.usage).toBeGreaterThan(SIZE);
    expect(report.available).toBe(report.quota - report.usage);
    expect(typeof report.persisted).toBe('boolean');
    expect(await models.sweep()).toBe(0);
  });
});
