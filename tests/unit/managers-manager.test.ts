// The manager API around the download path: quota, unverified files, two writers, validate,
// remove, load and unload, import without network, the super manager and catalogs from a URL.
import 'fake-indexeddb/auto';
import { describe, expect, inject, it } from 'vitest';
import { BaseModelManager, type ManagerOptions } from '../../src/managers/base.ts';
import { audit, chunkKey, createIdbCache, fileKey, type ModelCache } from '../../src/managers/cache.ts';
import { createSha256, sha256Hex } from '../../src/managers/hasher.ts';
import { SuperModelManager } from '../../src/managers/super.ts';
import { generatedBytes } from '../servers/model-server.ts';
import { fileMeta, serverLog, testEntry, uniqueName, type TestFile } from '../servers/fixtures.ts';

const server = inject('modelServerUrl');
const SIZE = 300_000;
const CHUNK = 32 * 1024;

class FakeSession {
  released = false;
  inputNames = ['input'];
  outputNames = ['output'];
  constructor(
    readonly bytes: number,
    readonly external: string[],
  ) {}
  async release(): Promise<void> {
    this.released = true;
  }
}

const fakeFactory: NonNullable<ManagerOptions<FakeSession>['sessionFactory']> = async (files) =>
  new FakeSession(files.model.byteLength, (files.externalData ?? []).map((file) => `${file.path}:${file.data.byteLength}`));

async function manager(files: Partial<TestFile>[] = [{}], options: ManagerOptions<FakeSession> & { name?: string } = {}) {
  const name = options.name ?? uniqueName('mm');
  const cache = options.cache ?? createIdbCache(name);
  const entry = await testEntry(server, name, files.map((file, index) => ({ path: 'model', size: SIZE, seed: 11 + index, ...file })));
  const m = new BaseModelManager<FakeSession>('esrgan', { [name]: entry }, { chunkSize: CHUNK, retryDelayMs: 1, storage: null, sessionFactory: fakeFactory, ...options, cache });
  expect(m.catalogErrors).toEqual([]);
  return { m, cache, name, entry };
}

async function expectClean(cache: ModelCache) {
  const report = await audit(cache);
  expect(report.orphanChunks).toEqual([]);
  expect(report.brokenManifests).toEqual([]);
}

describe('resumable sha256', () => {
  it('saved and reloaded state hashes like one pass, across any split', async () => {
    const bytes = generatedBytes(3, 0, 200_003);
    const whole = await sha256Hex(bytes);
    for (const split of [1, 64, 65_536, 199_999]) {
      const first = await createSha256();
      first.update(bytes.subarray(0, split));
      const resumed = await createSha256(first.save());
      resumed.update(bytes.subarray(split));
      expect(resumed.digest()).toBe(whole);
    }
  });
});

