// Float64 plain-loop reference for softmax over the last axis (with the optional causal mask),
// and its gradient by the full Jacobian, dx_j = Σ_k dy_k · y_k (δ_jk - y_j).

import type { F64 } from '../core/cpu.ts';

function lastColumn(row: number, l: number, q: number, causal: boolean): number {
  return causal ? Math.min((row % q) + (l - q), l - 1) : l - 1;
}

export function softmaxRef(x: F64, l: number, q = 1, causal = false): F64 {
  const y = new Float64Array(x.length);
  for (let row = 0; row < x.length / l; row++) {
    const last = lastColumn(row, l, q, causal);
    let m = -Infinity;
    for (let j = 0; j <= last; j++) m = Math.max(m, x[row * l + j]!);
    let s = 0;
    for (let j = 0; j <= last; j++) s += Math.exp(x[row * l + j]! - m);
    for (let j = 0; j <= last; j++) y[row * l + j] = Math.exp(x[row * l + j]! - m) / s;
  }
  return y;
}

export function softmaxGradRef(x: F64, g: F64, l: number, q = 1, causal = false): F64 {
  const y = softmaxRef(x, l, q, causal);
  const gx = new Float64Array(x.length);
  for (let row = 0; row < x.length / l; row++) {
    for (let j = 0; j < l; j++) {
      let s = 0;
      for (let k = 0; k < l; k++) s += g[row * l + k]! * y[row * l + k]! * ((j === k ? 1 : 0) - y[row * l + j]!);
      gx[row * l + j] = s;
    }
  }
  return gx;
}
