// DDIM (Song et al. 2020) in timestep space, as nataili runs it (CompVis ldm DDIMSampler): x is
// the variance-preserving latent x_t = sqrt(ᾱ)·x0 + sqrt(1 − ᾱ)·ε and starts as unit noise.
// Port of nataili ldm/models/diffusion/ddim.py ddim_sampling / p_sample_ddim.

import { throwIfAborted } from '../../../../shared/progress.ts';
import { epsilonFromOutput } from '../denoiser.ts';
import { ddimParameters, ddimTimesteps } from '../ddim-schedule.ts';
import type { DiffusionModel, SamplerOptions } from '../types.ts';
import { requireRng, stepReporter } from './progress.ts';

/** One DDIM update from the ε prediction: returns x_prev and the x0 estimate. */
export function ddimUpdate(x: Float32Array, eps: Float32Array, alpha: number, alphaPrev: number, sigma: number, noise: Float32Array | undefined): { xPrev: Float32Array; predX0: Float32Array } {
  const sqrtOneMinusAlpha = Math.sqrt(1 - alpha);
  const sqrtAlpha = Math.sqrt(alpha);
  const sqrtAlphaPrev = Math.sqrt(alphaPrev);
  const direction = Math.sqrt(1 - alphaPrev - sigma * sigma); // towards x_t
  const predX0 = new Float32Array(x.length);
  const xPrev = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = (x[i]! - sqrtOneMinusAlpha * eps[i]!) / sqrtAlpha;
    predX0[i] = x0;
    xPrev[i] = sqrtAlphaPrev * x0 + direction * eps[i]! + (noise ? sigma * noise[i]! : 0);
  }
  return { xPrev, predX0 };
}

/** `noise` is the unit-variance starting latent; `eta` 0 (the default) is deterministic. */
export async function sampleDdim(model: DiffusionModel, noise: Float32Array, steps: number, options: SamplerOptions = {}): Promise<Float32Array> {
  const eta = options.eta ?? 0;
  // p_sample_ddim draws noise_like(x) on every step, also at eta 0 (then scaled by 0).
  const rng = eta ? requireRng(options, 'DDIM') : options.rng;
  const timesteps = ddimTimesteps(steps, model.schedule.alphasCumprod.length);
  const { alphas, alphasPrev, sigmas } = ddimParameters(model.schedule.alphasCumprod, timesteps, eta);
  const total = timesteps.length;
  const report = stepReporter(options, total);
  let x = noise;
  for (let i = 0; i < total; i++) {
    const index = total - i - 1;
    const t = timesteps[index]!;
    throwIfAborted(options.signal);
    const eps = epsilonFromOutput(await model.unet(x, t), x, alphas[index]!, model.prediction);
    const stepNoise = rng ? rng.randn(x.length) : undefined;
    const { xPrev, predX0 } = ddimUpdate(x, eps, alphas[index]!, alphasPrev[index]!, sigmas[index]!, stepNoise);
    options.onDenoised?.(predX0, i);
    x = xPrev;
    report(i + 1);
  }
  return x;
}
