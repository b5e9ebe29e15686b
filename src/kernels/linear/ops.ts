// Linear layer, PyTorch's layout: y = x · Wᵀ + b with W [out, in], x [..., in]. The forward is
// one GEMM with the bias fused into its store; backward is dx = dy · W, dW = dyᵀ · x and
// db = Σ_rows dy, each skipped when that input needs no gradient (a frozen base weight).

import { InvalidInputError } from '../../shared/errors.ts';
import type { Tape } from '../autograd/tape.ts';
import type { Tensor } from '../core/tensor.ts';
import { runMatmul } from '../matmul/dispatch.ts';
import { reduceSum } from '../reduce/dispatch.ts';

export function linear(tape: Tape, x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const ctx = tape.ctx;
  if (weight.rank !== 2) throw new InvalidInputError(`linear: weight ${weight.describe()} must be [out, in].`);
  const [outF, inF] = weight.shape as [number, number];
  if (x.shape[x.rank - 1] !== inF) throw new InvalidInputError(`linear: input ${x.describe()} does not end in ${inF} features.`);
  if (bias && (bias.rank !== 1 || bias.size !== outF)) throw new InvalidInputError(`linear: bias ${bias.describe()} for ${outF} outputs.`);
  const rows = x.size / inF;
  const x2 = x.view([rows, inF], false);
  const y2 = runMatmul(ctx, x2, weight, { transB: true, bias });
  const y = y2.view([...x.shape.slice(0, -1), outF], false);
  ctx.release(y2);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  tape.record('linear', inputs, [y], ([g], needs) => {
    if (!g) return inputs.map(() => null);
    const g2 = g.view([rows, outF], false);
    let gx: Tensor | null = null;
    if (needs[0]) {
      const raw = runMatmul(ctx, g2, weight);
      gx = raw.view(x.shape, false);
      ctx.release(raw);
    }
    const gw = needs[1] ? runMatmul(ctx, g2, x2, { transA: true }) : null;
    let gb: Tensor | null = null;
    if (bias && needs[2]) {
      const raw = reduceSum(ctx, g2, [0]);
      gb = raw.view([outF], false);
      ctx.release(raw);
    }
    ctx.release(g2);
    return bias ? [gx, gw, gb] : [gx, gw];
  });
  // x2 is read again by backward; the tape releases it with the step.
  tape.own(x2);
  return y;
}
