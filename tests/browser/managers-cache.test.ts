// The same download path in real Chromium: fetch across origins from the fault-injecting server,
// real IndexedDB, Web Locks, navigator.storage. After every fault: no corrupt model is available,
// the download resumes or fails clearly, and no chunk leaks.
import { describe, expect, inject, it } from 'vitest';
import { BaseModelManager } from '../../src/managers/base.ts';
import { audit, createIdbCache, type ModelCache } from '../../src/managers/cache.ts';
import { sha256Hex } from '../../src/managers/hasher.ts';
import { sourcesFromDataTransfer, sourcesFromFileList } from '../../src/managers/import-sources.ts';
import { requestPersistence, storageReport } from '../../src/managers/storage.ts';
import { SuperModelManager } from '../../src/managers/super.ts';
import { fileMeta, serverLog, testEntry, uniqueName, type TestFile } from '../servers/fixtures.ts';

const server = inject('modelServerUrl');
const SIZE = 2 * 1024 * 1024 + 77;
const CHUNK = 256 * 1024;

async function setup(file: Partial<TestFile> = {}, options: { retries?: number; stallMs?: number; hashInWorker?: boolean } = {}) {
  const name = uniqueName('br');
  const cache = createIdbCache(name);
  const entry = await testEntry(server, name, [{ path: 'model', size: SIZE, seed: 21, ...file }]);
  const manager = new BaseModelManager<Uint8Array>('esrgan', { [name]: entry }, {
    cache,
    chunkSize: CHUNK,
    retries: options.retries ?? 3,
    retryDelayMs: 1,
    stallMs: options.stallMs,
    hashInWorker: options.hashInWorker,
    sessionFactory: async (files) => files.model,
  });
  expect(manager.catalogErrors).toEqual([]);
  return { manager, cache, name };
}

async function expectClean(cache: ModelCache) {
  const report = await audit(cache);
  expect(report.orphanChunks).toEqual([]);
  expect(report.brokenManifests).toEqual([]);
}

async function expectGoodModel(manager: BaseModelManager<Uint8Array>, name: string) {
  const bytes = (await manager.load(name)).sessions.model!;
  expect(bytes.byteLength).toBe(SIZE);
  expect(await sha256Hex(bytes)).toBe((await fileMeta(server, SIZE, 21)).sha256);
}

async function expectNothing(cache: ModelCache, manager: BaseModelManager<Uint8Array>, name: string) {
  expect(await manager.isAvailable(name)).toBe(false);
  expect(await cache.chunks.keys()).toEqual([]);
  expect(await cache.files.keys()).toEqual([]);
}

