// One error class per failure a user can meet; each message says what to do next.
// Errors cross the worker boundary as plain objects (see toErrorInfo / fromErrorInfo),
// so every class here has a stable `code`.

export type ErrorCode =
  | 'cancelled'
  | 'backend-unavailable'
  | 'worker-crashed'
  | 'invalid-input'
  | 'integrity'
  | 'network'
  | 'quota'
  | 'not-found'
  | 'catalog'
  | 'model'
  | 'internal';

export class NatailiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The user (or a newer job) stopped the work. Not a failure worth a red message. */
export class CancelledError extends NatailiError {
  constructor(message = 'Cancelled.') {
    super('cancelled', message);
  }
}

/** Input the user gave cannot be used: a corrupt image, a wrong size, a bad setting. */
export class InvalidInputError extends NatailiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid-input', message, options);
  }
}

/** The chosen backend cannot run here (no WebGPU adapter, a missing feature, a device lost). */
export class BackendUnavailableError extends NatailiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('backend-unavailable', message, options);
  }
}

/** A worker died mid-job (out of memory, a crash in wasm). The next job gets a fresh worker. */
export class WorkerCrashedError extends NatailiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('worker-crashed', message, options);
  }
}

/** Plain data that survives structured cloning between a worker and the page. */
export interface ErrorInfo {
  code: ErrorCode;
  name: string;
  message: string;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof NatailiError) return { code: error.code, name: error.name, message: error.message };
  if (error instanceof DOMException && error.name === 'AbortError') {
    return { code: 'cancelled', name: 'CancelledError', message: 'Cancelled.' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', name: 'Error', message };
}

export function fromErrorInfo(info: ErrorInfo): NatailiError {
  const error = new NatailiError(info.code, info.message);
  error.name = info.name;
  return error;
}

export function isCancelled(error: unknown): boolean {
  return error instanceof NatailiError ? error.code === 'cancelled' : error instanceof DOMException && error.name === 'AbortError';
}
