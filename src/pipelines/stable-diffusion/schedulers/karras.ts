// Karras et al. (2022) noise levels, and the fixed ranges nataili picks for its `_karras` samplers.

import { linspace } from './tensor-ops.ts';

/** `count` sigmas from sigmaMax to sigmaMin, evenly spaced in sigma^(1/rho), then 0. Port of k-diffusion get_sigmas_karras. */
export function karrasSigmas(count: number, sigmaMin: number, sigmaMax: number, rho = 7): number[] {
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  return [...linspace(0, 1, count).map((ramp) => (maxInvRho + ramp * (minInvRho - maxInvRho)) ** rho), 0];
}

export interface SigmaOverride {
  min: number;
  max: number;
  rho: number;
}

/**
 * nataili's Karras schedule (ldm/models/diffusion/kdiffusion.py KDiffusionSampler.sample): the
 * range is not the model's; it is fixed per step count, raising sigma_min for short runs so that
 * few steps still end close to clean, unless the request overrides it.
 */
export function natailiKarrasSigmas(steps: number, override?: SigmaOverride): number[] {
  if (override) return karrasSigmas(steps, override.min, override.max, override.rho);
  if (steps > 8) return karrasSigmas(steps, 0.0292, 14.6146, 7);
  if (steps === 8) return karrasSigmas(steps, 0.0936, 14.6146, 7);
  if (steps > 5) return karrasSigmas(steps, 0.1072, 14.6146, 7);
  return karrasSigmas(steps, 0.1072, 7.0796, 9);
}
