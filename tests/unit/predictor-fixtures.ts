// Test weights for the aesthetic predictor, written independently of src/pipelines/predictor:
// a safetensors writer (header padded with spaces to 8 bytes, as the Python library pads it),
// seeded layer weights in nataili's three layouts, and a reference forward pass that takes the
// ReLU positions from the layout's definition rather than from the state dict's key gaps.

import { concatBytes } from '../../src/shared/bytes.ts';

export type Dtype = 'F32' | 'F16' | 'BF16' | 'F64';

export interface Tensor {
  dtype: Dtype;
  shape: number[];
  values: number[];
}

function halfBits(value: number): number {
  // Through float32, then round the 13 dropped mantissa bits to nearest even (no overflow
  // handling: the test values stay far below 65504).
  const f = new DataView(new ArrayBuffer(4));
  f.setFloat32(0, value);
  const bits = f.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  if (value === 0) return sign;
  // Below the smallest normal half: a subnormal, counted in steps of 2^-24.
  if (exp <= 0) return sign | Math.round(Math.abs(value) / 2 ** -24);
  const mant = bits & 0x7fffff;
  let half = (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half += 1;
  return sign | half;
}

function encodeValues(t: Tensor): Uint8Array {
  const size = { F32: 4, F16: 2, BF16: 2, F64: 8 }[t.dtype];
  const out = new Uint8Array(t.values.length * size);
  const view = new DataView(out.buffer);
  t.values.forEach((v, i) => {
    if (t.dtype === 'F32') view.setFloat32(i * 4, v, true);
    else if (t.dtype === 'F64') view.setFloat64(i * 8, v, true);
    else if (t.dtype === 'F16') view.setUint16(i * 2, halfBits(v), true);
    else {
      // bfloat16 by truncation of the float32 bits (what torch does is round; either is a valid file).
      const f = new DataView(new ArrayBuffer(4));
      f.setFloat32(0, v);
      view.setUint16(i * 2, f.getUint32(0) >>> 16, true);
    }
  });
  return out;
}

/** A .safetensors file; `pad: false` leaves the header unpadded (data not aligned). */
export function writeSafetensors(tensors: Record<string, Tensor>, options: { metadata?: Record<string, string>; pad?: boolean } = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (options.metadata) header['__metadata__'] = options.metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = encodeValues(t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  if (options.pad !== false) while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += ' ';
  return rawSafetensors(json, concatBytes(blobs));
}

/** Length prefix + header text + data, with no checks: for files that are wrong on purpose. */
export function rawSafetensors(headerJson: string, data: Uint8Array, claimedLength?: number): Uint8Array {
  const head = new TextEncoder().encode(headerJson);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(claimedLength ?? head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

/** Deterministic values in [-scale, scale). */
export function seeded(count: number, seed: number, scale: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

export interface Layout {
  /** Linear widths, input first. */
  widths: number[];
  /** nn.Sequential index of each Linear. */
  indices: number[];
  /** ReLU after each Linear (the definition in nataili's mlp.py). */
  relu: boolean[];
}

export function natailiMlp(input: 768 | 1024): Layout {
  return { widths: [input, 1024, 128, 64, 16, 1], indices: [0, 2, 4, 6, 7], relu: [false, false, false, false, false] };
}
export const H14_MLP: Layout = { widths: [1024, 1024, 2048, 1024, 256, 128, 16, 1], indices: [0, 3, 6, 9, 12, 15, 16], relu: [true, true, true, true, true, false, false] };
export const H14_MLP_2: Layout = {
  widths: [1024, 1024, 2048, 4096, 2048, 1024, 256, 128, 16, 1],
  indices: [0, 3, 6, 9, 12, 15, 18, 21, 22],
  relu: [true, true, true, true, true, true, true, false, false],
};

export interface Weights {
  weights: number[][];
  biases: number[][];
}

/**
 * He-scaled weights with a negative bias lean, so some ReLU inputs are negative and the ReLUs
 * matter (a test that passed with or without them would prove nothing).
 */
export function layoutWeights(layout: Layout, seed: number): Weights {
  const weights: number[][] = [];
  const biases: number[][] = [];
  for (let l = 0; l < layout.widths.length - 1; l++) {
    const [fanIn, fanOut] = [layout.widths[l]!, layout.widths[l + 1]!];
    weights.push(seeded(fanIn * fanOut, seed + l * 17, Math.sqrt(3 / fanIn)));
    biases.push(seeded(fanOut, seed + l * 31 + 5, 0.05).map((b) => b - 0.02));
  }
  return { weights, biases };
}

export function stateDict(layout: Layout, w: Weights, dtype: Dtype = 'F32', prefix = ''): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  layout.indices.forEach((index, l) => {
    out[`${prefix}layers.${index}.weight`] = { dtype, shape: [layout.widths[l + 1]!, layout.widths[l]!], values: w.weights[l]! };
    out[`${prefix}layers.${index}.bias`] = { dtype, shape: [layout.widths[l + 1]!], values: w.biases[l]! };
  });
  return out;
}

/** y = W·x + b layer by layer in float64, with the layout's ReLUs; weights rounded as stored in float32. */
export function referenceForward(layout: Layout, w: Weights, input: readonly number[], relu = true): number {
  const f32 = (v: number) => Math.fround(v);
  let x = [...input];
  for (let l = 0; l < layout.widths.length - 1; l++) {
    const fanIn = layout.widths[l]!;
    const next: number[] = [];
    for (let o = 0; o < layout.widths[l + 1]!; o++) {
      let acc = f32(w.biases[l]![o]!);
      for (let i = 0; i < fanIn; i++) acc += f32(w.weights[l]![o * fanIn + i]!) * x[i]!;
      next.push(relu && layout.relu[l] ? Math.max(0, acc) : acc);
    }
    x = next;
  }
  return x[0]!;
}

/** A unit vector of `size` values. */
export function unitVector(size: number, seed: number): number[] {
  const v = seeded(size, seed, 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
