// WorkerHost and exposeJobs over a MessageChannel in Node: the protocol without a browser.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlatformInfo } from '../../src/runtime/platform.ts';
import { SessionCache } from '../../src/runtime/session-cache.ts';
import { BackendUnavailableError, CancelledError, DeviceLostError, InvalidInputError, OutOfMemoryError, WorkerCrashedError } from '../../src/shared/errors.ts';
import { throwIfAborted, type ProgressEvent } from '../../src/shared/progress.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { exposeJobs } from '../../src/workers/expose.ts';
import { transferablesIn } from '../../src/workers/protocol.ts';

interface EchoApi {
  double(values: Float32Array): Promise<Float32Array>;
  count(to: number, stepMs: number): Promise<number>;
  fail(kind: 'input' | 'backend' | 'plain'): Promise<void>;
  hang(): Promise<void>;
}

/** A Worker whose other end is a MessagePort in this thread, served by exposeJobs. */
class PortWorker extends EventTarget {
  readonly channel = new MessageChannel();
  terminated = false;
  // Node's MessagePort typings differ from the DOM's; at run time it is an EventTarget like a worker.
  private get port(): EventTarget {
    return this.channel.port1 as unknown as EventTarget;
  }
  constructor() {
    super();
    this.channel.port1.start();
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.channel.port1.postMessage(message, transfer);
  }
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'message') this.port.addEventListener('message', listener);
    else super.addEventListener(type, listener);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'message') this.port.removeEventListener('message', listener);
    else super.removeEventListener(type, listener);
  }
  terminate(): void {
    this.terminated = true;
    this.channel.port1.close();
  }
}

