// Float64 plain-loop reference for batched matmul with transposes.

import type { F64 } from '../core/cpu.ts';
import type { Shape } from '../core/shape.ts';
import { planMatmul } from './dispatch.ts';

export interface MatmulRefOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
}

export function matmulRef(a: F64, aShape: Shape, b: F64, bShape: Shape, o: MatmulRefOptions = {}): F64 {
  const { transA = false, transB = false, alpha = 1 } = o;
  const { m, n, k, batch, strideA, strideB } = planMatmul(aShape, bShape, transA, transB);
  const c = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const av = a[p * strideA + (transA ? q * m + i : i * k + q)]!;
          const bv = b[p * strideB + (transB ? j * k + q : q * n + j)]!;
          s += av * bv;
        }
        c[(p * m + i) * n + j] = alpha * s;
      }
    }
  }
  return c;
}

/**
 * Gradients of matmulRef by the definition dL/dA[i,q] = Σ_j g[i,j] · alpha · B̄[q,j]
 * (and likewise for B), summed over the batch for a broadcast operand.
 */
export function matmulGradRef(a: F64, aShape: Shape, b: F64, bShape: Shape, g: F64, o: MatmulRefOptions = {}): [F64, F64] {
  const { transA = false, transB = false, alpha = 1 } = o;
  const { m, n, k, batch, strideA, strideB } = planMatmul(aShape, bShape, transA, transB);
  const ga = new Float64Array(a.length);
  const gb = new Float64Array(b.length);
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const gv = alpha * g[(p * m + i) * n + j]!;
        for (let q = 0; q < k; q++) {
          const ai = p * strideA + (transA ? q * m + i : i * k + q);
          const bi = p * strideB + (transB ? j * k + q : q * n + j);
          ga[ai]! += gv * b[bi]!;
          gb[bi]! += gv * a[ai]!;
        }
      }
    }
  }
  return [ga, gb];
}
