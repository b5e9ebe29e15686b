// Spawns one worker per model type on first use, wraps it with Comlink, releases it after an
// idle period (its sessions and GPU memory go with it) and spawns a fresh one on the next call.
// A worker that dies mid-job (an uncaught error, out of memory, terminated) fails its jobs with
// WorkerCrashedError; the next job gets a new worker. Silent deaths are noticed through a Web
// Lock the worker holds for life: the page's request for it is granted when the worker is gone.

import * as Comlink from 'comlink';
import { CancelledError, DeviceLostError, OutOfMemoryError, WorkerCrashedError, classifyRaw } from '../shared/errors.ts';
import type { ApiOf, CallOptions, JobClient, MethodArgs, MethodName, MethodResult, WorkerApis, WorkerSettings } from './api.ts';
import { lifeLockName, rebuildError, transferablesIn, webLocks, type JobEndpoint, type JobOutcome } from './protocol.ts';

export type Spawners<Apis> = { [K in keyof Apis]: () => Worker };

// Each entry is a literal `new Worker(new URL(...))` so the bundler finds and builds the worker.
const appSpawners: Spawners<WorkerApis> = {
  system: () => new Worker(new URL('./system.worker.ts', import.meta.url), { type: 'module', name: 'system' }),
  postprocess: () => new Worker(new URL('./postprocess.worker.ts', import.meta.url), { type: 'module', name: 'postprocess' }),
  models: () => new Worker(new URL('./models.worker.ts', import.meta.url), { type: 'module', name: 'models' }),
  interrogate: () => new Worker(new URL('./interrogate.worker.ts', import.meta.url), { type: 'module', name: 'interrogate' }),
  train: () => new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'train' }),
  generate: () => new Worker(new URL('./generate.worker.ts', import.meta.url), { type: 'module', name: 'generate' }),
  gallery: () => new Worker(new URL('./gallery.worker.ts', import.meta.url), { type: 'module', name: 'gallery' }),
};

interface Slot {
  worker: Worker;
  endpoint: Comlink.Remote<JobEndpoint>;
  /** Resolves once the worker answered hello (and holds its life lock). */
  ready: Promise<void>;
  /** Rejects when the worker crashes or is released; every job of the slot races it. */
  ended: Promise<never>;
  end: (error: Error) => void;
  /** Stops waiting on the life lock when the page itself ends the worker. */
  watch: AbortController;
  jobs: number;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

export interface WorkerHostOptions<Apis> {
  /** Milliseconds a worker may sit idle before it is terminated. */
  idleMs?: number;
  /** Milliseconds a new worker has to answer before it counts as crashed. */
  startTimeoutMs?: number;
  /** How to start each kind of worker; the app's workers by default. */
  spawners?: Spawners<Apis>;
}

const noop = () => undefined;

export class WorkerHost<Apis extends object = WorkerApis> {
  private readonly slots = new Map<keyof Apis, Slot>();
  private readonly spawners: Spawners<Apis>;
  private nextJobId = 1;
  private settings: WorkerSettings | undefined;
  idleMs: number;
  startTimeoutMs: number;

  constructor(options: WorkerHostOptions<Apis> = {}) {
    this.idleMs = options.idleMs ?? 5 * 60_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
    // Without spawners the host runs the app's workers; only WorkerHost<WorkerApis> may omit them.
    this.spawners = options.spawners ?? (appSpawners as unknown as Spawners<Apis>);
  }

  /** Calls `method` of the `kind` worker; see CallOptions for cancelling, progress and transfers. */
  call<K extends keyof Apis & string, M extends MethodName<ApiOf<Apis[K]>>>(
    kind: K,
    method: M,
    args: MethodArgs<ApiOf<Apis[K]>[M]>,
    options: CallOptions = {},
  ): Promise<MethodResult<ApiOf<Apis[K]>[M]>> {
    return this.invoke(kind, method, args, options) as Promise<MethodResult<ApiOf<Apis[K]>[M]>>;
  }

  /** The `kind` worker's methods as plain async functions, every call made with `options`. */
  client<K extends keyof Apis & string>(kind: K, options: CallOptions = {}): JobClient<ApiOf<Apis[K]>> {
    return new Proxy({} as JobClient<ApiOf<Apis[K]>>, {
      // `then` stays undefined so the client is not mistaken for a promise when returned from async code.
      get: (_, method) => (typeof method === 'string' && method !== 'then' ? (...args: unknown[]) => this.invoke(kind, method, args, options) : undefined),
    });
  }

  /** Runs `job` against the `kind` worker's client. */
  run<K extends keyof Apis & string, R>(kind: K, job: (api: JobClient<ApiOf<Apis[K]>>) => Promise<R>, options: CallOptions = {}): Promise<R> {
    return job(this.client(kind, options));
  }

  /** Releases the sessions a running worker holds for `modelId` (all when omitted); 0 when it is not running. */
  async unload(kind: keyof Apis & string, modelId?: string): Promise<number> {
    if (!this.slots.has(kind)) return 0;
    return (await this.invoke(kind, 'unload', [modelId], {})) as number;
  }

