// Raw errors a worker meets are told apart by their own texts (V8, Emscripten, onnxruntime-web's
// allocator and its ERROR_MESSAGE wrapper, WebGPU), so the page can offer the way on that fits.
import { describe, expect, it } from 'vitest';
import { WorkerCrashedError, classifyRaw, toErrorInfo, type ErrorCode } from '../../src/shared/errors.ts';
import { rebuildError } from '../../src/workers/protocol.ts';

const cases: { what: string; error: unknown; code: ErrorCode }[] = [
  { what: 'V8 ArrayBuffer', error: new RangeError('Array buffer allocation failed'), code: 'out-of-memory' },
  { what: 'V8 wasm memory', error: new RangeError('WebAssembly.Memory(): could not allocate memory'), code: 'out-of-memory' },
  { what: 'V8 wasm instance', error: new RangeError('Out of memory: Cannot allocate Wasm memory for new instance'), code: 'out-of-memory' },
  { what: 'wasm trap', error: new Error('RuntimeError: memory access out of bounds'), code: 'out-of-memory' },
  { what: 'Emscripten abort', error: new Error('Aborted(OOM). Build with -sASSERTIONS for more info.'), code: 'out-of-memory' },
  { what: 'Emscripten growth', error: new Error('Cannot enlarge memory arrays to size 4294967296 bytes (OOM).'), code: 'out-of-memory' },
  // onnxruntime-web wraps its C++ status as "… ERROR_CODE: n, ERROR_MESSAGE: …"; the texts are the wasm's own.
  { what: 'ORT run', error: new Error("failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: Failed to allocate memory for requested buffer of size 2147483648"), code: 'out-of-memory' },
  { what: 'ORT session', error: new Error("Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc"), code: 'out-of-memory' },
  { what: 'WebGPU OOM by name', error: Object.assign(new Error('Not enough memory left.'), { name: 'GPUOutOfMemoryError' }), code: 'out-of-memory' },
  { what: 'WebGPU OOM as text', error: 'GPUOutOfMemoryError: Failed to create buffer', code: 'out-of-memory' },
  { what: 'GPUDeviceLostInfo', error: new Error('The device was lost.'), code: 'device-lost' },
  { what: 'Dawn', error: new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost"), code: 'device-lost' },
  { what: 'destroyed device', error: new Error('Device was destroyed.'), code: 'device-lost' },
  // A lost device fails its allocations too: the loss is the cause to report.
  { what: 'lost and allocating', error: new Error('Failed to allocate buffer: the device was lost'), code: 'device-lost' },
  { what: 'a plain bug', error: new TypeError("Cannot read properties of undefined (reading 'dims')"), code: 'internal' },
  { what: 'a shape error', error: new Error('ERROR_CODE: 2, ERROR_MESSAGE: Got invalid dimensions for input: sample'), code: 'internal' },
];

describe('toErrorInfo classifies raw errors', () => {
  for (const { what, error, code } of cases) {
    it(`${what} → ${code}`, () => {
      const info = toErrorInfo(error);
      expect(info.code).toBe(code);
      expect(classifyRaw(error)).toBe(code === 'internal' ? null : code);
    });
  }

  it('says what to do and keeps the raw text for a bug report', () => {
    const info = toErrorInfo(new RangeError('Array buffer allocation failed'));
    expect(info.name).toBe('OutOfMemoryError');
    expect(info.message).toMatch(/^The job ran out of memory\. Try smaller work/);
    expect(info.message).toContain('CPU (WASM)');
    expect(info.message).toContain('(Array buffer allocation failed)');
    expect(toErrorInfo(new Error('Device is lost')).message).toMatch(/^The GPU device was lost.*Try again, or run on the CPU \(WASM\)\. \(Device is lost\)$/);
  });

  it('leaves our own errors as they are, even when their text mentions memory', () => {
    const crashed = new WorkerCrashedError('The generate worker stopped unexpectedly (it was terminated or ran out of memory). Try again; a fresh worker will start.');
    expect(toErrorInfo(crashed).code).toBe('worker-crashed');
  });

  it('rebuilds the typed error on the page side', () => {
    const oom = rebuildError(toErrorInfo(new RangeError('Array buffer allocation failed')));
    expect(oom.name).toBe('OutOfMemoryError');
    expect(oom.code).toBe('out-of-memory');
    expect(rebuildError(toErrorInfo(new Error('The device was lost.'))).name).toBe('DeviceLostError');
  });
});
