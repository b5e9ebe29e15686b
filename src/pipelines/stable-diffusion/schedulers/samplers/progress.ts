// Cancellation and progress shared by every sampler: cancellation is checked before each network
// call (the expensive part), progress is reported after each step.

import { InvalidInputError } from '../../../../shared/errors.ts';
import { throwIfAborted } from '../../../../shared/progress.ts';
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
