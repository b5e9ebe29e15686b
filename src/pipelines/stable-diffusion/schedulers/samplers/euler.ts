// First- and second-order k-diffusion samplers: Euler, Heun, DPM-2, and their ancestral variants.
// Karras "churn" (s_churn) is left out: nataili never sets it, and at 0 it is a no-op.

import { combine, combine3, toD } from '../tensor-ops.ts';
import type { Denoiser, SamplerOptions } from '../types.ts';
import { ancestralNoise, ancestralStep, kDiffusionLoop } from './progress.ts';

/** Port of k-diffusion sampling.py sample_euler (Karras et al. 2022, Algorithm 2, Euler steps). */
export function sampleEuler(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  return kDiffusionLoop(denoiser, x, sigmas, options, (x, sigma, next, denoised) => combine(1, x, next - sigma, toD(x, sigma, denoised)));
}

/** Port of k-diffusion sampling.py sample_euler_ancestral. */
export async function sampleEulerAncestral(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  const { eta, addNoise } = ancestralNoise(options, 'k_euler_a');
  return kDiffusionLoop(denoiser, x, sigmas, options, (x, sigma, next, denoised) => {
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, next, eta);
    x = combine(1, x, sigmaDown - sigma, toD(x, sigma, denoised));
    if (next > 0) addNoise(x, sigmaUp);
    return x;
  });
}

/** Port of k-diffusion sampling.py sample_heun (Karras et al. 2022, Algorithm 2). */
export function sampleHeun(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  return kDiffusionLoop(denoiser, x, sigmas, options, async (x, sigma, next, denoised, _i, denoise) => {
    const d = toD(x, sigma, denoised);
    const dt = next - sigma;
    if (next === 0) return combine(1, x, dt, d); // the last step to sigma 0 cannot evaluate there: Euler
    const x2 = combine(1, x, dt, d);
    const d2 = toD(x2, next, await denoise(x2, next));
    return combine3(1, x, dt / 2, d, dt / 2, d2); // the average of the two slopes
  });
}

/** Port of k-diffusion sampling.py sample_dpm_2: a midpoint step, the midpoint taken in log-sigma. */
export function sampleDpm2(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  return kDiffusionLoop(denoiser, x, sigmas, options, (x, sigma, next, denoised, _i, denoise) => dpm2Step(denoise, x, sigma, next, toD(x, sigma, denoised)));
}

/** Port of k-diffusion sampling.py sample_dpm_2_ancestral. */
export async function sampleDpm2Ancestral(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  const { eta, addNoise } = ancestralNoise(options, 'k_dpm_2_a');
  return kDiffusionLoop(denoiser, x, sigmas, options, async (x, sigma, next, denoised, _i, denoise) => {
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, next, eta);
    x = await dpm2Step(denoise, x, sigma, sigmaDown, toD(x, sigma, denoised));
    // k-diffusion adds this noise only on the DPM-2 branch: never after the final Euler step to 0.
    if (sigmaDown !== 0) addNoise(x, sigmaUp);
    return x;
  });
}

/** Euler to sigma 0, else evaluate at the log-midpoint and take the whole step with that slope. */
async function dpm2Step(denoise: Denoiser, x: Float32Array, sigma: number, next: number, d: Float32Array): Promise<Float32Array> {
  if (next === 0) return combine(1, x, next - sigma, d);
  const sigmaMid = Math.exp((Math.log(sigma) + Math.log(next)) / 2);
  const x2 = combine(1, x, sigmaMid - sigma, d);
  const d2 = toD(x2, sigmaMid, await denoise(x2, sigmaMid));
  return combine(1, x, next - sigma, d2);
}
