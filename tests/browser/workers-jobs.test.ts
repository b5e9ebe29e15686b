import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float32, type TensorData } from '../../src/runtime/tensor.ts';
import { CancelledError, InvalidInputError, NatailiError, WorkerCrashedError } from '../../src/shared/errors.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import type { TestApis } from './workers/tiny-api.ts';
import { tinyConvModel, tinyConvReference, tinyInput, tinySpec } from './workers/tiny-conv.ts';

let lastWorker: Worker | undefined;
const spawnTiny = () => (lastWorker = new Worker(new URL('./workers/tiny.worker.ts', import.meta.url), { type: 'module', name: 'tiny' }));
const host = new WorkerHost<TestApis>({ spawners: { tiny: spawnTiny }, idleMs: 60_000 });

const image = () => float32(tinyInput(), [1, 3, tinySpec.size, tinySpec.size]);
const reference = tinyConvReference(tinyInput());

function maxDiff(a: TensorData, b: Float32Array): number {
  const data = a.data as Float32Array;
  expect(data.length).toBe(b.length);
  return data.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
}

/** Gives the worker the model, as a manager in the worker would hold it. */
async function loadTiny(): Promise<void> {
  await host.call('tiny', 'load', ['tiny', { fp32: tinyConvModel(tinySpec, 'fp32'), fp16: tinyConvModel(tinySpec, 'fp16') }]);
}

beforeAll(loadTiny);
afterAll(() => host.releaseAll());

