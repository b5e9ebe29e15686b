// Float64 reference for attention, written directly as nested loops (no shared matmul or
// softmax helpers, so it checks the composition the GPU op makes of them), and its gradient.

import type { F64 } from '../core/cpu.ts';

export interface AttentionDims {
  batch: number;
  lq: number;
  lk: number;
  d: number;
  dv: number;
  scale: number;
  causal: boolean;
}

function probabilities(q: F64, k: F64, a: AttentionDims, b: number, i: number): F64 {
  const p = new Float64Array(a.lk);
  const last = a.causal ? i + (a.lk - a.lq) : a.lk - 1;
  let m = -Infinity;
  for (let j = 0; j <= last; j++) {
    let s = 0;
    for (let t = 0; t < a.d; t++) s += q[(b * a.lq + i) * a.d + t]! * k[(b * a.lk + j) * a.d + t]!;
    p[j] = s * a.scale;
    m = Math.max(m, p[j]!);
  }
  let z = 0;
  for (let j = 0; j <= last; j++) z += (p[j] = Math.exp(p[j]! - m));
  for (let j = 0; j < a.lk; j++) p[j] = j <= last ? p[j]! / z : 0;
  return p;
}

export function attentionRef(q: F64, k: F64, v: F64, a: AttentionDims): F64 {
  const o = new Float64Array(a.batch * a.lq * a.dv);
  for (let b = 0; b < a.batch; b++)
    for (let i = 0; i < a.lq; i++) {
      const p = probabilities(q, k, a, b, i);
      for (let j = 0; j < a.lk; j++) for (let t = 0; t < a.dv; t++) o[(b * a.lq + i) * a.dv + t]! += p[j]! * v[(b * a.lk + j) * a.dv + t]!;
    }
  return o;
}

export function attentionGradRef(q: F64, k: F64, v: F64, g: F64, a: AttentionDims): [F64, F64, F64] {
  const gq = new Float64Array(q.length);
  const gk = new Float64Array(k.length);
  const gv = new Float64Array(v.length);
  for (let b = 0; b < a.batch; b++)
    for (let i = 0; i < a.lq; i++) {
      const p = probabilities(q, k, a, b, i);
      const gp = new Float64Array(a.lk);
      for (let j = 0; j < a.lk; j++)
        for (let t = 0; t < a.dv; t++) {
          const go = g[(b * a.lq + i) * a.dv + t]!;
          gp[j]! += go * v[(b * a.lk + j) * a.dv + t]!;
          gv[(b * a.lk + j) * a.dv + t]! += p[j]! * go;
        }
      let dot = 0;
      for (let j = 0; j < a.lk; j++) dot += gp[j]! * p[j]!;
      for (let j = 0; j < a.lk; j++) {
        const gs = p[j]! * (gp[j]! - dot) * a.scale;
        for (let t = 0; t < a.d; t++) {
          gq[(b * a.lq + i) * a.d + t]! += gs * k[(b * a.lk + j) * a.d + t]!;
          gk[(b * a.lk + j) * a.d + t]! += gs * q[(b * a.lq + i) * a.d + t]!;
        }
      }
    }
  return [gq, gk, gv];
}