describe('quota', () => {
  it('refuses up front with the space needed, before writing anything', async () => {
    const { m, cache, name } = await manager([{}], { storage: { estimate: async () => ({ usage: 900_000, quota: 1_000_000 }) } });
    await expect(m.download(name)).rejects.toMatchObject({ code: 'quota', neededBytes: Math.ceil(SIZE * 1.02) - 100_000, message: expect.stringMatching(/Not enough storage .* about 206 KB more is needed \(900 KB of 1\.0 MB in use\)/) });
    expect(await serverLog(server, name)).toEqual([]);
    expect(await cache.chunks.keys()).toEqual([]);
  });

  it('QuotaExceededError mid-download leaves no partial model and says how much is missing', async () => {
    const name = uniqueName('quota');
    const real = createIdbCache(name);
    let puts = 0;
    const cache: ModelCache = {
      ...real,
      chunks: {
        ...real.chunks,
        put: async (key, value) => {
          puts += 1;
          if (puts > 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return real.chunks.put(key, value);
        },
      },
    };
    const { m } = await manager([{}, { path: 'second', size: 5000 }], { cache, name });
    await expect(m.download(name)).rejects.toMatchObject({ code: 'quota', name: 'QuotaError', message: expect.stringMatching(/Nothing of it was kept/) });
    expect(await cache.chunks.keys()).toEqual([]);
    expect(await cache.files.keys()).toEqual([]);
    expect(await m.isAvailable(name)).toBe(false);
  });
});

describe('unverified files', () => {
  it('download only after the user accepts, then the hash is pinned', async () => {
    const { m, cache, name } = await manager([{ sha256: null }]);
    await expect(m.download(name)).rejects.toMatchObject({ name: 'UnverifiedModelError', message: expect.stringMatching(/no published sha256/) });
    expect(await serverLog(server, name)).toEqual([]);
    const manifest = await m.download(name, { acceptUnverified: true });
    expect(manifest.pinned).toBe(true);
    const meta = await fileMeta(server, SIZE, 11);
    expect(await cache.meta.get(`pin:${fileKey(name, 'model.onnx')}`)).toBe(meta.sha256);
    // After removal the pin stays: a changed file on the server is now caught.
    await m.remove(name);
    expect(await cache.chunks.keys()).toEqual([]);
    const changed = await manager([{ sha256: null, faults: 'corrupt=1' }], { cache, name });
    await expect(changed.m.download(name, { acceptUnverified: true })).rejects.toMatchObject({ code: 'integrity', message: expect.stringMatching(/is corrupt/) });
    await expectClean(cache);
  });
});

describe('two writers of one model', () => {
  it('two managers (two tabs) downloading at once fetch it once and agree', async () => {
    const { m, cache, name, entry } = await manager([{ faults: 'trickle=65536&tick=2' }]);
    const other = new BaseModelManager<FakeSession>('esrgan', { [name]: entry }, { cache, chunkSize: CHUNK, storage: null, sessionFactory: fakeFactory });
    const [a, b] = await Promise.all([m.download(name), other.download(name)]);
    expect(a).toEqual(b);
    expect(await serverLog(server, name)).toHaveLength(1);
    await expectClean(cache);
  });
});

describe('abort at any point', () => {
  // Abort after a delay (-1: before the call), over a download that takes ~100 ms: before the
  // fetch, during headers, mid-stream, while a chunk is stored, while verifying. Every time: no
  // model or a whole one, a consistent store, and the next download completes from what was kept.
  it.each([-1, 0, 2, 10, 30, 60, 90, 150])('after %s ms', async (delay) => {
    const { m, cache, name } = await manager([{ faults: 'trickle=8192&tick=2' }]);
    const controller = new AbortController();
    if (delay < 0) controller.abort();
    else setTimeout(() => controller.abort(), delay);
    await m.download(name, { signal: controller.signal }).catch((error: { code?: string; name?: string }) => {
      expect(error.code === 'cancelled' || error.name === 'AbortError').toBe(true);
    });
    await expectClean(cache);
    if (!(await m.isAvailable(name))) await m.download(name);
    expect((await m.load(name)).sessions.model!.bytes).toBe(SIZE);
    await expectClean(cache);
  });

  it('while waiting for another tab, without disturbing it', async () => {
    const { m, cache, name, entry } = await manager([{ faults: 'trickle=65536&tick=2' }]);
    const other = new BaseModelManager<FakeSession>('esrgan', { [name]: entry }, { cache, chunkSize: CHUNK, storage: null, sessionFactory: fakeFactory });
    const first = m.download(name);
    const controller = new AbortController();
    const waiting = other.download(name, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toBeDefined();
    await first;
    expect(await m.isAvailable(name)).toBe(true);
    await expectClean(cache);
  });

  it('a crash between a chunk and its record leaves one stray chunk, removed on resume', async () => {
    // Only the first request is cut: on a loaded machine the client may hold fewer bytes than the
    // server sent, so the resume can start before the cut point and must not be cut again.
    const { m, cache, name } = await manager([{ faults: 'cut=0.5&cutTimes=1&trickle=32768&tick=1' }], { retries: 0 });
    await expect(m.download(name)).rejects.toMatchObject({ code: 'network' });
    const key = fileKey(name, 'model.onnx');
    const record = (await cache.files.get(key))!;
    await cache.chunks.put(chunkKey(key, record.chunks), new Uint8Array(10));
    expect((await audit(cache)).orphanChunks).toEqual([chunkKey(key, record.chunks)]);
    await m.download(name);
    await expectClean(cache);
    expect((await m.load(name)).sessions.model!.bytes).toBe(SIZE);
  });
});

describe('validate, taint, remove', () => {
  it('validate re-hashes stored chunks; a changed chunk taints and removes the model', async () => {
    const { m, cache, name } = await manager();
    await m.download(name);
    expect(await m.validate(name)).toBe(true);
    const key = chunkKey(fileKey(name, 'model.onnx'), 2);
    const chunk = (await cache.chunks.get(key))!.slice();
    chunk[10]! ^= 1;
    await cache.chunks.put(key, chunk);
    expect(await m.validate(name)).toBe(false);
    expect(await m.isAvailable(name)).toBe(false);
    expect(await m.taintReason(name)).toMatch(/changed in storage/);
    expect(await cache.chunks.keys()).toEqual([]);
    // Downloading again clears the taint.
    await m.download(name);
    expect(await m.taintReason(name)).toBeNull();
    await m.load(name);
  });

  it('a missing chunk is caught at load, which taints the model', async () => {
    const { m, cache, name } = await manager();
    await m.download(name);
    await cache.chunks.delete(chunkKey(fileKey(name, 'model.onnx'), 1));
    await expect(m.load(name)).rejects.toMatchObject({ code: 'integrity', message: expect.stringMatching(/missing from the model cache/) });
    expect(await m.taintReason(name)).toBeTruthy();
  });

  it('remove deletes manifests, chunks and partial files', async () => {
    const { m, cache, name } = await manager([{ faults: 'cut=0.5&trickle=32768&tick=1' }], { retries: 0 });
    await expect(m.download(name)).rejects.toMatchObject({ code: 'network' });
    expect((await cache.chunks.keys()).length).toBeGreaterThan(0);
    await m.remove(name);
    expect(await cache.chunks.keys()).toEqual([]);
    expect(await cache.files.keys()).toEqual([]);
  });
});

describe('load and unload', () => {
  it('opens each ONNX file with its external data, once; unload releases the sessions', async () => {
    const name = uniqueName('ext');
    const entry = await testEntry(server, name, [
      { path: 'unet', size: 5000, seed: 1 },
      { path: 'unet_weights', size: 70_000, seed: 2 },
    ]);
    const files = (entry.config as { files: Record<string, unknown>[] }).files;
    files[1] = { path: 'unet_weights', kind: 'onnx_data', data_for: 'unet', location: 'weights.pb' };
    const m = new BaseModelManager<FakeSession>('esrgan', { [name]: entry }, { cache: createIdbCache(name), chunkSize: CHUNK, storage: null, sessionFactory: fakeFactory });
    expect(m.catalogErrors).toEqual([]);
    await m.download(name);
    const loaded = await m.load(name);
    expect(Object.keys(loaded.sessions)).toEqual(['unet']);
    expect(loaded.sessions.unet).toMatchObject({ bytes: 5000, external: ['weights.pb:70000'] });
    expect(await m.load(name)).toBe(loaded);
    expect(m.loaded()).toEqual([name]);
    expect(m.isLoaded(name)).toBe(true);
    await m.unloadAll();
    expect(loaded.sessions.unet!.released).toBe(true);
    expect(m.loaded()).toEqual([]);
  });

  it('input names the graph lacks are a catalog error naming the entry and field', async () => {
    const { m, name } = await manager([{}], { sessionFactory: async (files, choice, id) => Object.assign(await fakeFactory(files, choice, id), { inputNames: ['x'] }) });
    await m.download(name);
    await expect(m.load(name)).rejects.toMatchObject({ code: 'catalog', message: expect.stringMatching(/config\.files\[0\] names input, which the graph lacks \(it has inputs x/) });
    expect(m.isLoaded(name)).toBe(false);
  });

  it('a model that is not stored says to download it', async () => {
    const { m, name } = await manager();
    await expect(m.load(name)).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/not downloaded yet/) });
    await expect(m.load('nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('import without network', () => {
  it('stores handed-in files through the same hashing path and makes the model available', async () => {
    const { m, cache, name } = await manager();
    const file = new File([generatedBytes(11, 0, SIZE)], 'model.onnx');
    const report = await m.importFiles([{ file, name: file.name, path: `folder/${file.name}` }]);
    expect(report.rejected).toEqual([]);
    expect(report.completed).toEqual([{ model: name, precision: 'fp32' }]);
    expect(await m.isAvailable(name)).toBe(true);
    expect(await serverLog(server, name)).toEqual([]);
    expect((await m.load(name)).sessions.model!.bytes).toBe(SIZE);
    await expectClean(cache);
  });

  it('rejects a file with the wrong bytes (keeping nothing) and files that match no model', async () => {
    const { m, cache, name } = await manager();
    const wrong = new File([generatedBytes(99, 0, SIZE)], 'model.onnx');
    const stray = new File(['hello'], 'notes.txt');
    const report = await m.importFiles([wrong, stray]);
    expect(report.stored).toEqual([]);
    expect(report.rejected.map((item) => item.reason)).toEqual([expect.stringMatching(/is corrupt: its sha256/), expect.stringMatching(/notes\.txt .*matches no file of the catalog/)]);
    expect(await cache.chunks.keys()).toEqual([]);
  });
});

describe('super manager', () => {
  it('combines every type, routes catalogs by type and finds models by name', async () => {
    const name = uniqueName('super');
    const sm = new SuperModelManager<FakeSession>({ cache: createIdbCache(name), chunkSize: CHUNK, storage: null, sessionFactory: fakeFactory });
    expect(sm.get('ViT-B/32')?.type).toBe('clip');
    expect(sm.managerOf('RealESRGAN_x4plus').type).toBe('esrgan');
    expect(sm.filter({ type: 'stable_diffusion', inpainting: true }).map((entry) => entry.name)).toEqual(['stable_diffusion_inpainting']);
    expect(sm.filter({ features: ['txt2img'], type: 'stable_diffusion' }).map((entry) => entry.name)).not.toContain('stable_diffusion_inpainting');
    expect(() => sm.managerOf('nope')).toThrow(/No model named "nope"/);

    const entry = await testEntry(server, name, [{ path: 'model', size: 4000, seed: 5 }], 'gfpgan');
    const body = encodeURIComponent(JSON.stringify({ [name]: entry, broken: { name: 'broken', type: 'gfpgan' } }));
    const load = await sm.addCatalogFromUrl(`${server}/text?type=application/json&body=${body}`);
    expect(load.entries.map((item) => item.name)).toEqual([name]);
    expect(load.errors.map((error) => error.message)).toEqual([expect.stringMatching(/"broken": config is missing/)]);
    expect(sm.managerOf(name).type).toBe('gfpgan');
    await sm.download(name);
    expect(await sm.available()).toEqual([name]);
    await sm.load(name);
    expect(sm.loaded()).toEqual([name]);
    await sm.unloadAll();
    expect(sm.isLoaded(name)).toBe(false);
    expect((await sm.audit()).orphanChunks).toEqual([]);
  });

  it('imports a dropped catalog file together with the model files it lists', async () => {
    const name = uniqueName('drop');
    const sm = new SuperModelManager<FakeSession>({ cache: createIdbCache(name), chunkSize: CHUNK, storage: null, sessionFactory: fakeFactory });
    const entry = await testEntry(server, name, [{ path: 'model', size: 9000, seed: 8 }], 'codeformer');
    const catalog = new File([JSON.stringify({ [name]: entry })], 'my-models.json');
    const model = new File([generatedBytes(8, 0, 9000)], 'model.onnx');
    const report = await sm.importFiles([catalog, model]);
    expect(report.catalogs[0]!.entries.map((item) => item.name)).toEqual([name]);
    expect(report.completed).toEqual([{ model: name, precision: 'fp32' }]);
    expect(await sm.managers.codeformer.isAvailable(name)).toBe(true);
  });

  it('resolves a relative file_url (a model shipped with the app) against the base URL', async () => {
    const name = uniqueName('rel');
    const entry = await testEntry(server, name, [{ path: 'model', size: 3000, seed: 4 }]);
    const download = (entry.config as { download: Record<string, unknown>[] }).download[0]!;
    download.file_url = `file/model.onnx?size=3000&seed=4&id=${name}`;
    const m = new BaseModelManager<FakeSession>('esrgan', { [name]: entry }, { cache: createIdbCache(name), storage: null, sessionFactory: fakeFactory, baseUrl: `${server}/` });
    await m.download(name);
    expect(await serverLog(server, name)).toHaveLength(1);
    const bare = new BaseModelManager<FakeSession>('esrgan', { [name]: entry }, { cache: createIdbCache(`${name}-b`), storage: null, sessionFactory: fakeFactory });
    await expect(bare.download(name)).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/relative to the app/) });
  });
});