describe('a model type in its worker', () => {
  it('runs on WASM and on WebGPU, and both match the CPU reference and each other', async () => {
    const events: ProgressEvent[] = [];
    const wasm = await host.call('tiny', 'infer', ['tiny', image(), { override: 'wasm' }], { onProgress: (e) => events.push(e) });
    const gpu = await host.call('tiny', 'infer', ['tiny', image(), { override: 'webgpu', precision: 'fp32' }]);
    expect(wasm).toMatchObject({ backend: 'wasm', precision: 'fp32' });
    expect(wasm.reason).toMatch(/^WASM \(\d threads?\) because Settings ask for WASM/);
    expect(gpu).toMatchObject({ backend: 'webgpu', precision: 'fp32' });
    expect(gpu.reason).toContain('(software)');
    expect(maxDiff(wasm.output, reference)).toBeLessThan(1e-5);
    expect(maxDiff(gpu.output, reference)).toBeLessThan(1e-4);
    expect(maxDiff(gpu.output, wasm.output.data as Float32Array)).toBeLessThan(1e-4);
    expect(events).toEqual([{ kind: 'load', model: 'tiny', backend: 'wasm' }, { kind: 'done' }]);
    const open = await host.call('tiny', 'sessions', []);
    expect(open.map((s) => `${s.backend} ${s.precision}`).sort()).toEqual(['wasm fp32', 'webgpu fp32']);
  });

  it('asked for fp16 on an adapter without shader-f16, runs fp32 and says why', async () => {
    const result = await host.call('tiny', 'infer', ['tiny', image(), { override: 'webgpu', precision: 'fp16' }]);
    expect(result).toMatchObject({ backend: 'webgpu', precision: 'fp32' });
    expect(result.reason).toContain('lacks shader-f16');
    expect(maxDiff(result.output, reference)).toBeLessThan(1e-4);
  });

  it('reports steps and previews, and stops between steps when cancelled', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const previews: Uint8ClampedArray[] = [];
    const job = host.call('tiny', 'steps', ['tiny', image(), 50, 10], {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'step') {
          steps.push(event.index);
          if (event.index === 3) controller.abort();
        }
        if (event.kind === 'preview') previews.push(event.rgba);
      },
    });
    await expect(job).rejects.toBeInstanceOf(CancelledError);
    const record = await host.call('tiny', 'lastJob', []);
    expect(record).toMatchObject({ method: 'steps', outcome: 'cancelled' });
    expect(record!.steps).toBeGreaterThanOrEqual(3);
    expect(record!.steps).toBeLessThan(10);
    expect(steps.slice(0, 3)).toEqual([1, 2, 3]);
    expect(previews[0]).toEqual(new Uint8ClampedArray(16).fill(0));
    // The worker goes on with the next job.
    const done = await host.call('tiny', 'steps', ['tiny', image(), 2, 0]);
    expect(done.steps).toBe(2);
  });

  it('rejects a call whose signal is already aborted without starting it', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(host.call('tiny', 'steps', ['tiny', image(), 1, 0], { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('moves buffers both ways instead of copying them', async () => {
    const sent = new Float32Array([1, 2, 3, 4]);
    const back = await host.call('tiny', 'echo', [sent]);
    expect(sent.buffer.byteLength).toBe(0); // detached: the worker has it now
    expect(Array.from(back)).toEqual([1, 2, 3, 4]);
    expect(await host.call('tiny', 'keptLength', [])).toBe(0); // and the result moved back
    const copied = new Float32Array([5, 6]);
    await host.call('tiny', 'echo', [copied], { transfer: 'none' });
    expect(copied.byteLength).toBe(8);
  });

  it('rebuilds typed errors with messages from the worker', async () => {
    const wrongInput = host.call('tiny', 'infer', ['tiny', { ...image(), dims: [1, 3, 4, 4] }, { override: 'wasm' }]);
    await expect(wrongInput).rejects.toBeInstanceOf(NatailiError);
    const missing = host.call('tiny', 'infer', ['nothing', image()]);
    await expect(missing).rejects.toThrow(/No bytes for nothing/);
    const misnamed = host.client('tiny').infer('tiny', image(), { override: 'wasm' });
    await expect(misnamed).resolves.toBeTruthy();
    const error = await host.call('tiny', 'unknownMethod' as 'lastJob', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatailiError);
    expect((error as NatailiError).message).toMatch(/no method "unknownMethod"/);
    expect(new InvalidInputError('x')).toBeInstanceOf(NatailiError);
  });

  it('follows the Settings backend for jobs that do not name one', async () => {
    await host.configure({ backend: 'wasm' });
    const result = await host.call('tiny', 'infer', ['tiny', image()]);
    expect(result.backend).toBe('wasm');
    expect(result.reason).toContain('Settings ask for WASM');
    await host.configure({ backend: 'auto' });
    expect(await host.call('tiny', 'sessions', [])).toEqual([]); // released on the change
  });

  it('unload releases the sessions; the next job opens the model again', async () => {
    await host.call('tiny', 'infer', ['tiny', image(), { override: 'wasm' }]);
    expect((await host.call('tiny', 'sessions', [])).length).toBeGreaterThan(0);
    const released = await host.unload('tiny', 'tiny');
    expect(released).toBeGreaterThan(0);
    expect(await host.call('tiny', 'sessions', [])).toEqual([]);
    const events: ProgressEvent[] = [];
    await host.call('tiny', 'infer', ['tiny', image(), { override: 'wasm' }], { onProgress: (e) => events.push(e) });
    expect(events[0]).toEqual({ kind: 'load', model: 'tiny', backend: 'wasm' });
    expect(await host.unload('tiny')).toBe(1);
  });
});

describe('a worker that dies', () => {
  for (const how of ['close', 'throw'] as const) {
    it(`fails the job with WorkerCrashedError when it ${how === 'close' ? 'closes itself' : 'throws uncaught'}, and the next job works`, async () => {
      const job = host.call('tiny', 'die', [how, 2]);
      await expect(job).rejects.toBeInstanceOf(WorkerCrashedError);
      await expect(job).rejects.toThrow(/tiny worker stopped unexpectedly.*Try again/);
      expect(host.isRunning('tiny')).toBe(false);
      await loadTiny();
      const next = await host.call('tiny', 'infer', ['tiny', image(), { override: 'wasm' }]);
      expect(maxDiff(next.output, reference)).toBeLessThan(1e-5);
    });
  }

  it('fails the job when the worker is terminated from outside mid-job', async () => {
    const steps: number[] = [];
    const job = host.call('tiny', 'steps', ['tiny', image(), 100, 20], {
      onProgress: (event) => {
        if (event.kind !== 'step') return;
        steps.push(event.index);
        if (event.index === 2) lastWorker!.terminate();
      },
    });
    await expect(job).rejects.toBeInstanceOf(WorkerCrashedError);
    await loadTiny();
    expect((await host.call('tiny', 'steps', ['tiny', image(), 1, 0])).steps).toBe(1);
  });
});

describe('worker lifetime', () => {
  it('terminates an idle worker and starts a fresh one on demand', async () => {
    const quick = new WorkerHost<TestApis>({ spawners: { tiny: spawnTiny }, idleMs: 50 });
    await quick.call('tiny', 'lastJob', []);
    expect(quick.isRunning('tiny')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(quick.isRunning('tiny')).toBe(false);
    expect(await quick.call('tiny', 'lastJob', [])).toBeNull(); // a fresh worker remembers nothing
    quick.releaseAll();
  });

  it('fails unfinished jobs when the page releases the worker', async () => {
    const job = host.call('tiny', 'steps', ['tiny', image(), 100, 20]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    host.release('tiny');
    await expect(job).rejects.toBeInstanceOf(CancelledError);
  });
});
