// One error class per failure a user can meet; each message says what to do next.
// Errors cross the worker boundary as plain objects (see toErrorInfo / fromErrorInfo),
// so every class here has a stable `code`.

export type ErrorCode =
  | 'cancelled'
  | 'backend-unavailable'
  | 'worker-crashed'
  | 'out-of-memory'
  | 'device-lost'
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

// What to do, said once: the classes' defaults and the classified raw errors share them.
const OUT_OF_MEMORY_MESSAGE =
  'The job ran out of memory. Try smaller work (a smaller image, batch or tile), close other tabs that use the GPU, or try again on the CPU (WASM).';
const DEVICE_LOST_MESSAGE = 'The GPU device was lost (a driver reset or the GPU under load elsewhere). Try again, or run on the CPU (WASM).';

/** The job needed more memory (GPU or wasm) than the browser would give. Smaller work may fit. */
export class OutOfMemoryError extends NatailiError {
  constructor(message = OUT_OF_MEMORY_MESSAGE, options?: { cause?: unknown }) {
    super('out-of-memory', message, options);
  }
}

/** The GPU device went away mid-job (driver reset, another tab's load, a sleeping laptop). */
export class DeviceLostError extends NatailiError {
  constructor(message = DEVICE_LOST_MESSAGE, options?: { cause?: unknown }) {
    super('device-lost', message, options);
  }
}

// Raw errors a worker meets when memory runs out, by the text their source gives them: V8
// (RangeError on a large ArrayBuffer or wasm memory), Emscripten's abort in onnxruntime-web's
// wasm, ORT's allocator (through its "ERROR_MESSAGE: …" wrapper), and WebGPU.
const OUT_OF_MEMORY = [
  /Array buffer allocation failed/i,
  /\bOut of memory\b/i,
  /could not allocate memory/i,
  /Cannot enlarge memory/i,
  /memory access out of bounds/i,
  /Aborted\(OOM\)/,
  /Failed to allocate/i,
  /\bbad_alloc\b/,
  /GPUOutOfMemoryError/,
];
// WebGPU says a device is gone in a few wordings: GPUDeviceLostInfo, Dawn's "Device is lost",
// and errors from calls on a destroyed device.
const DEVICE_LOST = [/device (?:was |is |has been )?lost/i, /\bGPUDevice\b.*\b(?:lost|destroyed)\b/i, /Device was destroyed/i];

/** The kind of a raw (non-Nataili) error, from its class name and message; null for anything else. */
export function classifyRaw(error: unknown): 'out-of-memory' | 'device-lost' | null {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  const message = error instanceof Error ? error.message : typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : String(error);
  if (name === 'GPUOutOfMemoryError') return 'out-of-memory';
  const text = `${name}: ${message}`;
  // Device loss first: a lost device also fails its allocations, and losing it is the cause.
  if (DEVICE_LOST.some((pattern) => pattern.test(text))) return 'device-lost';
  if (OUT_OF_MEMORY.some((pattern) => pattern.test(text))) return 'out-of-memory';
  return null;
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
  // The raw text is kept after ours: it tells a bug report which allocation failed.
  switch (classifyRaw(error)) {
    case 'out-of-memory':
      return { code: 'out-of-memory', name: 'OutOfMemoryError', message: `${OUT_OF_MEMORY_MESSAGE} (${message})` };
    case 'device-lost':
      return { code: 'device-lost', name: 'DeviceLostError', message: `${DEVICE_LOST_MESSAGE} (${message})` };
    default:
      return { code: 'internal', name: 'Error', message };
  }
}

export function fromErrorInfo(info: ErrorInfo): NatailiError {
  const error = new NatailiError(info.code, info.message);
  error.name = info.name;
  return error;
}

export function isCancelled(error: unknown): boolean {
  return error instanceof NatailiError ? error.code === 'cancelled' : error instanceof DOMException && error.name === 'AbortError';
}
