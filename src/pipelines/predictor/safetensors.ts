// A small safetensors reader (huggingface/safetensors' format): 8 bytes of little-endian u64
// header length N, N bytes of UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]},
// "__metadata__"?: {string: string}}, then the tensor bytes, little-endian and row-major, with the
// offsets counted from the end of the header. Written for this project so the aesthetic
// predictor's weights load without pickle or a Python runtime; the MLP's few MB need nothing faster.
import { fromHalf } from '../../runtime/float16.ts';
import { InvalidInputError } from '../../shared/errors.ts';

export const SAFETENSORS_DTYPES = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 } as const;
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

export interface SafeTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** The tensor's bytes: a view into the file, not a copy (they need not be aligned). */
  bytes: Uint8Array;
}

export interface Safetensors {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

// A header is a few KB even for large models; refuse anything that could only be a wrong file.
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

function bad(why: string): InvalidInputError {
  return new InvalidInputError(`This is not a valid safetensors file: ${why}. Use the .safetensors file the model came with.`);
}

function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(SAFETENSORS_DTYPES, value);
}

function readEntry(name: string, raw: unknown, dataBytes: number): { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(`the entry "${name}" is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (!isDtype(dtype)) throw bad(`"${name}" has dtype ${JSON.stringify(dtype)}, which this reader does not know`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad(`"${name}" has shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw bad(`"${name}" has data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataBytes) throw bad(`"${name}" lies at bytes ${begin}–${end}, outside the ${dataBytes} bytes of data`);
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPES[dtype];
  if (end - begin !== expected) throw bad(`"${name}" has ${end - begin} bytes, but ${dtype} [${shape.join(', ')}] needs ${expected}`);
  return { dtype, shape: shape as number[], begin, end };
}

/** Parses the header and checks every tensor's place: in range, the right size, no overlaps or holes. */
export function readSafetensors(file: Uint8Array): Safetensors {
  if (file.length < 8) throw bad(`it has ${file.length} bytes, fewer than its 8-byte header length`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > file.length) throw bad(`its header claims ${headerLength} bytes; the file has ${file.length - 8} after the length`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength)));
  } catch {
    throw bad('its header is not UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('its header is not a JSON object');
  const data = file.subarray(8 + headerLength);
  const tensors = new Map<string, SafeTensor>();
  const spans: [number, number, string][] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || !Object.values(raw).every((v) => typeof v === 'string')) throw bad('__metadata__ must map names to texts');
      metadata = { ...(raw as Record<string, string>) };
      continue;
    }
    const entry = readEntry(name, raw, data.length);
    tensors.set(name, { name, dtype: entry.dtype, shape: entry.shape, bytes: data.subarray(entry.begin, entry.end) });
    spans.push([entry.begin, entry.end, name]);
  }
  // The format forbids overlaps and holes: a file that has either was not written by safetensors.
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin < at) throw bad(`"${name}" overlaps the tensor before it`);
    if (begin > at) throw bad(`bytes ${at}–${begin} before "${name}" belong to no tensor`);
    at = end;
  }
  if (at !== data.length) throw bad(`the last ${data.length - at} bytes belong to no tensor`);
  return { tensors, metadata };
}

/** A floating-point tensor's values as float32 (F64 rounds, F16 and BF16 widen exactly). */
export function toFloat32(tensor: SafeTensor): Float32Array {
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  const view = new DataView(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength);
  switch (tensor.dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = fromHalf(view.getUint16(i * 2, true));
      return out;
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift its bits back into place.
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    default:
      throw new InvalidInputError(`"${tensor.name}" holds ${tensor.dtype} values; weights must be F32, F16, BF16 or F64.`);
  }
}
