// Softmax over the last axis (optionally causal) and its gradient, on the GPU.

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import { grid, type Param } from '../core/program.ts';
import type { Tensor } from '../core/tensor.ts';
import { softmaxBackwardBody, softmaxForwardBody } from './shader.ts';

export interface SoftmaxOptions {
  /** Mask column j of query row i when j > i + (L - Q), Q being the second-to-last axis. */
  causal?: boolean;
}

function params(x: Tensor, causal: boolean): Record<string, Param> {
  const l = x.shape[x.rank - 1];
  if (l === undefined) throw new InvalidInputError('softmax needs at least one axis.');
  const q = causal ? x.shape[x.rank - 2] : 1;
  if (q === undefined) throw new InvalidInputError(`softmax: a causal mask needs [..., Q, L]; got ${x.describe()}.`);
  if (causal && q > l) throw new InvalidInputError(`softmax: causal mask with more queries (${q}) than keys (${l}).`);
  return { R: ['u32', x.size / l], L: ['u32', l], Q: ['u32', q], causal: ['u32', causal ? 1 : 0] };
}

export function softmaxForward(ctx: GpuContext, x: Tensor, options: SoftmaxOptions = {}): Tensor {
  const p = params(x, options.causal ?? false);
  const y = ctx.empty(x.shape, 'softmax');
  ctx.run({
    label: 'softmax',
    body: softmaxForwardBody,
    params: p,
    inputs: { x },
    outputs: { y },
    workgroups: grid(p.R![1], 1, ctx.limits.maxComputeWorkgroupsPerDimension),
    shape: x.shape,
  });
  return y;
}

export function softmaxBackward(ctx: GpuContext, y: Tensor, gy: Tensor, options: SoftmaxOptions = {}): Tensor {
  const p = params(y, options.causal ?? false);
  const gx = ctx.empty(y.shape, 'softmax.dx');
  ctx.run({
    label: 'softmax.backward',
    body: softmaxBackwardBody,
    params: p,
    inputs: { y, gy },
    outputs: { gx },
    workgroups: grid(p.R![1], 1, ctx.limits.maxComputeWorkgroupsPerDimension),
    shape: y.shape,
  });
  return gx;
}