  /**
   * Applies the app's settings (the backend override) to every worker: those running now, and
   * each one started later before its first job.
   */
  async configure(settings: WorkerSettings): Promise<void> {
    const threadsChanged = this.settings !== undefined && this.settings.wasmThreads !== settings.wasmThreads;
    this.settings = { ...settings };
    // ORT fixes a worker's WASM threads at its first session: idle workers start afresh to take a
    // new count; busy ones keep theirs until they are released.
    if (threadsChanged) for (const [kind, slot] of [...this.slots]) if (slot.jobs === 0) this.release(kind);
    await Promise.all([...this.slots.keys()].map((kind) => this.invoke(kind as keyof Apis & string, 'configure', [this.settings], {})));
  }

  isRunning(kind: keyof Apis): boolean {
    return this.slots.has(kind);
  }

  /** Terminates the worker of `kind` now, failing its unfinished jobs; the next call spawns a new one. */
  release(kind: keyof Apis): void {
    const slot = this.slots.get(kind);
    if (!slot) return;
    this.forget(kind, slot);
    slot.end(new CancelledError(`The ${String(kind)} worker was stopped before the job finished.`));
  }

  releaseAll(): void {
    for (const kind of [...this.slots.keys()]) this.release(kind);
  }

  private async invoke(kind: keyof Apis & string, method: string, args: unknown[], options: CallOptions): Promise<unknown> {
    const { signal } = options;
    if (signal?.aborted) throw new CancelledError();
    const slot = this.acquire(kind);
    slot.jobs++;
    clearTimeout(slot.idleTimer);
    const id = this.nextJobId++;
    let stopListening: () => void = noop;
    try {
      const aborted = new Promise<never>((_, reject) => {
        if (!signal) return;
        const onAbort = () => {
          slot.endpoint.cancel(id).catch(noop);
          reject(new CancelledError());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        stopListening = () => signal.removeEventListener('abort', onAbort);
      });
      aborted.catch(noop);
      await Promise.race([slot.ready, slot.ended, aborted]);
      const transfer = options.transfer === 'none' ? [] : transferablesIn(args);
      const progress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
      const outcome: Promise<JobOutcome> = slot.endpoint.start(Comlink.transfer({ id, method, args }, transfer), progress);
      const result = await Promise.race([outcome, slot.ended, aborted]);
      if (!result.ok) throw rebuildError(result.error);
      return result.value;
    } finally {
      stopListening();
      slot.jobs--;
      if (slot.jobs === 0 && this.slots.get(kind) === slot) {
        slot.idleTimer = setTimeout(() => this.release(kind), this.idleMs);
      }
    }
  }

  private forget(kind: keyof Apis, slot: Slot): void {
    if (this.slots.get(kind) !== slot) return;
    this.slots.delete(kind);
    clearTimeout(slot.idleTimer);
    slot.watch.abort();
    slot.endpoint[Comlink.releaseProxy]();
    slot.worker.terminate();
  }

  private acquire(kind: keyof Apis & string): Slot {
    const existing = this.slots.get(kind);
    if (existing) return existing;
    const worker = this.spawners[kind]();
    let end: (error: Error) => void = noop;
    const ended = new Promise<never>((_, reject) => (end = reject));
    // A crash with no job waiting must not surface as an unhandled rejection.
    ended.catch(noop);
    const slot: Slot = { worker, endpoint: Comlink.wrap<JobEndpoint>(worker), ready: Promise.resolve(), ended, end, watch: new AbortController(), jobs: 0, idleTimer: undefined };
    const crash = (why: string, error?: Error) => {
      if (this.slots.get(kind) !== slot) return;
      this.forget(kind, slot);
      end(error ?? new WorkerCrashedError(`The ${kind} worker stopped unexpectedly (${why}). Try again; a fresh worker will start.`));
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const why = event.message || 'it failed to start or threw an uncaught error';
      // An uncaught allocation failure or lost device is reported as such: its ways on (smaller
      // work, the CPU) differ from a plain retry.
      const code = classifyRaw(why);
      const fresh = 'a fresh worker will start';
      if (code === 'out-of-memory') crash(why, new OutOfMemoryError(`The ${kind} worker ran out of memory and stopped (${why}). Try smaller work (a smaller image, batch or tile) or the CPU (WASM); ${fresh}.`));
      else if (code === 'device-lost') crash(why, new DeviceLostError(`The ${kind} worker lost its GPU device and stopped (${why}). Try again, or run on the CPU (WASM); ${fresh}.`));
      else crash(why);
    });
    worker.addEventListener('messageerror', () => crash('a message from it could not be read'));
    slot.ready = this.handshake(kind, slot, crash);
    slot.ready.catch(noop);
    this.slots.set(kind, slot);
    return slot;
  }

  private async handshake(kind: string, slot: Slot, crash: (why: string) => void): Promise<void> {
    const locks = webLocks();
    const lockName = locks ? lifeLockName(kind) : null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`it did not start within ${this.startTimeoutMs / 1000} s`)), this.startTimeoutMs);
    });
    try {
      await Promise.race([slot.endpoint.hello(lockName), late]);
    } catch (error) {
      crash(error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (locks && lockName) {
      // Granted only once the worker no longer holds it: it was terminated, closed itself or died.
      locks.request(lockName, { signal: slot.watch.signal }, () => crash('it was terminated or ran out of memory')).catch(noop);
    }
    // Before any job: the worker's first session must already see the user's backend.
    if (this.settings) {
      const outcome = await Promise.race([slot.endpoint.start({ id: this.nextJobId++, method: 'configure', args: [this.settings] }), slot.ended]);
      if (!outcome.ok) throw rebuildError(outcome.error);
    }
  }
}

/** The app's one host. */
export const workers = new WorkerHost();
