// Elementwise GPU kernels without autograd: unary maps and their gradients, broadcast binary
// ops, in-place axpy, expand and permute. The tape-aware ops are in ops.ts.

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import { axisParams, padLeft } from '../core/indexing.ts';
import { grid, type Param } from '../core/program.ts';
import { broadcastShapes, broadcastStrides, formatShape, sameShape, stridesOf, type Shape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { WG, axpyBody, binaryBody, expandBody, unaryBody, unaryGradBody } from './shader.ts';

/** A unary map: WGSL for y = f(x) (with u.alpha, u.beta) and for dx = g · f'(x) using x, y, g. */
export interface UnarySpec {
  readonly name: string;
  readonly forward: string;
  readonly backward: string;
  readonly helpers?: string;
}

function uses(expr: string, name: string): boolean {
  return new RegExp(`\\b${name}\\b`).test(expr);
}

function flatGrid(ctx: GpuContext, n: number): [number, number, number] {
  return grid(n, WG, ctx.limits.maxComputeWorkgroupsPerDimension);
}

export function runUnary(ctx: GpuContext, spec: UnarySpec, x: Tensor, alpha = 1, beta = 0): Tensor {
  const y = ctx.empty(x.shape, spec.name);
  ctx.run({
    label: spec.name,
    body: unaryBody(spec.forward, spec.helpers),
    params: { n: ['u32', x.size], alpha: ['f32', alpha], beta: ['f32', beta] },
    inputs: { src: x },
    outputs: { dst: y },
    workgroups: flatGrid(ctx, x.size),
    shape: x.shape,
  });
  return y;
}

/** dx for a unary map, given its input x, output y and the output gradient g. */
export function runUnaryGrad(ctx: GpuContext, spec: UnarySpec, x: Tensor, y: Tensor, g: Tensor, alpha = 1, beta = 0): Tensor {
  const dx = ctx.empty(x.shape, `${spec.name}.grad`);
  const needX = uses(spec.backward, 'x');
  const needY = uses(spec.backward, 'y');
  ctx.run({
    label: `${spec.name}.backward`,
    body: unaryGradBody(spec.backward, { x: needX, y: needY }, spec.helpers),
    params: { n: ['u32', x.size], alpha: ['f32', alpha], beta: ['f32', beta] },
    inputs: { gy: g, ...(needX ? { xs: x } : {}), ...(needY ? { ys: y } : {}) },
    outputs: { dx },
    workgroups: flatGrid(ctx, x.size),
    shape: x.shape,
  });
  return dx;
}

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
const binaryExpr: Record<BinaryOp, string> = { add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b' };

/** alpha · (a ∘ b) with NumPy broadcasting, into a new tensor of the broadcast shape. */
export function runBinary(ctx: GpuContext, op: BinaryOp, a: Tensor, b: Tensor, alpha = 1): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const out = ctx.empty(shape, op);
  const plain = sameShape(a.shape, b.shape);
  const params: Record<string, Param> = { n: ['u32', out.size], alpha: ['f32', alpha] };
  if (!plain) {
    Object.assign(params, axisParams('d', shape, 1), axisParams('sa', broadcastStrides(a.shape, shape), 0), axisParams('sb', broadcastStrides(b.shape, shape), 0));
  }
  ctx.run({
    label: op,
    body: binaryBody(binaryExpr[op], !plain),
    params,
    inputs: { lhs: a, rhs: b },
    outputs: { dst: out },
    workgroups: flatGrid(ctx, out.size),
    shape,
  });
  return out;
}

/** y += alpha · x in place (same number of elements). */
export function axpyInto(ctx: GpuContext, y: Tensor, x: Tensor, alpha: number): void {
  if (x.size !== y.size) throw new InvalidInputError(`axpy: ${x.describe()} into ${y.describe()}.`);
  if (x.storage === y.storage) throw new InvalidInputError('axpy: source and destination share a buffer.');
  ctx.run({
    label: 'axpy',
    body: axpyBody,
    params: { n: ['u32', y.size], alpha: ['f32', alpha] },
    inputs: { src: x },
    outputs: { dst: y },
    workgroups: flatGrid(ctx, y.size),
    shape: y.shape,
  });
}

/** a + b into a new tensor (same number of elements; a's shape). */
export function addNew(ctx: GpuContext, a: Tensor, b: Tensor): Tensor {
  const same = sameShape(a.shape, b.shape) ? b : b.view(a.shape);
  const out = runBinary(ctx, 'add', a, same);
  if (same !== b) ctx.release(same);
  return out;
}

/** Reads `x` through strides `strides` as `shape`: the kernel behind expand and permute. */
function gather(ctx: GpuContext, label: string, x: Tensor, shape: Shape, strides: readonly number[], alpha = 1): Tensor {
  const out = ctx.empty(shape, label);
  ctx.run({
    label,
    body: expandBody,
    params: { n: ['u32', out.size], alpha: ['f32', alpha], ...axisParams('d', shape, 1), ...axisParams('s', strides, 0) },
    inputs: { src: x },
    outputs: { dst: out },
    workgroups: flatGrid(ctx, out.size),
    shape,
  });
  return out;
}

/** alpha · `x` broadcast to `shape` (NumPy rules), in a new tensor. */
export function expand(ctx: GpuContext, x: Tensor, shape: Shape, alpha = 1): Tensor {
  const target = broadcastShapes(x.shape, shape);
  if (!sameShape(target, shape)) throw new InvalidInputError(`expand: ${x.describe()} cannot broadcast to ${formatShape(shape)}.`);
  return gather(ctx, 'expand', x, shape, broadcastStrides(x.shape, shape), alpha);
}

/** Reorders axes: output axis k is input axis perm[k]. */
export function permute(ctx: GpuContext, x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
    throw new InvalidInputError(`permute: [${perm.join(', ')}] is not a permutation of ${rank} axes.`);
  }
  padLeft(perm, 0); // refuses ranks over the maximum
  const strides = stridesOf(x.shape);
  return gather(ctx, 'permute', x, perm.map((p) => x.shape[p]!), perm.map((p) => strides[p]!));
}
