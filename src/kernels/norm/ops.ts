// Tape-aware group norm and layer norm (affine, PyTorch semantics: biased variance, eps inside
// the square root). The per-row mean and 1/std are saved for backward.

import type { Tape } from '../autograd/tape.ts';
import type { Tensor } from '../core/tensor.ts';
import { checkAffine, normForward, normGradAffine, normGradInput, planGroupNorm, planLayerNorm, type NormPlan } from './dispatch.ts';

function normOp(tape: Tape, label: string, x: Tensor, gamma: Tensor, beta: Tensor, p: NormPlan): Tensor {
  const ctx = tape.ctx;
  checkAffine(p, gamma, beta, label);
  const { y, stats } = normForward(ctx, x, gamma, beta, p, label);
  tape.own(stats);
  tape.record(label, [x, gamma, beta], [y], ([g], needs) => {
    if (!g) return [null, null, null];
    const gx = needs[0] ? normGradInput(ctx, x, gamma, stats, g, p, label) : null;
    let ggamma: Tensor | null = null;
    let gbeta: Tensor | null = null;
    if (needs[1] || needs[2]) {
      const affine = normGradAffine(ctx, x, stats, g, p, label);
      ggamma = needs[1] ? affine.ggamma : null;
      gbeta = needs[2] ? affine.gbeta : null;
      if (!needs[1]) ctx.release(affine.ggamma);
      if (!needs[2]) ctx.release(affine.gbeta);
    }
    return [gx, ggamma, gbeta];
  });
  return y;
}

/** Group norm of x [N, C, ...] with gamma, beta [C]. */
export function groupNorm(tape: Tape, x: Tensor, groups: number, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  return normOp(tape, 'group-norm', x, gamma, beta, planGroupNorm(x.shape, groups, eps));
}

/** Layer norm of x [..., D] with gamma, beta [D]. */
export function layerNorm(tape: Tape, x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  return normOp(tape, 'layer-norm', x, gamma, beta, planLayerNorm(x.shape, eps));
}
