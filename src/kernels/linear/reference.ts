// Float64 plain-loop reference for the linear layer, y[r, o] = Σ_i x[r, i] · W[o, i] + b[o].

import type { F64 } from '../core/cpu.ts';

export function linearRef(x: F64, w: F64, b: F64 | null, inF: number, outF: number): F64 {
  const rows = x.length / inF;
  const y = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < inF; i++) s += x[r * inF + i]! * w[o * inF + i]!;
      y[r * outF + o] = s;
    }
  }
  return y;
}

export function linearGradRef(x: F64, w: F64, g: F64, inF: number, outF: number): { gx: F64; gw: F64; gb: F64 } {
  const rows = x.length / inF;
  const gx = new Float64Array(x.length);
  const gw = new Float64Array(w.length);
  const gb = new Float64Array(outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      const gv = g[r * outF + o]!;
      gb[o]! += gv;
      for (let i = 0; i < inF; i++) {
        gx[r * inF + i]! += gv * w[o * inF + i]!;
        gw[o * inF + i]! += gv * x[r * inF + i]!;
      }
    }
  }
  return { gx, gw, gb };
}
