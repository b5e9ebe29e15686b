// Downloads from the real local fault-injecting server into IndexedDB (fake-indexeddb in Node).
// After every fault: no corrupt model is available, the download resumes or fails with a clear
// error, and no chunk is left that nothing accounts for.
import 'fake-indexeddb/auto';
import { describe, expect, inject, it } from 'vitest';
import { BaseModelManager } from '../../src/managers/base.ts';
import { audit, createIdbCache, type ModelCache } from '../../src/managers/cache.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import { fileMeta, serverLog, testEntry, uniqueName, type TestFile } from '../servers/fixtures.ts';

const server = inject('modelServerUrl');
const SIZE = 1024 * 1024 + 123; // not a multiple of the chunk size
const CHUNK = 64 * 1024;

interface Setup {
  manager: BaseModelManager<Uint8Array>;
  cache: ModelCache;
  name: string;
  events: ProgressEvent[];
}

async function setup(file: Partial<TestFile> = {}, options: { retries?: number; stallMs?: number; cache?: ModelCache } = {}): Promise<Setup> {
  const name = uniqueName('dl');
  const cache = options.cache ?? createIdbCache(name);
  const entry = await testEntry(server, name, [{ path: 'model', size: SIZE, seed: 7, ...file }]);
  const manager = new BaseModelManager<Uint8Array>('esrgan', { [name]: entry }, {
    cache,
    chunkSize: CHUNK,
    retries: options.retries ?? 3,
    retryDelayMs: 1,
    stallMs: options.stallMs,
    storage: null,
    sessionFactory: async (files) => files.model,
  });
  expect(manager.catalogErrors).toEqual([]);
  return { manager, cache, name, events: [] };
}

/** The invariants every test ends with. */
async function expectClean(cache: ModelCache): Promise<void> {
  const report = await audit(cache);
  expect(report.orphanChunks).toEqual([]);
  expect(report.brokenManifests).toEqual([]);
}

async function expectNothingStored(s: Setup): Promise<void> {
  expect(await s.manager.isAvailable(s.name)).toBe(false);
  expect(await s.cache.chunks.keys()).toEqual([]);
  expect(await s.cache.files.keys()).toEqual([]);
  expect(await s.cache.manifests.keys()).toEqual([]);
}

async function expectModelBytes(s: Setup): Promise<void> {
  const loaded = await s.manager.load(s.name, { onProgress: (event) => s.events.push(event) });
  const bytes = loaded.sessions.model!;
  expect(bytes.byteLength).toBe(SIZE);
  const meta = await fileMeta(server, SIZE, 7);
  const { sha256Hex } = await import('../../src/managers/hasher.ts');
  expect(await sha256Hex(bytes)).toBe(meta.sha256);
}

