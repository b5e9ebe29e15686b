// Tape-aware sum and mean over axes. Backward broadcasts the gradient back over the reduced axes.

import type { Tape } from '../autograd/tape.ts';
import { normalizeAxes } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { expand } from '../elementwise/dispatch.ts';
import { keptShape, reduceSum } from './dispatch.ts';

function reduceOp(tape: Tape, x: Tensor, axes: readonly number[] | 'all', keepDims: boolean, mean: boolean): Tensor {
  const ctx = tape.ctx;
  const ax = axes === 'all' ? x.shape.map((_, i) => i) : normalizeAxes(axes, x.shape.length);
  const count = ax.reduce((n, i) => n * x.shape[i]!, 1);
  const alpha = mean ? 1 / count : 1;
  const kept = keptShape(x.shape, ax);
  const summed = reduceSum(ctx, x, ax, alpha);
  const outShape = keepDims ? kept : kept.filter((_, i) => !ax.includes(i));
  const y = summed.view(outShape, false);
  ctx.release(summed);
  tape.record(mean ? 'mean' : 'sum', [x], [y], ([g]) => {
    if (!g) return [null];
    const gk = g.view(kept, false);
    const gx = expand(ctx, gk, x.shape, alpha);
    ctx.release(gk);
    return [gx];
  });
  return y;
}

/** Σ over `axes` ('all' for every axis); reduced axes are dropped unless keepDims. */
export function sum(tape: Tape, x: Tensor, axes: readonly number[] | 'all', keepDims = false): Tensor {
  return reduceOp(tape, x, axes, keepDims, false);
}

export function mean(tape: Tape, x: Tensor, axes: readonly number[] | 'all', keepDims = false): Tensor {
  return reduceOp(tape, x, axes, keepDims, true);
}
