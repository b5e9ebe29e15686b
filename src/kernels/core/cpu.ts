// Plain-loop helpers shared by the CPU references: broadcast binary maps and their reverse
// (summing a gradient back to an operand's shape). Float64 throughout, so finite differences
// on the references are accurate to far better than the fp32 kernels they check.

import { broadcastShapes, broadcastStrides, numel, stridesOf, type Shape } from './shape.ts';

export type F64 = Float64Array;

/** Flat index in a tensor of `shape` read through `strides`, for flat output index `i`. */
function offsetOf(i: number, shape: Shape, strides: readonly number[]): number {
  let rem = i;
  let off = 0;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const d = shape[axis]!;
    off += (rem % d) * strides[axis]!;
    rem = Math.floor(rem / d);
  }
  return off;
}

/** out[i] = f(a[…], b[…]) over the broadcast shape of a and b. */
export function broadcastMap(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, f: (x: number, y: number) => number): F64 {
  const shape = broadcastShapes(aShape, bShape);
  const sa = broadcastStrides(aShape, shape);
  const sb = broadcastStrides(bShape, shape);
  const out = new Float64Array(numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = f(a[offsetOf(i, shape, sa)]!, b[offsetOf(i, shape, sb)]!);
  return out;
}

/** Sums `g` (shaped `gShape`) into `shape`, the operand shape that broadcast to `gShape`. */
export function sumTo(g: ArrayLike<number>, gShape: Shape, shape: Shape): F64 {
  const strides = broadcastStrides(shape, gShape);
  const out = new Float64Array(numel(shape));
  for (let i = 0; i < g.length; i++) out[offsetOf(i, gShape, strides)]! += g[i]!;
  return out;
}

/** `x` (shaped `shape`) with axes reordered: output axis k is input axis perm[k]. */
export function permuteRef(x: ArrayLike<number>, shape: Shape, perm: readonly number[]): F64 {
  const strides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const outStrides = perm.map((p) => strides[p]!);
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = x[offsetOf(i, outShape, outStrides)]!;
  return out;
}

export function map(x: ArrayLike<number>, f: (v: number, i: number) => number): F64 {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!, i);
  return out;
}
