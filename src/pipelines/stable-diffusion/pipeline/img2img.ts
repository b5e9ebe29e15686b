// Sampling that starts part-way down the noise schedule from an encoded image (img2img,
// inpainting, depth2img, the hires-fix second pass), with nataili's masked blending for
// ordinary (4-channel) models. Port of nataili ldm/models/diffusion/kdiffusion.py
// KDiffusionSampler.sample_img2img and CFGMaskedDenoiser, and of compvis.py sample_img2img's DDIM
// branch (DDIMSampler.stochastic_encode + decode).

import { InvalidInputError } from '../../../shared/errors.ts';
import { throwIfAborted } from '../../../shared/progress.ts';
import { ddimParameters, ddimTimesteps } from '../schedulers/ddim-schedule.ts';
import { epsilonFromOutput, kDiffusionDenoiser } from '../schedulers/denoiser.ts';
import { natailiKarrasSigmas } from '../schedulers/karras.ts';
import { parseSamplerName, SIGMA_SAMPLERS, type SampleRequest } from '../schedulers/registry.ts';
import { ddimUpdate } from '../schedulers/samplers/ddim.ts';
import { sampleDpmAdaptive, sampleDpmFast } from '../schedulers/samplers/dpm-solver.ts';
import { stepReporter } from '../schedulers/samplers/progress.ts';
import type { DiscreteSchedule } from '../schedulers/schedule.ts';
import type { Denoiser, DiffusionModel } from '../schedulers/types.ts';

export interface StartPoint {
  /** The encoded image's scaled latents, B images. */
  x0: Float32Array;
  /** Per latent value, 1 where the image is repainted (4-channel models only); keeps x0 elsewhere. */
  mask?: Float32Array;
}

export interface EncodeSteps {
  /** nataili t_enc: how many of the `steps` are run. */
  tEnc: number;
  /** strength 1 with a mask: the masked area starts from pure noise. */
  obliterate: boolean;
}

/** compvis.py: t_enc = int(strength·steps); a full-strength run does one step less and obliterates. */
export function encodeSteps(strength: number, steps: number): EncodeSteps {
  if (!(strength >= 0 && strength <= 1)) throw new InvalidInputError(`Denoising strength must be between 0 and 1; got ${strength}.`);
  const tEnc = Math.floor(strength * steps);
  return tEnc === steps ? { tEnc: tEnc - 1, obliterate: true } : { tEnc, obliterate: false };
}

/** CFGMaskedDenoiser: outside the mask the denoised estimate is the original image. */
export function maskedDenoiser(denoiser: Denoiser, start: StartPoint): Denoiser {
  const { mask, x0 } = start;
  if (!mask) return denoiser;
  return async (x, sigma) => {
    const denoised = await denoiser(x, sigma);
    for (let i = 0; i < denoised.length; i++) denoised[i] = x0[i]! * (1 - mask[i]!) + mask[i]! * denoised[i]!;
    return denoised;
  };
}

/**
 * Samples from `start` with `noise` (unit normal, the seeds' initial noise) as nataili's img2img:
 * k-samplers take the last t_enc + 1 noise levels of the full schedule, DDIM encodes to its
 * t_enc-th timestep and decodes from there.
 */
export async function sampleFrom(name: string, model: DiffusionModel & { schedule: DiscreteSchedule }, noise: Float32Array, start: StartPoint, strength: number, request: SampleRequest): Promise<Float32Array> {
  const { sampler, karras } = parseSamplerName(name);
  const { steps, sigmaOverride, ...options } = request;
  const { tEnc, obliterate } = encodeSteps(strength, steps);
  if (sampler === 'DDIM') return ddimFrom(model, noise, start, tEnc, obliterate, request);
  if (sampler === 'PLMS' || sampler === 'dpmsolver') {
    throw new InvalidInputError(`${sampler} cannot start from an image (nataili's img2img runs DDIM or the k_ samplers). Pick DDIM or a k_ sampler.`);
  }
  const schedule = model.schedule;
  const sigmas = karras ? natailiKarrasSigmas(steps, sigmaOverride) : schedule.getSigmas(steps);
  const first = steps - tEnc - 1;
  const { x0, mask } = start;
  const xi = new Float32Array(x0.length);
  for (let i = 0; i < xi.length; i++) {
    const n = noise[i]! * sigmas[first]!;
    // Obliterate: at full strength the masked area starts from the noise alone.
    xi[i] = mask && obliterate ? mask[i]! * n + (1 - mask[i]!) * (x0[i]! + n) : x0[i]! + n;
  }
  const denoiser = maskedDenoiser(kDiffusionDenoiser(model.unet, schedule, model.prediction), start);
  const sigmaMin = sigmaOverride?.min ?? schedule.sigmaMin;
  if (sampler === 'k_dpm_fast') return sampleDpmFast(denoiser, xi, sigmaMin, sigmas[first]!, steps, options);
  if (sampler === 'k_dpm_adaptive') return (await sampleDpmAdaptive(denoiser, xi, sigmaMin, sigmas[first]!, options)).x;
  return SIGMA_SAMPLERS[sampler](denoiser, xi, sigmas.slice(first), options);
}

/**
 * DDIMSampler.stochastic_encode at DDIM index t_enc (the seeds' noise serves as its noise, so a
 * seed decides the result) and decode from there. With a mask, the kept area is reset each step
 * to the original noised to that step (ddim_sampling's mask blend), with fresh noise from `rng`.
 */
async function ddimFrom(model: DiffusionModel, noise: Float32Array, start: StartPoint, tEnc: number, obliterate: boolean, request: SampleRequest): Promise<Float32Array> {
  const { steps, ...options } = request;
  const alphasCumprod = model.schedule.alphasCumprod;
  const timesteps = ddimTimesteps(steps, alphasCumprod.length);
  const eta = options.eta ?? 0;
  const { alphas, alphasPrev, sigmas } = ddimParameters(alphasCumprod, timesteps, eta);
  const { x0, mask } = start;
  const a = Math.sqrt(alphas[tEnc]!);
  const s = Math.sqrt(1 - alphas[tEnc]!);
  let x: Float32Array = new Float32Array(x0.length);
  for (let i = 0; i < x.length; i++) {
    const encoded = a * x0[i]! + s * noise[i]!;
    x[i] = mask && obliterate ? mask[i]! * noise[i]! + (1 - mask[i]!) * encoded : encoded;
  }
  const report = stepReporter(options, tEnc);
  for (let i = 0; i < tEnc; i++) {
    const index = tEnc - i - 1;
    const t = timesteps[index]!;
    throwIfAborted(options.signal);
    if (mask && i < tEnc - 1) {
      const fresh = options.rng?.randn(x.length) ?? noise;
      const ak = Math.sqrt(alphasCumprod[t]!);
      const sk = Math.sqrt(1 - alphasCumprod[t]!);
      for (let k = 0; k < x.length; k++) x[k] = (ak * x0[k]! + sk * fresh[k]!) * (1 - mask[k]!) + mask[k]! * x[k]!;
    }
    const eps = epsilonFromOutput(await model.unet(x, t), x, alphas[index]!, model.prediction);
    const stepNoise = eta && options.rng ? options.rng.randn(x.length) : undefined;
    const { xPrev, predX0 } = ddimUpdate(x, eps, alphas[index]!, alphasPrev[index]!, sigmas[index]!, stepNoise);
    options.onDenoised?.(predX0, i);
    x = xPrev;
    report(i + 1);
  }
  return x;
}
