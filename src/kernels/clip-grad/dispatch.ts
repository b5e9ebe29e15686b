// Gradient norm clipping (PyTorch's clip_grad_norm_ with the 2-norm): the total norm over all
// gradients, coef = min(1, maxNorm / (norm + 1e-6)), every gradient scaled by coef in place.
// Stays on the GPU: the norm and coef are written to a small tensor the scale kernel reads, so
// a training step needs no readback; read the tensor to log the norm.

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import { flatKernelHead, grid } from '../core/program.ts';
import type { Tensor } from '../core/tensor.ts';
import { finishSum, partialCount, sumSquaresPartials } from '../reduce/sum-squares.ts';

const WG = 256;

const scaleBody = `
${flatKernelHead(WG)}
  grad[i] = grad[i] * norm[1];
}
`;

/** Clips `grads` in place; returns a tensor [2] holding the norm before clipping and the coef. */
export function clipGradNorm(ctx: GpuContext, grads: readonly Tensor[], maxNorm: number): Tensor {
  if (!(maxNorm > 0)) throw new InvalidInputError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}.`);
  const counts = grads.map((g) => partialCount(g.size));
  const total = counts.reduce((a, b) => a + b, 0);
  const out = ctx.zeros([2], 'grad-norm');
  if (total === 0) return out;
  const partials = ctx.empty([total], 'grad-norm.partials');
  let offset = 0;
  grads.forEach((g, i) => {
    sumSquaresPartials(ctx, g, null, partials, offset);
    offset += counts[i]!;
  });
  finishSum(ctx, partials, total, out, 'let norm = sqrt(s);\n    out[0] = norm;\n    out[1] = min(1.0, u.limit / (norm + 1e-6));', 1, maxNorm);
  ctx.release(partials);
  for (const g of grads) {
    ctx.run({
      label: 'clip-grad.scale',
      body: scaleBody,
      params: { n: ['u32', g.size] },
      inputs: { norm: out },
      outputs: { grad: g },
      workgroups: grid(g.size, WG, ctx.limits.maxComputeWorkgroupsPerDimension),
      shape: g.shape,
    });
  }
  return out;
}
