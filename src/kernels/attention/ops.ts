// Scaled dot-product attention, O = softmax(scale · Q Kᵀ [+ causal mask]) · V, over any batch
// dims (batch × heads): q [..., Lq, d], k [..., Lk, d], v [..., Lk, dv]. Built from the batched
// GEMM and softmax kernels; one tape node saves the probabilities P [..., Lq, Lk] for backward:
//   dP = dO Vᵀ,  dV = Pᵀ dO,  dS = P ∘ (dP - rowsum(dP ∘ P)),  dQ = scale · dS K,  dK = scale · dSᵀ Q.
// P is materialised, so memory grows with Lq·Lk: the limits check refuses shapes whose P does
// not fit one storage binding.

import { InvalidInputError } from '../../shared/errors.ts';
import type { Tape } from '../autograd/tape.ts';
import { sameShape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { runMatmul } from '../matmul/dispatch.ts';
import { softmaxBackward, softmaxForward } from '../softmax/dispatch.ts';

export interface AttentionOptions {
  /** Defaults to 1/√d. */
  scale?: number;
  causal?: boolean;
}

export function attention(tape: Tape, q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const ctx = tape.ctx;
  if (q.rank < 2 || k.rank !== q.rank || v.rank !== q.rank) {
    throw new InvalidInputError(`attention: q ${q.describe()}, k ${k.describe()}, v ${v.describe()} must share a rank ≥ 2.`);
  }
  const batch = q.shape.slice(0, -2);
  const d = q.shape[q.rank - 1]!;
  const lk = k.shape[k.rank - 2]!;
  if (!sameShape(k.shape.slice(0, -2), batch) || !sameShape(v.shape.slice(0, -2), batch) || k.shape[k.rank - 1] !== d || v.shape[v.rank - 2] !== lk) {
    throw new InvalidInputError(`attention: shapes do not match: q ${q.describe()}, k ${k.describe()}, v ${v.describe()}.`);
  }
  const scale = options.scale ?? 1 / Math.sqrt(d);
  const mask = { causal: options.causal ?? false };
  const scores = runMatmul(ctx, q, k, { transB: true, alpha: scale });
  const p = softmaxForward(ctx, scores, mask);
  ctx.release(scores);
  tape.own(p);
  const o = runMatmul(ctx, p, v);
  tape.record('attention', [q, k, v], [o], ([g], needs) => {
    if (!g) return [null, null, null];
    const gv = needs[2] ? runMatmul(ctx, p, g, { transA: true }) : null;
    if (!needs[0] && !needs[1]) return [null, null, gv];
    const gp = runMatmul(ctx, g, v, { transB: true });
    const gs = softmaxBackward(ctx, p, gp, mask);
    ctx.release(gp);
    const gq = needs[0] ? runMatmul(ctx, gs, k, { alpha: scale }) : null;
    const gk = needs[1] ? runMatmul(ctx, gs, q, { transA: true, alpha: scale }) : null;
    ctx.release(gs);
    return [gq, gk, gv];
  });
  return o;
}
