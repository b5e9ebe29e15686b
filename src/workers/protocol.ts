// The wire between WorkerHost (page) and exposeJobs (worker). Results and errors travel as data
// (JobOutcome) rather than as Comlink's thrown errors, which keep only name and message: an
// ErrorInfo keeps the code, and the page rebuilds the typed error from it.

import {
  BackendUnavailableError,
  CancelledError,
  DeviceLostError,
  InvalidInputError,
  OutOfMemoryError,
  WorkerCrashedError,
  fromErrorInfo,
  type ErrorInfo,
  type NatailiError,
} from '../shared/errors.ts';
import type { ProgressCallback } from '../shared/progress.ts';

export interface JobRequest {
  id: number;
  method: string;
  args: unknown[];
}

export type JobOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

/** What a worker exposes through Comlink. */
export interface JobEndpoint {
  /** Resolves once the worker holds the Web Lock `lockName`, whose release tells the page it died. */
  hello(lockName: string | null): Promise<void>;
  start(request: JobRequest, progress?: ProgressCallback): Promise<JobOutcome>;
  cancel(id: number): void;
}

/** A Web Lock a worker holds for life: the page's request for it is granted only when the worker is gone. */
export function lifeLockName(kind: string): string {
  return `nataili-worker:${kind}:${crypto.randomUUID()}`;
}

export function webLocks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

/**
 * Every ArrayBuffer (and ImageBitmap) reachable through plain objects and arrays in `value`, once
 * each, so pixels and tensors move instead of being copied. SharedArrayBuffers are shared anyway.
 */
export function transferablesIn(value: unknown): Transferable[] {
  const found = new Set<Transferable>();
  const seen = new Set<object>();
  const visit = (item: unknown, depth: number): void => {
    if (item === null || typeof item !== 'object' || seen.has(item) || depth > 8) return;
    seen.add(item);
    if (item instanceof ArrayBuffer) {
      if (item.byteLength > 0) found.add(item);
    } else if (ArrayBuffer.isView(item)) {
      // Only a view of a whole buffer moves. A view of part of one (a pooled protobuf slab, a
      // tile of a larger image) is copied: moving it would take the rest away from the sender.
      if (item.byteOffset === 0 && item.byteLength === item.buffer.byteLength) visit(item.buffer, depth);
    } else if (typeof ImageData !== 'undefined' && item instanceof ImageData) {
      // ImageData itself is cloned, but its pixels can move.
      visit(item.data, depth);
    } else if (typeof ImageBitmap !== 'undefined' && item instanceof ImageBitmap) {
      found.add(item);
    } else if (Array.isArray(item)) {
      for (const entry of item) visit(entry, depth + 1);
    } else if (Object.getPrototypeOf(item) === Object.prototype) {
      for (const entry of Object.values(item)) visit(entry, depth + 1);
    }
  };
  visit(value, 0);
  return [...found];
}

/** The typed error for an ErrorInfo from a worker, so `instanceof` works on the page. */
export function rebuildError(info: ErrorInfo): NatailiError {
  switch (info.code) {
    case 'cancelled':
      return new CancelledError(info.message);
    case 'invalid-input':
      return new InvalidInputError(info.message);
    case 'backend-unavailable':
      return new BackendUnavailableError(info.message);
    case 'worker-crashed':
      return new WorkerCrashedError(info.message);
    case 'out-of-memory':
      return new OutOfMemoryError(info.message);
    case 'device-lost':
      return new DeviceLostError(info.message);
    default:
      return fromErrorInfo(info);
  }
}
