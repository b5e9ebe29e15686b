// Cancellation and progress shared by every sampler: cancellation is checked before each network
// call (the expensive part), progress is reported after each step. Also the step loop and the
// ancestral noise the k-diffusion samplers share.

import { InvalidInputError } from '../../../../shared/errors.ts';
import { throwIfAborted } from '../../../../shared/progress.ts';
import { addScaledInPlace } from '../tensor-ops.ts';
import type { Denoiser, NoiseSource, SamplerOptions } from '../types.ts';

/** A denoiser that checks for cancellation before every call. */
export function cancellable(denoise: Denoiser, signal: AbortSignal | undefined): Denoiser {
  return (x, sigma) => {
    throwIfAborted(signal);
    return denoise(x, sigma);
  };
}

/** Reports `{ kind: 'step', index: done, count }` and checks cancellation between steps. */
export function stepReporter(options: SamplerOptions, count: number): (done: number) => void {
  return (done) => {
    options.onStep?.({ kind: 'step', index: done, count });
    throwIfAborted(options.signal);
  };
}

/** The noise source of a stochastic sampler; a clear error when the caller forgot it. */
export function requireRng(options: SamplerOptions, sampler: string): NoiseSource {
  if (!options.rng) throw new InvalidInputError(`The ${sampler} sampler adds noise at each step and needs a random generator (options.rng).`);
  return options.rng;
}

/**
 * How far to step down deterministically (sigmaDown) and how much fresh noise to add (sigmaUp) so
 * that the result has noise level sigmaTo. Port of k-diffusion sampling.py get_ancestral_step.
 */
export function ancestralStep(sigmaFrom: number, sigmaTo: number, eta: number): { sigmaDown: number; sigmaUp: number } {
  if (!eta) return { sigmaDown: sigmaTo, sigmaUp: 0 };
  const sigmaUp = Math.min(sigmaTo, eta * Math.sqrt((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2));
  const sigmaDown = Math.sqrt(sigmaTo ** 2 - sigmaUp ** 2);
  return { sigmaDown, sigmaUp };
}

/**
 * One step of a k-diffusion sampler: from `x` at `sigma`, where the model predicted `denoised`,
 * to `next`. `denoise` (cancellable) is there for samplers that evaluate the model again mid-step.
 */
export type KStep = (x: Float32Array, sigma: number, next: number, denoised: Float32Array, i: number, denoise: Denoiser) => Float32Array | Promise<Float32Array>;

/**
 * The loop of k-diffusion's samplers: at each sigma denoise once, hand the prediction to
 * onDenoised, take the sampler's step to the next sigma, report progress.
 */
export async function kDiffusionLoop(denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options: SamplerOptions, step: KStep): Promise<Float32Array> {
  const denoise = cancellable(denoiser, options.signal);
  const report = stepReporter(options, sigmas.length - 1);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const denoised = await denoise(x, sigma);
    options.onDenoised?.(denoised, i);
    x = await step(x, sigma, sigmas[i + 1]!, denoised, i, denoise);
    report(i + 1);
  }
  return x;
}

/**
 * An ancestral sampler's eta (default 1) and its fresh noise, x += sNoise · sigmaUp · N(0, 1).
 * With eta 0 the noise is scaled by 0, but still drawn when a generator is given (as k-diffusion
 * does) to keep the stream aligned; without one, nothing is added.
 */
export function ancestralNoise(options: SamplerOptions, sampler: string): { eta: number; addNoise: (x: Float32Array, sigmaUp: number) => void } {
  const eta = options.eta ?? 1;
  const rng = eta ? requireRng(options, sampler) : options.rng;
  const sNoise = options.sNoise ?? 1;
  return {
    eta,
    addNoise: (x, sigmaUp) => {
      if (rng) addScaledInPlace(x, sNoise * sigmaUp, rng.randn(x.length));
    },
  };
}
