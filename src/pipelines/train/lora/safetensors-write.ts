// Writes the safetensors format (huggingface/safetensors): u64 little-endian header length, a
// JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {…}} padded with spaces to a
// multiple of 8 bytes (as the reference writer pads it, so tensor data starts aligned), then the
// tensors' little-endian bytes. The reader it must satisfy is pipelines/predictor/safetensors.ts.

import { toHalf } from '../../../runtime/index.ts';

export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  data: ArrayLike<number>;
  dtype?: 'F32' | 'F16';
}

export function writeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const t of sorted) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`${t.name}: ${t.data.length} values for [${t.shape.join(', ')}].`);
    const dtype = t.dtype ?? 'F32';
    const bytes =
      dtype === 'F16'
        ? new Uint8Array(Uint16Array.from({ length: count }, (_, i) => toHalf(t.data[i]!)).buffer)
        : new Uint8Array(Float32Array.from(t.data).buffer);
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((new TextEncoder().encode(json).length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