describe('download into the chunk store', () => {
  it('streams, hashes and stores in chunks, writing the manifest last', async () => {
    const s = await setup();
    const manifest = await s.manager.download(s.name, { onProgress: (event) => s.events.push(event) });
    expect(manifest.files[0]).toMatchObject({ size: SIZE, chunks: Math.ceil(SIZE / CHUNK) });
    expect(await s.manager.available()).toEqual([s.name]);
    await expectModelBytes(s);
    await expectClean(s.cache);
    const downloads = s.events.filter((event) => event.kind === 'download');
    expect(downloads.length).toBeGreaterThan(0);
    const last = downloads.at(-1)!;
    expect(last).toMatchObject({ file: 'model.onnx', loaded: SIZE, total: SIZE, overallLoaded: SIZE, overallTotal: SIZE, etaSeconds: 0, model: s.name });
    expect(s.events.at(-1)).toEqual({ kind: 'load', model: s.name, backend: 'wasm' });
    // A second download is a no-op: the manifest is there.
    await s.manager.download(s.name);
    expect(await serverLog(server, s.name)).toHaveLength(1);
  });

  it.each([0.1, 0.5, 0.99])('a connection cut at %s resumes with Range from the stored bytes', async (cut) => {
    const s = await setup({ faults: `cut=${cut}&cutTimes=1&trickle=65536&tick=1` });
    await s.manager.download(s.name);
    const log = await serverLog(server, s.name);
    const cutAt = Math.floor(cut * SIZE);
    expect(log.map((request) => request.status)).toEqual([200, 206]);
    // The resume starts where the stored bytes end: at the cut, or a little before when the
    // stream dropped bytes it had queued but not yet handed over.
    const resumedAt = log[1]!.start;
    expect(log[1]!.range).toBe(`bytes=${resumedAt}-`);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(cutAt);
    expect(log[0]!.sent + log[1]!.sent - SIZE).toBe(cutAt - resumedAt);
    await expectModelBytes(s);
    await expectClean(s.cache);
  });

  it('a dropped download that gave up resumes on the next call, from the last stored chunk', async () => {
    const s = await setup({ faults: 'cut=0.5&cutTimes=1&trickle=65536&tick=1' }, { retries: 0 });
    await expect(s.manager.download(s.name)).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/connection/) });
    expect(await s.manager.isAvailable(s.name)).toBe(false);
    const [record] = await Promise.all((await s.cache.files.keys()).map((key) => s.cache.files.get(key)));
    expect(record).toMatchObject({ complete: false });
    expect(record!.bytes).toBeGreaterThan(0);
    expect(record!.bytes).toBeLessThanOrEqual(Math.floor(0.5 * SIZE));
    expect(record!.hasherState).toBeInstanceOf(Uint8Array);
    await expectClean(s.cache);
    await s.manager.download(s.name);
    expect((await serverLog(server, s.name)).map((request) => request.range)).toEqual([null, `bytes=${record!.bytes}-`]);
    await expectModelBytes(s);
    await expectClean(s.cache);
  });

  it('restarts from zero when the server ignores Range', async () => {
    const s = await setup({ faults: 'cut=0.5&cutTimes=1&noRange=1' });
    await s.manager.download(s.name);
    const log = await serverLog(server, s.name);
    expect(log.map((request) => request.status)).toEqual([200, 200]);
    expect(log[1]!.range).toBe(`bytes=${Math.floor(0.5 * SIZE)}-`);
    await expectModelBytes(s);
    await expectClean(s.cache);
  });

  it('404 is a clear not-found error and stores nothing', async () => {
    const s = await setup({ faults: 'status=404' });
    await expect(s.manager.download(s.name)).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/not found .*HTTP 404/) });
    await expectNothingStored(s);
    expect(await serverLog(server, s.name)).toHaveLength(1); // no retries for a missing file
  });

  it('500 is retried (bounded), then a network error; a passing 500 is survived', async () => {
    const s = await setup({ faults: 'status=500' }, { retries: 2 });
    await expect(s.manager.download(s.name)).rejects.toMatchObject({ code: 'network', status: 500 });
    expect(await serverLog(server, s.name)).toHaveLength(3);
    expect(await s.manager.isAvailable(s.name)).toBe(false);
    await expectClean(s.cache);
    const passing = await setup({ faults: 'status=500&times=2' }, { retries: 2 });
    await passing.manager.download(passing.name);
    await expectModelBytes(passing);
  });

  it.each([
    ['html=1', SIZE],
    ['html=1&htmlType=octet', SIZE],
    ['html=1&htmlType=octet', null],
  ])('an HTML page instead of the model (%s, catalog size %s) is caught and nothing kept', async (faults, catalogSize) => {
    const s = await setup({ faults, catalogSize });
    await expect(s.manager.download(s.name)).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/web page instead of the model/) });
    await expectNothingStored(s);
  });

  it('a wrong hash taints the model, deletes its chunks and says so', async () => {
    const s = await setup({ faults: 'corrupt=1' });
    await expect(s.manager.download(s.name)).rejects.toMatchObject({ code: 'integrity', message: expect.stringMatching(/is corrupt: its sha256 is [0-9a-f]{64}, but [0-9a-f]{64} was expected/) });
    await expectNothingStored(s);
    expect(await s.manager.taintReason(s.name)).toMatch(/corrupt/);
    await expect(s.manager.load(s.name)).rejects.toMatchObject({ code: 'model', message: expect.stringMatching(/marked unusable/) });
  });

  it('a server with a shorter file is refused before any byte is stored', async () => {
    const s = await setup({ faults: `truncate=${SIZE - 1000}` });
    await expect(s.manager.download(s.name)).rejects.toMatchObject({ code: 'integrity', message: expect.stringMatching(new RegExp(`offers ${SIZE - 1000} bytes, but the catalog says ${SIZE}`)) });
    await expectNothingStored(s);
  });

  it('a truncated body of unknown size fails the hash check and keeps nothing', async () => {
    const s = await setup({ faults: `truncate=${SIZE - 1000}`, catalogSize: null });
    await expect(s.manager.download(s.name)).rejects.toMatchObject({ code: 'integrity' });
    await expectNothingStored(s);
  });

  it('a stalled connection is aborted after stallMs and resumed', async () => {
    const s = await setup({ faults: 'hangAt=0.4&hangTimes=1' }, { stallMs: 150 });
    await s.manager.download(s.name);
    const log = await serverLog(server, s.name);
    expect(log).toHaveLength(2);
    expect(log[1]!.start).toBeGreaterThan(0);
    expect(log[1]!.start).toBeLessThanOrEqual(Math.floor(0.4 * SIZE));
    await expectModelBytes(s);
  });

  it('a slow trickle reports rate and ETA, and abort mid-stream keeps a resumable partial', async () => {
    const s = await setup({ faults: 'trickle=16384&tick=5' });
    const controller = new AbortController();
    const done = s.manager.download(s.name, {
      signal: controller.signal,
      onProgress: (event) => {
        s.events.push(event);
        if (event.kind === 'download' && event.loaded > SIZE / 4) controller.abort();
      },
    });
    await expect(done).rejects.toMatchObject({ code: 'cancelled' });
    const rated = s.events.filter((event) => event.kind === 'download' && event.bytesPerSecond > 0);
    expect(rated.length).toBeGreaterThan(0);
    expect(rated.some((event) => event.kind === 'download' && typeof event.etaSeconds === 'number' && event.etaSeconds > 0)).toBe(true);
    expect(await s.manager.isAvailable(s.name)).toBe(false);
    await expectClean(s.cache);
    const stored = (await s.cache.files.get((await s.cache.files.keys())[0]!))!.bytes;
    expect(stored).toBeGreaterThan(SIZE / 4 - 20000);
    await s.manager.download(s.name);
    expect((await serverLog(server, s.name))[1]!.range).toBe(`bytes=${stored}-`);
    await expectModelBytes(s);
  });

  it('abort before the start fetches nothing', async () => {
    const s = await setup();
    await expect(s.manager.download(s.name, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await serverLog(server, s.name)).toEqual([]);
    await expectClean(s.cache);
  });
});
