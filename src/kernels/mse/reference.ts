// Float64 reference for mean squared error and its gradients.

import type { F64 } from '../core/cpu.ts';

export function mseRef(a: F64, b: F64): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

export function mseGradRef(a: F64, b: F64, g: number): [F64, F64] {
  const ga = a.map((v, i) => (g * 2 * (v - b[i]!)) / a.length);
  return [ga, ga.map((v) => -v)];
}
