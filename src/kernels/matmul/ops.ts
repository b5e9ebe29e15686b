// Tape-aware batched matmul. With C = alpha · op(A) · op(B), the gradients are again matmuls
// with the transposes swapped, so backward reuses the forward kernel; a broadcast operand's
// gradient is summed over the batch.

import type { Tape } from '../autograd/tape.ts';
import type { GpuContext } from '../core/context.ts';
import type { Tensor } from '../core/tensor.ts';
import { reduceTo } from '../reduce/dispatch.ts';
import { planMatmul, runMatmul } from './dispatch.ts';

export interface MatmulAttrs {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
}

/** Sums a per-batch gradient down to the operand's shape when the operand was broadcast. */
function toShapeOf(ctx: GpuContext, g: Tensor, target: Tensor): Tensor {
  if (g.size === target.size) {
    const v = g.view(target.shape, false);
    ctx.release(g);
    return v;
  }
  const lead = [g.size / target.size, ...target.shape];
  const gv = g.view(lead, false);
  const summed = reduceTo(ctx, gv, [1, ...target.shape]);
  ctx.release(g, gv);
  const out = summed.view(target.shape, false);
  ctx.release(summed);
  return out;
}

export function matmul(tape: Tape, a: Tensor, b: Tensor, attrs: MatmulAttrs = {}): Tensor {
  const ctx = tape.ctx;
  const { transA = false, transB = false, alpha = 1 } = attrs;
  planMatmul(a.shape, b.shape, transA, transB);
  const c = runMatmul(ctx, a, b, { transA, transB, alpha });
  tape.record('matmul', [a, b], [c], ([g], needs) => {
    if (!g) return [null, null];
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (needs[0]) {
      const raw = transA
        ? runMatmul(ctx, b, g, { transA: transB, transB: true, alpha })
        : runMatmul(ctx, g, b, { transA: false, transB: !transB, alpha });
      ga = toShapeOf(ctx, raw, a);
    }
    if (needs[1]) {
      const raw = transB
        ? runMatmul(ctx, g, a, { transA: true, transB: transA, alpha })
        : runMatmul(ctx, a, g, { transA: !transA, transB: false, alpha });
      gb = toShapeOf(ctx, raw, b);
    }
    return [ga, gb];
  });
  return c;
}
