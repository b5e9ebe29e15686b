// Tape-aware conv2d.

import type { Tape } from '../autograd/tape.ts';
import type { Tensor } from '../core/tensor.ts';
import { conv2dForward, conv2dGradBias, conv2dGradInput, conv2dGradWeight, planConv2d, type Conv2dOptions } from './dispatch.ts';

export function conv2d(tape: Tape, x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const ctx = tape.ctx;
  const plan = planConv2d(x.shape, weight.shape, options);
  const y = conv2dForward(ctx, x, weight, bias, plan);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  tape.record('conv2d', inputs, [y], ([g], needs) => {
    if (!g) return inputs.map(() => null);
    const gx = needs[0] ? conv2dGradInput(ctx, g, weight, plan) : null;
    const gw = needs[1] ? conv2dGradWeight(ctx, g, x, plan) : null;
    const gb = bias && needs[2] ? conv2dGradBias(ctx, g, plan) : null;
    return bias ? [gx, gw, gb] : [gx, gw];
  });
  return y;
}
