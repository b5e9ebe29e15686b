// Wraps the network as a k-diffusion denoiser: scale the input, map sigma to a timestep, and turn
// the output (ε or v) into the denoised estimate. Port of k-diffusion external.py CompVisDenoiser
// (DiscreteEpsDDPMDenoiser) and CompVisVDenoiser (DiscreteVDDPMDenoiser), sigma_data = 1.

import type { DiscreteSchedule } from './schedule.ts';
import type { Denoiser, Prediction, UNet } from './types.ts';

export interface Scalings {
  /** Multiplies the noisy input before the network: 1 / sqrt(sigma² + 1). */
  cIn: number;
  /** Multiplies the network output: −sigma (ε), −sigma / sqrt(sigma² + 1) (v). */
  cOut: number;
  /** Multiplies the noisy input added to the scaled output: 1 (ε), 1 / (sigma² + 1) (v). */
  cSkip: number;
}

export function scalings(sigma: number, prediction: Prediction): Scalings {
  const norm = Math.sqrt(sigma * sigma + 1);
  if (prediction === 'epsilon') return { cIn: 1 / norm, cOut: -sigma, cSkip: 1 };
  return { cIn: 1 / norm, cOut: -sigma / norm, cSkip: 1 / (sigma * sigma + 1) };
}

/** denoised = cSkip·x + cOut·network(cIn·x, t(sigma)). */
export function kDiffusionDenoiser(unet: UNet, schedule: DiscreteSchedule, prediction: Prediction): Denoiser {
  return async (x, sigma) => {
    const { cIn, cOut, cSkip } = scalings(sigma, prediction);
    const input = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) input[i] = x[i]! * cIn;
    const output = await unet(input, schedule.sigmaToT(sigma));
    const denoised = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) denoised[i] = cSkip * x[i]! + cOut * output[i]!;
    return denoised;
  };
}

/**
 * The noise ε a network output means at a training step with cumulative alpha ᾱ, for the samplers
 * that work on x_t = sqrt(ᾱ)·x0 + sqrt(1 − ᾱ)·ε (DDIM, PLMS, DPM-Solver). For v-prediction,
 * ε = sqrt(ᾱ)·v + sqrt(1 − ᾱ)·x_t (CompVis ldm2 ddpm.py predict_eps_from_z_and_v).
 */
export function epsilonFromOutput(output: Float32Array, xt: Float32Array, alphaCumprod: number, prediction: Prediction): Float32Array {
  if (prediction === 'epsilon') return output;
  const a = Math.sqrt(alphaCumprod);
  const s = Math.sqrt(1 - alphaCumprod);
  const eps = new Float32Array(output.length);
  for (let i = 0; i < eps.length; i++) eps[i] = a * output[i]! + s * xt[i]!;
  return eps;
}