const noGpu: PlatformInfo = { gpu: null, webgpuProblem: 'none here', crossOriginIsolated: false, hardwareConcurrency: 2 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const spawned: PortWorker[] = [];
const caches: SessionCache[] = [];

function spawnEcho(): Worker {
  const worker = new PortWorker();
  spawned.push(worker);
  worker.channel.port2.start();
  exposeJobs<EchoApi>(
    {
      double: (_c, values) => values.map((v) => v * 2),
      async count(context, to, stepMs) {
        for (let i = 1; i <= to; i++) {
          throwIfAborted(context.signal);
          await sleep(stepMs);
          context.progress({ kind: 'step', index: i, count: to });
        }
        return to;
      },
      fail(_c, kind) {
        if (kind === 'input') throw new InvalidInputError('That image is 0×0 pixels; choose another.');
        if (kind === 'backend') throw new BackendUnavailableError('No GPU here.');
        throw new Error('plain failure');
      },
      hang: () => new Promise<void>(() => undefined),
    },
    { endpoint: worker.channel.port2, sessions: caches[caches.push(new SessionCache(async () => noGpu)) - 1] },
  );
  return worker as unknown as Worker;
}

const newHost = (idleMs = 60_000) => new WorkerHost<{ echo: EchoApi }>({ spawners: { echo: spawnEcho }, idleMs });
let host = newHost();
afterEach(() => {
  host.releaseAll();
  host = newHost();
});

describe('WorkerHost with exposeJobs', () => {
  it('calls a method, moving the argument buffer and returning the result', async () => {
    const input = new Float32Array([1, 2, 3]);
    const result = await host.call('echo', 'double', [input]);
    expect(Array.from(result)).toEqual([2, 4, 6]);
    expect(input.byteLength).toBe(0);
    expect(await host.client('echo').double(new Float32Array([5]))).toEqual(new Float32Array([10]));
    expect(await host.run('echo', (echo) => echo.double(new Float32Array([1])))).toEqual(new Float32Array([2]));
  });

  it('delivers typed progress events in order', async () => {
    const events: ProgressEvent[] = [];
    expect(await host.call('echo', 'count', [3, 1], { onProgress: (e) => events.push(e) })).toBe(3);
    await sleep(10);
    expect(events).toEqual([1, 2, 3].map((index) => ({ kind: 'step', index, count: 3 })));
  });

  it('rebuilds typed errors', async () => {
    await expect(host.call('echo', 'fail', ['input'])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(host.call('echo', 'fail', ['input'])).rejects.toThrow('choose another');
    await expect(host.call('echo', 'fail', ['backend'])).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(host.call('echo', 'fail', ['plain'])).rejects.toMatchObject({ code: 'internal', message: 'plain failure' });
  });

  it('cancels a running job between steps, and a queued one before it starts', async () => {
    const first = new AbortController();
    const second = new AbortController();
    const steps: number[] = [];
    const running = host.call('echo', 'count', [100, 5], {
      signal: first.signal,
      onProgress: (e) => e.kind === 'step' && steps.push(e.index) && e.index === 2 && first.abort(),
    });
    const queued = host.call('echo', 'count', [1, 0], { signal: second.signal });
    second.abort();
    await Promise.all([expect(running).rejects.toBeInstanceOf(CancelledError), expect(queued).rejects.toBeInstanceOf(CancelledError)]);
    expect(await host.call('echo', 'count', [2, 0])).toBe(2);
    expect(steps.length).toBeLessThan(10);
  });

  it('fails running jobs with WorkerCrashedError on an uncaught error and spawns afresh', async () => {
    const job = host.call('echo', 'hang', []);
    await sleep(10);
    spawned.at(-1)!.dispatchEvent(Object.assign(new Event('error'), { message: "TypeError: Cannot read properties of undefined (reading 'dims')" }));
    await expect(job).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(job).rejects.toThrow(/echo worker stopped unexpectedly \(TypeError: Cannot read/);
    expect(spawned.at(-1)!.terminated).toBe(true);
    expect(await host.call('echo', 'count', [1, 0])).toBe(1);
    expect(spawned.at(-1)!.terminated).toBe(false);
  });

  it('an uncaught allocation failure or device loss ends the job as such, and spawns afresh', async () => {
    const job = host.call('echo', 'hang', []);
    await sleep(10);
    spawned.at(-1)!.dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught RangeError: Array buffer allocation failed' }));
    await expect(job).rejects.toBeInstanceOf(OutOfMemoryError);
    await expect(job).rejects.toThrow(/echo worker ran out of memory and stopped \(Uncaught RangeError: Array buffer allocation failed\)\. Try smaller work/);
    const next = host.call('echo', 'hang', []);
    await sleep(10);
    spawned.at(-1)!.dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught Error: Device is lost' }));
    await expect(next).rejects.toBeInstanceOf(DeviceLostError);
    expect(await host.call('echo', 'count', [1, 0])).toBe(1);
  });

  it('releases an idle worker, and counts one that never answers as crashed', async () => {
    host = newHost(20);
    await host.call('echo', 'count', [1, 0]);
    await sleep(60);
    expect(host.isRunning('echo')).toBe(false);
    const silent = new WorkerHost<{ echo: EchoApi }>({ spawners: { echo: () => new PortWorker() as unknown as Worker }, startTimeoutMs: 30 });
    await expect(silent.call('echo', 'count', [1, 0])).rejects.toThrow(/did not start within/);
  });

  it('passes the Settings backend to running workers and to each new one before its first job', async () => {
    await host.call('echo', 'count', [1, 0]);
    const running = caches.at(-1)!;
    const configure = vi.spyOn(running, 'configure');
    await host.configure({ backend: 'wasm' });
    expect(configure).toHaveBeenCalledWith({ override: 'wasm' });
    host.release('echo');
    await host.call('echo', 'count', [1, 0]);
    const fresh = caches.at(-1)!;
    expect(fresh).not.toBe(running);
    const session = await fresh.get({ modelId: 'm', files: () => ({ model: new Uint8Array() }) }).catch((e: Error) => e.message);
    // The fresh worker planned WASM because of the setting (the empty bytes then fail to open).
    expect(session).toMatch(/m could not be opened/);
    expect((fresh as unknown as { override: string }).override).toBe('wasm');
  });

  it('answers the builtins from the worker’s session cache', async () => {
    expect(await host.call('echo', 'sessions', [])).toEqual([]);
    expect(await host.unload('echo')).toBe(0);
  });
});

describe('transferablesIn', () => {
  it('finds whole buffers once, skipping shared, partial and empty ones', () => {
    const a = new Float32Array(4);
    const slab = new Uint8Array(64);
    const found = transferablesIn({ a, again: a, nested: [{ b: a.buffer }], part: slab.subarray(8, 16), shared: new Uint8Array(new SharedArrayBuffer(8)), empty: new ArrayBuffer(0) });
    expect(found).toEqual([a.buffer]);
  });
});
