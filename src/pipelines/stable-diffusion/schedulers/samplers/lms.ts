// Linear multistep (k_lms): Adams–Bashforth on the Karras ODE with the past derivatives at
// unevenly spaced sigmas. Port of k-diffusion sampling.py sample_lms and linear_multistep_coeff.

import { linearCombination, toD } from '../tensor-ops.ts';
import type { Denoiser, SamplerOptions } from '../types.ts';
import { kDiffusionLoop } from './progress.ts';

// 4-point Gauss–Legendre on [−1, 1]: exact for polynomials up to degree 7. The integrands are
// Lagrange basis polynomials of degree order − 1 ≤ 3, so this is exact where k-diffusion calls
// scipy's adaptive quad.
const NODES = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const WEIGHTS = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/**
 * ∫ from t[i] to t[i+1] of the Lagrange basis polynomial that is 1 at t[i−j] and 0 at the other
 * `order` − 1 points t[i−k], k ≠ j.
 */
export function linearMultistepCoefficient(order: number, t: readonly number[], i: number, j: number): number {
  if (order - 1 > i) throw new RangeError(`Order ${order} too high for step ${i}`);
  const basis = (tau: number): number => {
    let product = 1;
    for (let k = 0; k < order; k++) {
      if (k === j) continue;
      product *= (tau - t[i - k]!) / (t[i - j]! - t[i - k]!);
    }
    return product;
  };
  const a = t[i]!;
  const b = t[i + 1]!;
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  let sum = 0;
  for (let n = 0; n < NODES.length; n++) sum += WEIGHTS[n]! * basis(mid + half * NODES[n]!);
  return sum * half;
}

export function sampleLms(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions & { order?: number } = {}): Promise<Float32Array> {
  const order = options.order ?? 4;
  const ds: Float32Array[] = []; // newest last
  return kDiffusionLoop(denoiser, x, sigmas, options, (x, sigma, _next, denoised, i) => {
    ds.push(toD(x, sigma, denoised));
    if (ds.length > order) ds.shift();
    const currentOrder = Math.min(i + 1, order);
    const coefficients = Array.from({ length: currentOrder }, (_, j) => linearMultistepCoefficient(currentOrder, sigmas, i, j));
    // coefficient j goes with the derivative j steps back
    return linearCombination([1, ...coefficients], [x, ...[...ds].reverse()]);
  });
}
