// Batched matmul on the GPU: C = alpha · op(A) · op(B) (+ bias per column), op = optional
// transpose. Transposes are pipeline-overridable constants; batches run on dispatch z, and a
// batch of one on either side is broadcast (a shared weight) by giving it batch stride 0.

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import { formatShape, numel, sameShape, type Shape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { checkGemm, defaultTile, gemmBody, runGemm, type GemmTile } from './gemm.ts';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  /** Added to every row of C (length N): linear's bias, fused into the store. */
  bias?: Tensor | null;
  tile?: GemmTile;
}

export interface MatmulPlan {
  m: number;
  n: number;
  k: number;
  batch: number;
  strideA: number;
  strideB: number;
  outShape: number[];
}

/** Checks shapes and works out the GEMM sizes; throws naming both shapes on a mismatch. */
export function planMatmul(aShape: Shape, bShape: Shape, transA = false, transB = false): MatmulPlan {
  if (aShape.length < 2 || bShape.length < 2) {
    throw new InvalidInputError(`matmul needs matrices: got ${formatShape(aShape)} and ${formatShape(bShape)}.`);
  }
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const [kb, n] = transB ? [bc, br] : [br, bc];
  if (k !== kb) {
    throw new InvalidInputError(
      `matmul: inner sizes differ (${k} vs ${kb}) for ${formatShape(aShape)}${transA ? 'ᵀ' : ''} · ${formatShape(bShape)}${transB ? 'ᵀ' : ''}.`,
    );
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const na = numel(batchA);
  const nb = numel(batchB);
  if (na > 1 && nb > 1 && !sameShape(batchA, batchB)) {
    throw new InvalidInputError(`matmul: batch shapes ${formatShape(batchA)} and ${formatShape(batchB)} differ (one may be 1).`);
  }
  const batchShape = na > 1 ? batchA : nb > 1 ? batchB : batchA.length >= batchB.length ? batchA : batchB;
  return { m, n, k, batch: Math.max(na, nb), strideA: na > 1 ? m * k : 0, strideB: nb > 1 ? k * n : 0, outShape: [...batchShape, m, n] };
}

function matmulBody(bias: boolean, tile: GemmTile): string {
  return gemmBody(
    {
      helpers: 'override TRANS_A: bool = false;\noverride TRANS_B: bool = false;',
      aAlongM: 'TRANS_A',
      bAlongN: '!TRANS_B',
      loadA: `fn loadA(batch: u32, row: u32, k: u32) -> f32 {
  let base = batch * u.strideA;
  if (TRANS_A) { return A[base + k * u.M + row]; }
  return A[base + row * u.K + k];
}`,
      loadB: `fn loadB(batch: u32, k: u32, col: u32) -> f32 {
  let base = batch * u.strideB;
  if (TRANS_B) { return B[base + col * u.K + k]; }
  return B[base + k * u.N + col];
}`,
      store: `fn store(batch: u32, row: u32, col: u32, value: f32) {
  C[(batch * u.M + row) * u.N + col] = u.alpha * value${bias ? ' + bias[col]' : ''};
}`,
    },
    tile,
  );
}

export function runMatmul(ctx: GpuContext, a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transA = false, transB = false, alpha = 1, bias = null, tile = defaultTile } = options;
  const plan = planMatmul(a.shape, b.shape, transA, transB);
  if (bias && bias.size !== plan.n) throw new InvalidInputError(`matmul: bias ${bias.describe()} for ${plan.n} columns.`);
  checkGemm(ctx, 'matmul', plan.m, plan.n, tile, plan.outShape);
  const c = ctx.empty(plan.outShape, 'matmul');
  runGemm(ctx, {
    label: 'matmul',
    body: matmulBody(bias !== null, tile),
    constants: { TRANS_A: transA ? 1 : 0, TRANS_B: transB ? 1 : 0 },
    params: {
      M: ['u32', plan.m],
      N: ['u32', plan.n],
      K: ['u32', plan.k],
      strideA: ['u32', plan.strideA],
      strideB: ['u32', plan.strideB],
      alpha: ['f32', alpha],
    },
    inputs: { A: a, B: b, ...(bias ? { bias } : {}) },
    outputs: { C: c },
    shape: plan.outShape,
  }, plan.m, plan.n, plan.batch, tile);
  return c;
}
