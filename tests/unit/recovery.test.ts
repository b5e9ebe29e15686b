// The ways on an error's alert offers, by code and page, and what each button does.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, InvalidInputError, NatailiError, OutOfMemoryError, WorkerCrashedError } from '../../src/shared/errors.ts';
import { Failure, backendSetting } from '../../src/ui/state/failure.svelte.ts';
import { recoveryActions, smallerImage, smallerTile, type RecoveryContext } from '../../src/ui/state/recovery.ts';

const on = (page: RecoveryContext['page'], extra: Partial<RecoveryContext> = {}): RecoveryContext => ({ page, canRetry: true, backend: 'auto', ...extra });
const ids = (code: Parameters<typeof recoveryActions>[0], context: RecoveryContext) => recoveryActions(code, context).map((a) => a.id);

describe('recoveryActions', () => {
  it('a crashed worker: Try again, on every page', () => {
    for (const page of ['generate', 'post-process', 'interrogate', 'models', 'train'] as const) expect(ids('worker-crashed', on(page))).toEqual(['retry']);
  });

  it('a lost device or missing backend: the CPU first, then Try again', () => {
    expect(ids('device-lost', on('generate'))).toEqual(['wasm', 'retry']);
    expect(ids('backend-unavailable', on('interrogate', { backend: 'webgpu' }))).toEqual(['wasm', 'retry']);
    expect(recoveryActions('device-lost', on('post-process'))[0]!.label).toBe('Try again on the CPU (WASM)');
  });

  it('no CPU way where the job already ran there, or where training needs WebGPU, or without Settings', () => {
    expect(ids('device-lost', on('generate', { backend: 'wasm' }))).toEqual(['retry']);
    expect(ids('device-lost', on('train'))).toEqual(['retry']);
    expect(ids('device-lost', on('generate', { backend: null }))).toEqual(['retry']);
  });

  it('out of memory on Post-process: smaller tiles, the CPU, Try again', () => {
    const actions = recoveryActions('out-of-memory', on('post-process', { tileSize: 256 }));
    expect(actions.map((a) => a.id)).toEqual(['smaller-tiles', 'wasm', 'retry']);
    expect(actions[0]).toEqual({ id: 'smaller-tiles', label: 'Try again with smaller tiles (128 px)', tileSize: 128 });
  });

  it('out of memory on Generate: half the batch first, then a smaller image', () => {
    const batch = recoveryActions('out-of-memory', on('generate', { image: { batchSize: 4, width: 512, height: 512 } }));
    expect(batch[0]).toMatchObject({ id: 'smaller-image', label: 'Try again with a batch of 2', batchSize: 2, width: 512, height: 512 });
    const size = recoveryActions('out-of-memory', on('generate', { image: { batchSize: 1, width: 768, height: 512 } }));
    expect(size[0]).toMatchObject({ id: 'smaller-image', label: 'Try again at 512×256', batchSize: 1, width: 512, height: 256 });
    expect(ids('out-of-memory', on('generate', { image: { batchSize: 1, width: 256, height: 256 } }))).toEqual(['wasm', 'retry']);
  });

  it('nothing to run again for input, integrity or storage faults, nor without a kept job', () => {
    for (const code of ['invalid-input', 'integrity', 'quota', 'not-found', 'catalog', 'cancelled'] as const) expect(ids(code, on('models'))).toEqual([]);
    expect(ids('worker-crashed', on('generate', { canRetry: false }))).toEqual([]);
    expect(ids(null, on('generate'))).toEqual([]);
  });
});

describe('smaller work', () => {
  it('halves a tile to a multiple of 16, not below 64', () => {
    expect(smallerTile(512)).toBe(256);
    expect(smallerTile(200)).toBe(96);
    expect(smallerTile(96)).toBe(64);
    expect(smallerTile(64)).toBeNull();
  });

  it("halves the worker's default tile when none was asked for, or the whole image was", () => {
    expect(smallerTile(null, 'webgpu')).toBe(128);
    expect(smallerTile(null, 'wasm')).toBe(64);
    expect(smallerTile(0, null)).toBe(128);
  });

  it('about halves the pixels of an image, within the offered sizes', () => {
    expect(smallerImage({ batchSize: 3, width: 512, height: 512 })).toEqual({ batchSize: 2, width: 512, height: 512 });
    expect(smallerImage({ batchSize: 1, width: 1024, height: 1024 })).toEqual({ batchSize: 1, width: 704, height: 704 });
    expect(smallerImage({ batchSize: 1, width: 512, height: 512 })).toEqual({ batchSize: 1, width: 256, height: 256 });
    expect(smallerImage({ batchSize: 1, width: 64, height: 64 })).toBeNull();
  });
});

describe('Failure', () => {
  afterEach(() => {
    backendSetting.current = () => null;
    backendSetting.useWasm = async () => {};
  });

  it('shows the message with Try again, which clears it and runs the job again', async () => {
    const failure = new Failure();
    const retry = vi.fn(async () => {});
    failure.show(new WorkerCrashedError('The generate worker stopped unexpectedly (killed). Try again; a fresh worker will start.'), { page: 'generate' }, retry);
    expect(failure.message).toMatch(/stopped unexpectedly/);
    expect(failure.ways.map((w) => w.action.label)).toEqual(['Try again']);
    await failure.take(failure.ways[0]!);
    expect(retry).toHaveBeenCalledTimes(1);
    expect(failure.message).toBeNull();
  });

  it('the CPU way switches the backend before running again', async () => {
    const order: string[] = [];
    backendSetting.current = () => 'auto';
    backendSetting.useWasm = async () => void order.push('wasm');
    const failure = new Failure();
    failure.show(new NatailiError('device-lost', 'The GPU device was lost.'), { page: 'interrogate' }, async () => void order.push('retry'));
    const cpu = failure.ways.find((w) => w.action.id === 'wasm')!;
    await failure.take(cpu);
    expect(order).toEqual(['wasm', 'retry']);
  });

  it('a smaller way adjusts the job before running it', async () => {
    backendSetting.current = () => 'auto';
    const failure = new Failure();
    let tile = 256;
    const ran: number[] = [];
    failure.show(new OutOfMemoryError(), { page: 'post-process', tileSize: tile }, async () => void ran.push(tile), (action) => {
      if (action.id === 'smaller-tiles') tile = action.tileSize;
    });
    expect(failure.ways.map((w) => w.action.id)).toEqual(['smaller-tiles', 'wasm', 'retry']);
    await failure.take(failure.ways[0]!);
    expect(ran).toEqual([128]);
  });

  it('a cancellation is no failure; an input error has only Dismiss', () => {
    const failure = new Failure();
    failure.show(new CancelledError(), { page: 'generate' }, async () => {});
    expect(failure.message).toBeNull();
    failure.show(new InvalidInputError('Pick a PNG.'), { page: 'generate' }, async () => {});
    expect(failure.message).toBe('Pick a PNG.');
    expect(failure.ways).toEqual([]);
  });
});
