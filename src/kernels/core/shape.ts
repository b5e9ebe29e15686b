// Shape arithmetic shared by every kernel: sizes, row-major strides, NumPy-style broadcasting.
// Plain functions of number arrays so the CPU references and the GPU dispatchers agree on them.

import { InvalidInputError } from '../../shared/errors.ts';

export type Shape = readonly number[];

/** Elements in a tensor of this shape (1 for a scalar, shape []). */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless every dimension is a positive integer: zero-size tensors have no GPU buffer. */
export function checkShape(shape: Shape, what: string): void {
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidInputError(`${what} has shape ${formatShape(shape)}; every dimension must be a positive integer.`);
  }
}

/** The broadcast of two shapes (NumPy rules: align right, a dimension of 1 stretches). */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new InvalidInputError(`Shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (dimension ${i}: ${da} vs ${db}).`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides to read `shape` as if it had the (broadcast) shape `target`: 0 along stretched
 * dimensions, left-padded to target's rank.
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const offset = target.length - shape.length;
  return target.map((d, i) => {
    const j = i - offset;
    if (j < 0) return 0;
    return shape[j] === 1 && d !== 1 ? 0 : own[j]!;
  });
}

/** Axes (of `target`'s rank) along which `shape` was stretched to reach `target`. */
export function broadcastAxes(shape: Shape, target: Shape): number[] {
  const offset = target.length - shape.length;
  const axes: number[] = [];
  target.forEach((d, i) => {
    const j = i - offset;
    if (j < 0 || (shape[j] === 1 && d !== 1)) axes.push(i);
  });
  return axes;
}

/** Normalises possibly negative axes against a rank, sorted and unique. */
export function normalizeAxes(axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (!Number.isInteger(n) || n < 0 || n >= rank) throw new InvalidInputError(`Axis ${a} is out of range for rank ${rank}.`);
    return n;
  });
  return [...new Set(out)].sort((x, y) => x - y);
}