describe('model cache in Chromium', () => {
  it('downloads cross-origin into real IndexedDB in chunks and loads back the same bytes', async () => {
    const { manager, cache, name } = await setup();
    const manifest = await manager.download(name);
    expect(manifest.files[0]!.chunks).toBe(Math.ceil(SIZE / CHUNK));
    expect((await cache.chunks.keys()).length).toBe(Math.ceil(SIZE / CHUNK));
    await expectGoodModel(manager, name);
    await expectClean(cache);
  });

  // Chromium drops body bytes it buffered but the page had not read yet when a connection dies,
  // so the server paces the body (as a real network does) for the resume point to be near the cut.
  it.each([0.1, 0.5, 0.99])('resumes with Range after a cut at %s', async (cut) => {
    const { manager, cache, name } = await setup({ faults: `cut=${cut}&cutTimes=1&trickle=65536&tick=1` });
    await manager.download(name);
    const log = await serverLog(server, name);
    expect(log.map((request) => request.status)).toEqual([200, 206]);
    expect(log[1]!.range).toBe(`bytes=${log[1]!.start}-`);
    expect(log[1]!.start).toBeGreaterThan(0);
    expect(log[1]!.start).toBeLessThanOrEqual(Math.floor(cut * SIZE));
    await expectGoodModel(manager, name);
    await expectClean(cache);
  });

  it('hashes in a worker: resumed after a cut, the hash state from the worker continues', async () => {
    const { manager, cache, name } = await setup({ faults: 'cut=0.5&cutTimes=1&trickle=65536&tick=1' }, { hashInWorker: true, retries: 0 });
    await expect(manager.download(name)).rejects.toMatchObject({ code: 'network' });
    const record = (await cache.files.get((await cache.files.keys())[0]!))!;
    expect(record.bytes).toBeGreaterThan(0);
    expect(record.hasherState!.byteLength).toBeGreaterThan(0);
    await manager.download(name);
    await expectGoodModel(manager, name);
    await expectClean(cache);
    const corrupt = await setup({ faults: 'corrupt=1' }, { hashInWorker: true });
    await expect(corrupt.manager.download(corrupt.name)).rejects.toMatchObject({ code: 'integrity' });
    await expectNothing(corrupt.cache, corrupt.manager, corrupt.name);
  });

  it('a cut with nothing read yet starts over cleanly', async () => {
    const { manager, cache, name } = await setup({ faults: 'cut=0.5&cutTimes=1' });
    await manager.download(name);
    const log = await serverLog(server, name);
    expect(log).toHaveLength(2);
    // Either a resume from what was stored, or (nothing stored) a fresh request.
    expect(log[1]!.status).toBe(log[1]!.start > 0 ? 206 : 200);
    await expectGoodModel(manager, name);
    await expectClean(cache);
  });

  it('keeps the partial after giving up and resumes on the next call', async () => {
    const { manager, cache, name } = await setup({ faults: 'cut=0.5&cutTimes=1&trickle=65536&tick=1' }, { retries: 0 });
    await expect(manager.download(name)).rejects.toMatchObject({ code: 'network' });
    expect(await manager.isAvailable(name)).toBe(false);
    const stored = (await cache.files.get((await cache.files.keys())[0]!))!.bytes;
    expect(stored).toBeGreaterThan(0);
    await expectClean(cache);
    await manager.download(name);
    expect((await serverLog(server, name))[1]!.range).toBe(`bytes=${stored}-`);
    await expectGoodModel(manager, name);
  });

  it('restarts when the server ignores Range', async () => {
    const { manager, cache, name } = await setup({ faults: 'cut=0.5&cutTimes=1&noRange=1&trickle=65536&tick=1' });
    await manager.download(name);
    expect((await serverLog(server, name)).map((request) => request.status)).toEqual([200, 200]);
    await expectGoodModel(manager, name);
    await expectClean(cache);
  });

  it.each([
    ['status=404', 'not-found', /HTTP 404/],
    ['status=500', 'network', /HTTP 500/],
    ['html=1', 'not-found', /web page instead of the model/],
    ['html=1&htmlType=octet', 'not-found', /web page instead of the model/],
    ['corrupt=1', 'integrity', /is corrupt/],
    [`truncate=${SIZE - 10}`, 'integrity', /offers \d+ bytes, but the catalog says/],
  ])('%s: a clear %s error and no model', async (faults, code, message) => {
    const { manager, cache, name } = await setup({ faults }, { retries: 1 });
    await expect(manager.download(name)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await manager.isAvailable(name)).toBe(false);
    if (code !== 'network') await expectNothing(cache, manager, name);
    await expectClean(cache);
  });

  it('a stall is detected and resumed; a trickle can be aborted and resumed', async () => {
    const stalled = await setup({ faults: 'hangAt=0.3&hangTimes=1' }, { stallMs: 200 });
    await stalled.manager.download(stalled.name);
    await expectGoodModel(stalled.manager, stalled.name);

    const { manager, cache, name } = await setup({ faults: 'trickle=65536&tick=5' });
    const controller = new AbortController();
    const running = manager.download(name, {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'download' && event.loaded > SIZE / 3) controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    expect(await manager.isAvailable(name)).toBe(false);
    await expectClean(cache);
    await manager.download(name);
    await expectGoodModel(manager, name);
  });

  it('two writers of one model are serialized by Web Locks: one download, one model', async () => {
    const { manager, cache, name } = await setup({ faults: 'trickle=131072&tick=2' });
    const entry = manager.get(name)!;
    const otherTab = new BaseModelManager<Uint8Array>('esrgan', [entry], { cache, chunkSize: CHUNK, sessionFactory: async (files) => files.model });
    const first = manager.download(name);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const held = await navigator.locks.query();
    expect(held.held?.some((lock) => lock.name === `nataili-model:${name}`)).toBe(true);
    const [a, b] = await Promise.all([first, otherTab.download(name)]);
    expect(a).toEqual(b);
    expect(await serverLog(server, name)).toHaveLength(1);
    await expectClean(cache);
  });

  it('imports a picked file through the same path', async () => {
    const { manager, cache, name } = await setup();
    const bytes = new Uint8Array(await (await fetch(`${server}/file/x.onnx?size=${SIZE}&seed=21&id=import-${name}`)).arrayBuffer());
    const report = await manager.importFiles([new File([bytes], 'model.onnx')]);
    expect(report.completed).toEqual([{ model: name, precision: 'fp32' }]);
    expect(await serverLog(server, name)).toEqual([]);
    await expectGoodModel(manager, name);
    await expectClean(cache);
  });

  it('takes dropped files (DataTransfer) and picked files (FileList) as import sources', async () => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['a'], 'model.onnx'));
    transfer.items.add(new File(['{}'], 'catalog.json', { type: 'application/json' }));
    const dropped = await sourcesFromDataTransfer(transfer);
    expect(dropped.map((source) => [source.name, source.path])).toEqual([
      ['model.onnx', 'model.onnx'],
      ['catalog.json', 'catalog.json'],
    ]);
    expect(sourcesFromFileList(transfer.files).map((source) => source.name)).toEqual(['model.onnx', 'catalog.json']);
  });

  it('asks for persistent storage and reports usage and quota', async () => {
    expect(typeof (await requestPersistence())).toBe('boolean');
    const report = await storageReport();
    expect(report!.quota).toBeGreaterThan(0);
    expect(report!.available).toBeLessThanOrEqual(report!.quota);
    const sm = new SuperModelManager({ cache: createIdbCache(uniqueName('sm')) });
    expect((await sm.storage())!.quota).toBe(report!.quota);
  });
});
