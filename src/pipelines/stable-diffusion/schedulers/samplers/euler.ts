// First- and second-order k-diffusion samplers: Euler, Heun, DPM-2, and their ancestral variants.
// Karras "churn" (s_churn) is left out: nataili never sets it, and at 0 it is a no-op.

import { addScaledInPlace, combine, combine3, toD } from '../tensor-ops.ts';
import type { Denoiser, SamplerOptions } from '../types.ts';
import { ancestralStep, cancellable, requireRng, stepReporter } from './progress.ts';

/** Port of k-diffusion sampling.py sample_euler (Karras et al. 2022, Algorithm 2, Euler steps). */
export async function sampleEuler(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  const denoise = cancellable(denoiser, options.signal);
  const report = stepReporter(options, sigmas.length - 1);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const denoised = await denoise(x, sigma);
    options.onDenoised?.(denoised, i);
    x = combine(1, x, sigmas[i + 1]! - sigma, toD(x, sigma, denoised));
    report(i + 1);
  }
  return x;
}

/** Port of k-diffusion sampling.py sample_euler_ancestral. */
export async function sampleEulerAncestral(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  const denoise = cancellable(denoiser, options.signal);
  const report = stepReporter(options, sigmas.length - 1);
  const eta = options.eta ?? 1;
  // With eta 0 the noise is scaled by 0, but still drawn (as k-diffusion does) to keep the stream aligned.
  const rng = eta ? requireRng(options, 'k_euler_a') : options.rng;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const next = sigmas[i + 1]!;
    const denoised = await denoise(x, sigma);
    options.onDenoised?.(denoised, i);
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, next, eta);
    x = combine(1, x, sigmaDown - sigma, toD(x, sigma, denoised));
    if (next > 0 && rng) addScaledInPlace(x, (options.sNoise ?? 1) * sigmaUp, rng.randn(x.length));
    report(i + 1);
  }
  return x;
}

/** Port of k-diffusion sampling.py sample_heun (Karras et al. 2022, Algorithm 2). */
export async function sampleHeun(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  const denoise = cancellable(denoiser, options.signal);
  const report = stepReporter(options, sigmas.length - 1);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const next = sigmas[i + 1]!;
    const denoised = await denoise(x, sigma);
    options.onDenoised?.(denoised, i);
    const d = toD(x, sigma, denoised);
    const dt = next - sigma;
    if (next === 0) {
      x = combine(1, x, dt, d); // the last step to sigma 0 cannot evaluate there: Euler
    } else {
      const x2 = combine(1, x, dt, d);
      const d2 = toD(x2, next, await denoise(x2, next));
      x = combine3(1, x, dt / 2, d, dt / 2, d2); // the average of the two slopes
    }
    report(i + 1);
  }
  return x;
}

/** Port of k-diffusion sampling.py sample_dpm_2: a midpoint step, the midpoint taken in log-sigma. */
export async function sampleDpm2(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  const denoise = cancellable(denoiser, options.signal);
  const report = stepReporter(options, sigmas.length - 1);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const next = sigmas[i + 1]!;
    const denoised = await denoise(x, sigma);
    options.onDenoised?.(denoised, i);
    x = await dpm2Step(denoise, x, sigma, next, toD(x, sigma, denoised));
    report(i + 1);
  }
  return x;
}

/** Port of k-diffusion sampling.py sample_dpm_2_ancestral. */
export async function sampleDpm2Ancestral(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions = {}): Promise<Float32Array> {
  const denoise = cancellable(denoiser, options.signal);
  const report = stepReporter(options, sigmas.length - 1);
  const eta = options.eta ?? 1;
  const rng = eta ? requireRng(options, 'k_dpm_2_a') : options.rng;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const denoised = await denoise(x, sigma);
    options.onDenoised?.(denoised, i);
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmas[i + 1]!, eta);
    x = await dpm2Step(denoise, x, sigma, sigmaDown, toD(x, sigma, denoised));
    // k-diffusion adds this noise only on the DPM-2 branch: never after the final Euler step to 0.
    if (sigmaDown !== 0 && rng) addScaledInPlace(x, (options.sNoise ?? 1) * sigmaUp, rng.randn(x.length));
    report(i + 1);
  }
  return x;
}

/** Euler to sigma 0, else evaluate at the log-midpoint and take the whole step with that slope. */
async function dpm2Step(denoise: Denoiser, x: Float32Array, sigma: number, next: number, d: Float32Array): Promise<Float32Array> {
  if (next === 0) return combine(1, x, next - sigma, d);
  const sigmaMid = Math.exp((Math.log(sigma) + Math.log(next)) / 2);
  const x2 = combine(1, x, sigmaMid - sigma, d);
  const d2 = toD(x2, sigmaMid, await denoise(x2, sigmaMid));
  return combine(1, x, next - sigma, d2);
}
