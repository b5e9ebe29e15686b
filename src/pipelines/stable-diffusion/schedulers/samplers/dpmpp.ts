// DPM-Solver++ samplers in k-diffusion's form (Lu et al. 2022, arXiv:2211.01095), written on the
// data prediction with t = −log(sigma): k_dpmpp_2s_a, k_dpmpp_2m and k_dpmpp_sde.

import { addScaledInPlace, combine, toD } from '../tensor-ops.ts';
import type { Denoiser, NoiseSource, SamplerOptions } from '../types.ts';
import { ancestralNoise, ancestralStep, kDiffusionLoop, requireRng } from './progress.ts';

const sigmaOf = (t: number): number => Math.exp(-t);
const tOf = (sigma: number): number => -Math.log(sigma);

/** Port of k-diffusion sampling.py sample_dpmpp_2s_ancestral. */
export async function sampleDpmpp2sAncestral(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  const { eta, addNoise } = ancestralNoise(options, 'k_dpmpp_2s_a');
  return kDiffusionLoop(denoiser, x, sigmas, options, async (x, sigma, next, denoised, _i, denoise) => {
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, next, eta);
    if (sigmaDown === 0) {
      x = combine(1, x, sigmaDown - sigma, toD(x, sigma, denoised)); // Euler to sigma 0
    } else {
      // DPM-Solver++(2S): a half step in t to s, then the full step with the data prediction there.
      const t = tOf(sigma);
      const tNext = tOf(sigmaDown);
      const h = tNext - t;
      const s = t + h / 2;
      const x2 = combine(sigmaOf(s) / sigmaOf(t), x, -Math.expm1(-h / 2), denoised);
      const denoised2 = await denoise(x2, sigmaOf(s));
      x = combine(sigmaOf(tNext) / sigmaOf(t), x, -Math.expm1(-h), denoised2);
    }
    if (next > 0) addNoise(x, sigmaUp);
    return x;
  });
}

/** Port of k-diffusion sampling.py sample_dpmpp_2m: second order from the previous step's denoised. */
export function sampleDpmpp2m(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  let oldDenoised: Float32Array | undefined;
  return kDiffusionLoop(denoiser, x, sigmas, options, (x, sigma, next, denoised, i) => {
    const t = tOf(sigma);
    const tNext = tOf(next);
    const h = tNext - t;
    // At sigma 0, t is infinite; exp(−h) → 0 and −expm1(−h) → 1, so the step lands on `denoised`.
    const ratio = next === 0 ? 0 : sigmaOf(tNext) / sigmaOf(t);
    const weight = next === 0 ? 1 : -Math.expm1(-h);
    if (!oldDenoised || next === 0) {
      x = combine(ratio, x, weight, denoised);
    } else {
      const r = (t - tOf(sigmas[i - 1]!)) / h;
      const mixed = combine(1 + 1 / (2 * r), denoised, -1 / (2 * r), oldDenoised);
      x = combine(ratio, x, weight, mixed);
    }
    oldDenoised = denoised;
    return x;
  });
}

/**
 * Port of k-diffusion sampling.py sample_dpmpp_sde (DPM-Solver++ stochastic, r = 1/2).
 * k-diffusion draws the noise from a torchsde Brownian tree with its own seed, which we cannot
 * reproduce. We draw from our generator instead, but keep the Brownian structure: the noise of
 * the half step (sigma → sigma_s) is part of the noise of the whole step (sigma → sigma_next), as
 * two increments of one Brownian path are, so the sampler sees the same joint distribution.
 */
export async function sampleDpmppSde(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions & { r?: number } = {}): Promise<Float32Array> {
  const eta = options.eta ?? 1;
  const r = options.r ?? 1 / 2;
  const sNoise = options.sNoise ?? 1;
  const rng = eta ? requireRng(options, 'k_dpmpp_sde') : options.rng;
  return kDiffusionLoop(denoiser, x, sigmas, options, async (x, sigma, next, denoised, _i, denoise) => {
    if (next === 0) return combine(1, x, next - sigma, toD(x, sigma, denoised));
    const t = tOf(sigma);
    const tNext = tOf(next);
    const h = tNext - t;
    const s = t + h * r;
    const fac = 1 / (2 * r);
    const noise = brownianPair(rng, x.length, sigma, sigmaOf(s), next);
    // Step 1: to s, with noise
    const first = ancestralStep(sigmaOf(t), sigmaOf(s), eta);
    const sMinus = tOf(first.sigmaDown);
    const x2 = combine(sigmaOf(sMinus) / sigmaOf(t), x, -Math.expm1(t - sMinus), denoised);
    if (noise) addScaledInPlace(x2, sNoise * first.sigmaUp, noise.first);
    const denoised2 = await denoise(x2, sigmaOf(s));
    // Step 2: to t_next with the mixed data prediction, with noise
    const second = ancestralStep(sigmaOf(t), sigmaOf(tNext), eta);
    const nextMinus = tOf(second.sigmaDown);
    const mixed = combine(1 - fac, denoised, fac, denoised2);
    x = combine(sigmaOf(nextMinus) / sigmaOf(t), x, -Math.expm1(t - nextMinus), mixed);
    if (noise) addScaledInPlace(x, sNoise * second.sigmaUp, noise.whole);
    return x;
  });
}

/**
 * Standard normal noises for the intervals [sigmaS, sigma] and [sigmaNext, sigma] of one Brownian
 * path (sigmaNext < sigmaS < sigma), each divided by the square root of its length, as
 * BrownianTreeNoiseSampler returns them: the second contains the first, correlation sqrt(a / b).
 */
function brownianPair(rng: NoiseSource | undefined, length: number, sigma: number, sigmaS: number, sigmaNext: number): { first: Float32Array; whole: Float32Array } | undefined {
  if (!rng) return undefined;
  const a = Math.abs(sigma - sigmaS);
  const b = Math.abs(sigma - sigmaNext);
  const z1 = rng.randn(length);
  const z2 = rng.randn(length);
  const whole = new Float32Array(length);
  for (let i = 0; i < length; i++) whole[i] = (Math.sqrt(a) * z1[i]! + Math.sqrt(Math.max(b - a, 0)) * z2[i]!) / Math.sqrt(b);
  return { first: z1, whole };
}
