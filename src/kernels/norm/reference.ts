// Float64 plain-loop references for group and layer norm, over the same row layout as the
// kernels (R rows of L values, affine index ((r % G)·L + j) / HW).

import type { F64 } from '../core/cpu.ts';
import type { NormPlan } from './dispatch.ts';

const channel = (p: NormPlan, row: number, j: number): number => Math.floor(((row % p.groups) * p.length + j) / p.hw);

function rowStats(x: F64, p: NormPlan, row: number): { mean: number; rstd: number } {
  let s = 0;
  for (let j = 0; j < p.length; j++) s += x[row * p.length + j]!;
  const mean = s / p.length;
  let v = 0;
  for (let j = 0; j < p.length; j++) v += (x[row * p.length + j]! - mean) ** 2;
  return { mean, rstd: 1 / Math.sqrt(v / p.length + p.eps) };
}

export function normRef(x: F64, gamma: F64, beta: F64, p: NormPlan): F64 {
  const y = new Float64Array(x.length);
  for (let row = 0; row < p.rows; row++) {
    const { mean, rstd } = rowStats(x, p, row);
    for (let j = 0; j < p.length; j++) {
      const c = channel(p, row, j);
      const i = row * p.length + j;
      y[i] = (x[i]! - mean) * rstd * gamma[c]! + beta[c]!;
    }
  }
  return y;
}

export function normGradRef(x: F64, gamma: F64, g: F64, p: NormPlan): { gx: F64; ggamma: F64; gbeta: F64 } {
  const gx = new Float64Array(x.length);
  const ggamma = new Float64Array(p.channels);
  const gbeta = new Float64Array(p.channels);
  for (let row = 0; row < p.rows; row++) {
    const { mean, rstd } = rowStats(x, p, row);
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j < p.length; j++) {
      const i = row * p.length + j;
      const c = channel(p, row, j);
      const xh = (x[i]! - mean) * rstd;
      const gh = g[i]! * gamma[c]!;
      m1 += gh / p.length;
      m2 += (gh * xh) / p.length;
      ggamma[c]! += g[i]! * xh;
      gbeta[c]! += g[i]!;
    }
    for (let j = 0; j < p.length; j++) {
      const i = row * p.length + j;
      const xh = (x[i]! - mean) * rstd;
      gx[i] = rstd * (g[i]! * gamma[channel(p, row, j)]! - m1 - xh * m2);
    }
  }
  return { gx, ggamma, gbeta };
}
