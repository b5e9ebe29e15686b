// Spawns one worker per model type on first use, wraps it with Comlink, releases it after an
// idle period (its sessions and GPU memory go with it) and spawns a fresh one on the next call.
// A worker that dies mid-job fails that job with WorkerCrashedError; the next job gets a new one.

import * as Comlink from 'comlink';
import { WorkerCrashedError } from '../shared/errors.ts';
import type { WorkerApis, WorkerKind } from './api.ts';

// Each entry is a literal `new Worker(new URL(...))` so the bundler finds and builds the worker.
const spawners: { [K in WorkerKind]: () => Worker } = {
  system: () => new Worker(new URL('./system.worker.ts', import.meta.url), { type: 'module', name: 'system' }),
};

interface Slot<K extends WorkerKind> {
  worker: Worker;
  remote: Comlink.Remote<WorkerApis[K]>;
  /** Rejects when the worker reports an uncaught error or fails to start. */
  crashed: Promise<never>;
  jobs: number;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

export interface WorkerHostOptions {
  /** Milliseconds a worker may sit idle before it is terminated. */
  idleMs?: number;
  spawn?: <K extends WorkerKind>(kind: K) => Worker;
}

export class WorkerHost {
  private readonly slots = new Map<WorkerKind, Slot<WorkerKind>>();
  private readonly spawn: <K extends WorkerKind>(kind: K) => Worker;
  idleMs: number;

  constructor(options: WorkerHostOptions = {}) {
    this.idleMs = options.idleMs ?? 5 * 60_000;
    this.spawn = options.spawn ?? ((kind) => spawners[kind]());
  }

  /** Runs `job` against the worker of `kind`, spawning it if needed. */
  async run<K extends WorkerKind, R>(kind: K, job: (remote: Comlink.Remote<WorkerApis[K]>) => Promise<R>): Promise<R> {
    const slot = this.acquire(kind);
    slot.jobs++;
    clearTimeout(slot.idleTimer);
    try {
      return await Promise.race([job(slot.remote), slot.crashed]);
    } finally {
      slot.jobs--;
      if (slot.jobs === 0 && this.slots.get(kind) === slot) {
        slot.idleTimer = setTimeout(() => this.release(kind), this.idleMs);
      }
    }
  }

  isRunning(kind: WorkerKind): boolean {
    return this.slots.has(kind);
  }

  /** Terminates the worker of `kind` now; the next call spawns a new one. */
  release(kind: WorkerKind): void {
    const slot = this.slots.get(kind);
    if (!slot) return;
    this.slots.delete(kind);
    clearTimeout(slot.idleTimer);
    slot.remote[Comlink.releaseProxy]();
    slot.worker.terminate();
  }

  releaseAll(): void {
    for (const kind of [...this.slots.keys()]) this.release(kind);
  }

  private acquire<K extends WorkerKind>(kind: K): Slot<K> {
    const existing = this.slots.get(kind) as Slot<K> | undefined;
    if (existing) return existing;
    const worker = this.spawn(kind);
    const crashed = new Promise<never>((_, reject) => {
      const fail = (message: string) => {
        this.release(kind);
        reject(new WorkerCrashedError(`The ${kind} worker stopped unexpectedly (${message}). Try again; a fresh worker will start.`));
      };
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        fail(event.message || 'failed to start or threw an uncaught error');
      });
      worker.addEventListener('messageerror', () => fail('a message could not be read'));
    });
    // A crash with no job waiting must not surface as an unhandled rejection.
    crashed.catch(() => undefined);
    const slot: Slot<K> = { worker, remote: Comlink.wrap<WorkerApis[K]>(worker), crashed, jobs: 0, idleTimer: undefined };
    this.slots.set(kind, slot as unknown as Slot<WorkerKind>);
    return slot;
  }
}

/** The app's one host. */
export const workers = new WorkerHost();
