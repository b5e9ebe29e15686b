// Closed-form diffusion models for the sampler tests. With data x0 ~ N(mu, s²) per element, the
// ideal denoiser and the probability-flow ODE have exact solutions, so samplers can be checked
// against values that do not come from any sampler code.
import { TorchGenerator } from '../../src/pipelines/stable-diffusion/random/torch-generator.ts';

export const MU = 0.3;
export const S = 0.5;

/** E[x0 | x] for x = x0 + sigma·noise (variance-exploding view). */
export function gaussianDenoised(x: number, sigma: number): number {
  return MU + ((S * S) / (S * S + sigma * sigma)) * (x - MU);
}

/** The ODE solution carried from noise level `from` to `to` (VE view). */
export function gaussianFlow(x: number, from: number, to: number): number {
  return MU + (x - MU) * Math.sqrt((S * S + to * to) / (S * S + from * from));
}

export function gaussianDenoiser(calls?: { count: number; sigmas: number[] }) {
  return async (x: Float32Array, sigma: number): Promise<Float32Array> => {
    if (calls) {
      calls.count++;
      calls.sigmas.push(sigma);
    }
    return x.map((v) => gaussianDenoised(v, sigma));
  };
}

/** Ideal network outputs at VP input x_t = a·x0 + sqrt(1 − a²)·ε, a = sqrt(ᾱ). */
export function gaussianEps(xt: number, alphaCumprod: number): number {
  const a = Math.sqrt(alphaCumprod);
  const sigma = Math.sqrt(1 - alphaCumprod);
  return (sigma * (xt - a * MU)) / (a * a * S * S + sigma * sigma);
}

export function gaussianV(xt: number, alphaCumprod: number): number {
  const a = Math.sqrt(alphaCumprod);
  const sigma = Math.sqrt(1 - alphaCumprod);
  const x0 = MU + (a * S * S * (xt - a * MU)) / (a * a * S * S + sigma * sigma);
  return a * gaussianEps(xt, alphaCumprod) - sigma * x0;
}

/** Point mass at c: the ideal ε and v. */
export function pointEps(xt: number, alphaCumprod: number, c: number): number {
  return (xt - Math.sqrt(alphaCumprod) * c) / Math.sqrt(1 - alphaCumprod);
}

export function pointV(xt: number, alphaCumprod: number, c: number): number {
  return Math.sqrt(alphaCumprod) * pointEps(xt, alphaCumprod, c) - Math.sqrt(1 - alphaCumprod) * c;
}

export function unitNoise(count: number, seed = 7): Float32Array {
  return new TorchGenerator(seed).randn(count);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** A noise source that hands out prepared vectors and records how many values were asked for. */
export function scriptedNoise(...vectors: ((count: number) => Float32Array)[]) {
  const asked: number[] = [];
  return {
    asked,
    randn(count: number): Float32Array {
      asked.push(count);
      const next = vectors[Math.min(asked.length - 1, vectors.length - 1)]!;
      return next(count);
    },
  };
}

export const filled = (value: number) => (count: number) => new Float32Array(count).fill(value);

/** Geometric noise levels from `max` down to `min` (no final zero). */
export function geometricSigmas(count: number, max = 14.6, min = 0.1): number[] {
  return Array.from({ length: count }, (_, i) => max * (min / max) ** (i / (count - 1)));
}
