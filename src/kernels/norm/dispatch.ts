// Group norm and layer norm GPU kernels over the shared row layout (see shader.ts).

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import { grid, type Param } from '../core/program.ts';
import { formatShape, type Shape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { normForwardBody, normGradAffineBody, normGradInputBody } from './shader.ts';

/** R rows of L values; G groups (rows per batch item); HW values per channel; C channels. */
export interface NormPlan {
  rows: number;
  length: number;
  groups: number;
  hw: number;
  channels: number;
  eps: number;
}

/** Group norm over x [N, C, ...spatial] with `groups` groups (PyTorch's nn.GroupNorm). */
export function planGroupNorm(shape: Shape, groups: number, eps: number): NormPlan {
  if (shape.length < 2) throw new InvalidInputError(`groupNorm needs [N, C, ...]: got ${formatShape(shape)}.`);
  const [n, c] = shape as [number, number];
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw new InvalidInputError(`groupNorm: ${c} channels do not split into ${groups} groups.`);
  }
  const hw = shape.slice(2).reduce((a, d) => a * d, 1);
  return { rows: n * groups, length: (c / groups) * hw, groups, hw, channels: c, eps };
}

/** Layer norm over the last axis of x [..., D] (PyTorch's nn.LayerNorm(D)). */
export function planLayerNorm(shape: Shape, eps: number): NormPlan {
  const d = shape[shape.length - 1];
  if (d === undefined) throw new InvalidInputError('layerNorm needs at least one axis.');
  const size = shape.reduce((a, v) => a * v, 1);
  return { rows: size / d, length: d, groups: 1, hw: 1, channels: d, eps };
}

function params(p: NormPlan): Record<string, Param> {
  return {
    R: ['u32', p.rows],
    L: ['u32', p.length],
    G: ['u32', p.groups],
    HW: ['u32', p.hw],
    C: ['u32', p.channels],
    eps: ['f32', p.eps],
  };
}

function groups(ctx: GpuContext, count: number): [number, number, number] {
  return grid(count, 1, ctx.limits.maxComputeWorkgroupsPerDimension);
}

export function checkAffine(p: NormPlan, gamma: Tensor, beta: Tensor, op: string): void {
  for (const t of [gamma, beta]) {
    if (t.size !== p.channels) throw new InvalidInputError(`${op}: affine parameter ${t.describe()} for ${p.channels} channels.`);
  }
}

/** Returns y and the saved stats [R, 2] (mean, 1/std per row). */
export function normForward(ctx: GpuContext, x: Tensor, gamma: Tensor, beta: Tensor, p: NormPlan, label: string): { y: Tensor; stats: Tensor } {
  const y = ctx.empty(x.shape, label);
  const stats = ctx.empty([p.rows, 2], `${label}.stats`);
  ctx.run({
    label,
    body: normForwardBody,
    params: params(p),
    inputs: { x, gamma, beta },
    outputs: { y, stats },
    workgroups: groups(ctx, p.rows),
    shape: x.shape,
  });
  return { y, stats };
}

export function normGradInput(ctx: GpuContext, x: Tensor, gamma: Tensor, stats: Tensor, gy: Tensor, p: NormPlan, label: string): Tensor {
  const gx = ctx.empty(x.shape, `${label}.dx`);
  ctx.run({
    label: `${label}.backward-input`,
    body: normGradInputBody,
    params: params(p),
    inputs: { x, gamma, stats, gy },
    outputs: { gx },
    workgroups: groups(ctx, p.rows),
    shape: x.shape,
  });
  return gx;
}

export function normGradAffine(ctx: GpuContext, x: Tensor, stats: Tensor, gy: Tensor, p: NormPlan, label: string): { ggamma: Tensor; gbeta: Tensor } {
  const ggamma = ctx.empty([p.channels], `${label}.dgamma`);
  const gbeta = ctx.empty([p.channels], `${label}.dbeta`);
  ctx.run({
    label: `${label}.backward-affine`,
    body: normGradAffineBody,
    params: params(p),
    inputs: { x, stats, gy },
    outputs: { ggamma, gbeta },
    workgroups: groups(ctx, p.channels),
    shape: x.shape,
  });
  return { ggamma, gbeta };
}
