// Sums and means over axes, and reduceTo (the gradient of a broadcast: sum back to the smaller
// shape). GPU kernels without autograd; the tape-aware sum and mean are in ops.ts.

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import { axisParams } from '../core/indexing.ts';
import { grid } from '../core/program.ts';
import { broadcastAxes, broadcastShapes, formatShape, normalizeAxes, numel, sameShape, stridesOf, type Shape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { REDUCE_WG, reduceBody } from './shader.ts';

/** The shape of `shape` reduced over `axes`, keeping them as size-1 dimensions. */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** alpha · Σ over `axes` of x, with the reduced axes kept as 1 (a new tensor). */
export function reduceSum(ctx: GpuContext, x: Tensor, axes: readonly number[], alpha = 1): Tensor {
  const ax = normalizeAxes(axes, x.shape.length);
  const strides = stridesOf(x.shape);
  const keep = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const outShape = keptShape(x.shape, ax);
  const out = ctx.empty(outShape, 'sum');
  const nOut = numel(outShape);
  const nRed = x.size / nOut;
  ctx.run({
    label: 'reduce-sum',
    body: reduceBody,
    params: {
      nOut: ['u32', nOut],
      nRed: ['u32', nRed],
      alpha: ['f32', alpha],
      ...axisParams('k', keep.map((i) => x.shape[i]!), 1),
      ...axisParams('ks', keep.map((i) => strides[i]!), 0),
      ...axisParams('r', ax.map((i) => x.shape[i]!), 1),
      ...axisParams('rs', ax.map((i) => strides[i]!), 0),
    },
    inputs: { src: x },
    outputs: { dst: out },
    // One workgroup per output element (grid() with size 1 folds the count into x and y).
    workgroups: grid(nOut, 1, ctx.limits.maxComputeWorkgroupsPerDimension),
    shape: x.shape,
  });
  return out;
}

/**
 * Sums `g` (of a broadcast result's shape) down to `shape`, the shape of the operand that was
 * broadcast. Returns `g` itself when nothing was broadcast.
 */
export function reduceTo(ctx: GpuContext, g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  if (!sameShape(broadcastShapes(shape, g.shape), g.shape)) {
    throw new InvalidInputError(`reduceTo: ${formatShape(shape)} does not broadcast to ${g.describe()}.`);
  }
  const axes = broadcastAxes(shape, g.shape);
  if (axes.length === 0) return g.view(shape, false);
  const summed = reduceSum(ctx, g, axes);
  const out = summed.view(shape, false);
  ctx.release(summed);
  return out;
}

export { REDUCE_WG };
