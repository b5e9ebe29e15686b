// Float64 plain-loop reference for sums over axes.

import type { F64 } from '../core/cpu.ts';
import { numel, stridesOf, type Shape } from '../core/shape.ts';
import { keptShape } from './dispatch.ts';

/** alpha · Σ over `axes`, shaped with the reduced axes kept as 1. */
export function reduceSumRef(x: F64, shape: Shape, axes: readonly number[], alpha = 1): F64 {
  const kept = keptShape(shape, axes);
  const outStrides = stridesOf(kept);
  const out = new Float64Array(numel(kept));
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    let o = 0;
    coord.forEach((c, axis) => {
      if (!axes.includes(axis)) o += c * outStrides[axis]!;
    });
    out[o]! += x[i]!;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++coord[axis]! < shape[axis]!) break;
      coord[axis] = 0;
    }
  }
  return out.map((v) => v * alpha);
}

/** Gradient of reduceSumRef: g (kept shape) broadcast back to `shape`, times alpha. */
export function reduceSumGradRef(g: F64, shape: Shape, axes: readonly number[], alpha = 1): F64 {
  const kept = keptShape(shape, axes);
  const keptStrides = stridesOf(kept);
  const out = new Float64Array(numel(shape));
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let o = 0;
    coord.forEach((c, axis) => {
      if (!axes.includes(axis)) o += c * keptStrides[axis]!;
    });
    out[i] = g[o]! * alpha;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++coord[axis]! < shape[axis]!) break;
      coord[axis] = 0;
    }
  }
  return out;
}
