// Float64 references for GELU (exact erf), SiLU and GEGLU.

import { map, type F64 } from '../core/cpu.ts';

/** erf to ~1e-15: its Maclaurin series below 3, the erfc continued fraction above. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = exp(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated bottom-up.
  let f = a;
  for (let n = 60; n >= 1; n--) f = a + n / 2 / f;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export const geluScalar = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
export const geluGradScalar = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);

export const geluRef = (x: F64): F64 => map(x, geluScalar);
export const geluGradRef = (x: F64, g: F64): F64 => map(x, (v, i) => g[i]! * geluGradScalar(v));

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const siluRef = (x: F64): F64 => map(x, (v) => v * sigmoid(v));
export const siluGradRef = (x: F64, g: F64): F64 => map(x, (v, i) => g[i]! * (sigmoid(v) * (1 + v * (1 - sigmoid(v)))));

export function gegluRef(x: F64, d: number): F64 {
  const rows = x.length / (2 * d);
  const y = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) y[r * d + j] = x[r * 2 * d + j]! * geluScalar(x[r * 2 * d + d + j]!);
  return y;
}

export function gegluGradRef(x: F64, g: F64, d: number): F64 {
  const gx = new Float64Array(x.length);
  for (let r = 0; r < x.length / (2 * d); r++)
    for (let j = 0; j < d; j++) {
      const a = x[r * 2 * d + j]!;
      const gate = x[r * 2 * d + d + j]!;
      const gv = g[r * d + j]!;
      gx[r * 2 * d + j] = gv * geluScalar(gate);
      gx[r * 2 * d + d + j] = gv * a * geluGradScalar(gate);
    }
  return gx;
}
