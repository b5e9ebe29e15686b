// One session call at a time per worker. ORT's WebGPU backend shares one device and one command
// stream, and its wasm backend one heap and thread pool: overlapping runs only compete, and the
// GPU error check around a run (webgpu-check.ts) needs the device to itself while it runs.

import { CancelledError } from '../shared/errors.ts';

function cancelledBy(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new CancelledError();
}

/** Resolves with `promise`, or rejects as soon as `signal` aborts, whichever comes first. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelledBy(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledBy(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export class RunQueue {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** Tasks waiting or running. */
  get size(): number {
    return this.queued;
  }

  /**
   * Runs `task` after every task enqueued before it. A task whose signal aborts while it waits
   * leaves the queue at once with the abort reason; one that has started runs to its end (a
   * session run cannot be interrupted; the caller checks the signal between runs).
   */
  enqueue<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.tail;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    // The next task waits for this one and, through `previous`, for every earlier one, even when
    // this one leaves early: order is kept.
    this.tail = previous.then(() => mine);
    this.queued++;
    const run = async (): Promise<T> => {
      try {
        await untilAborted(previous, signal);
        signal?.throwIfAborted();
        return await task();
      } finally {
        this.queued--;
        done();
      }
    };
    return run();
  }
}

/** This worker's queue: every session run of every model in the worker goes through it. */
export const runQueue = new RunQueue();
