// Every sampler name nataili accepts, and how nataili drives each one (compvis.py generate →
// KDiffusionSampler / DDIMSampler / PLMSSampler / DPMSolverSampler): which noise levels, how the
// starting noise is scaled, and the "_karras" suffix.

import { InvalidInputError } from '../../../shared/errors.ts';
import { kDiffusionDenoiser } from './denoiser.ts';
import { natailiKarrasSigmas, type SigmaOverride } from './karras.ts';
import { sampleDdim } from './samplers/ddim.ts';
import { sampleDpmAdaptive, sampleDpmFast } from './samplers/dpm-solver.ts';
import { sampleDpmSolverMultistep } from './samplers/dpm-solver-multistep.ts';
import { sampleDpmpp2m, sampleDpmpp2sAncestral, sampleDpmppSde } from './samplers/dpmpp.ts';
import { sampleDpm2, sampleDpm2Ancestral, sampleEuler, sampleEulerAncestral, sampleHeun } from './samplers/euler.ts';
import { sampleLms } from './samplers/lms.ts';
import { samplePlms } from './samplers/plms.ts';
import type { DiscreteSchedule } from './schedule.ts';
import { scaled } from './tensor-ops.ts';
import type { Denoiser, DiffusionModel, SamplerOptions } from './types.ts';

/** A k-diffusion sampler over a list of noise levels ending in 0. */
export type SigmaSampler = (denoiser: Denoiser, x: Float32Array, sigmas: readonly number[], options?: SamplerOptions) => Promise<Float32Array>;

/** The samplers that take a sigma list, by nataili's name. */
export const SIGMA_SAMPLERS = {
  k_euler: sampleEuler,
  k_euler_a: sampleEulerAncestral,
  k_heun: sampleHeun,
  k_dpm_2: sampleDpm2,
  k_dpm_2_a: sampleDpm2Ancestral,
  k_lms: sampleLms,
  k_dpmpp_2s_a: sampleDpmpp2sAncestral,
  k_dpmpp_2m: sampleDpmpp2m,
  k_dpmpp_sde: sampleDpmppSde,
} satisfies Record<string, SigmaSampler>;

export const SAMPLER_NAMES = [...(Object.keys(SIGMA_SAMPLERS) as (keyof typeof SIGMA_SAMPLERS)[]), 'k_dpm_fast', 'k_dpm_adaptive', 'DDIM', 'PLMS', 'dpmsolver'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Samplers that add fresh noise and so need `options.rng`. */
export const STOCHASTIC_SAMPLERS: ReadonlySet<SamplerName> = new Set(['k_euler_a', 'k_dpm_2_a', 'k_dpmpp_2s_a', 'k_dpmpp_sde']);

export interface ParsedSamplerName {
  sampler: SamplerName;
  /** nataili: any name containing "karras" uses the Karras schedule, with "_karras" removed. */
  karras: boolean;
}

export function parseSamplerName(name: string): ParsedSamplerName {
  const karras = name.includes('karras');
  const base = karras ? name.replace('_karras', '') : name;
  const sampler = SAMPLER_NAMES.find((known) => known === base);
  if (!sampler) throw new InvalidInputError(`Unknown sampler "${name}". Use one of: ${SAMPLER_NAMES.join(', ')} (k_ samplers also with _karras).`);
  return { sampler, karras };
}

export interface SampleRequest extends SamplerOptions {
  /** nataili's ddim_steps: the number of steps (network evaluations for k_dpm_fast). */
  steps: number;
  /** nataili's sigma_override for the Karras schedule and the DPM-Solver range. */
  sigmaOverride?: SigmaOverride;
}

/**
 * Runs a sampler by nataili's name from unit-variance starting noise `noise` (for a batch, the
 * images' latents one after the other) to the final latent. The model's schedule must be a
 * DiscreteSchedule for the k-samplers (they need the sigma <-> timestep mapping).
 */
export async function sample(name: string, model: DiffusionModel & { schedule: DiscreteSchedule }, noise: Float32Array, request: SampleRequest): Promise<Float32Array> {
  const { sampler, karras } = parseSamplerName(name);
  const { steps, sigmaOverride, ...options } = request;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new InvalidInputError(`The number of steps must be a whole number of at least 1, got ${steps}.`);
  switch (sampler) {
    case 'DDIM':
      return sampleDdim(model, noise, steps, options);
    case 'PLMS':
      return samplePlms(model, noise, steps, options);
    case 'dpmsolver':
      return sampleDpmSolverMultistep(model, noise, steps, options);
    default:
      break;
  }
  const schedule = model.schedule;
  const denoiser = kDiffusionDenoiser(model.unet, schedule, model.prediction);
  const sigmas = karras ? natailiKarrasSigmas(steps, sigmaOverride) : schedule.getSigmas(steps);
  const x = scaled(sigmas[0]!, noise); // KDiffusionSampler.sample: x = x_T · sigmas[0]
  const sigmaMin = sigmaOverride?.min ?? schedule.sigmaMin;
  const sigmaMax = sigmaOverride?.max ?? schedule.sigmaMax;
  if (sampler === 'k_dpm_fast') return sampleDpmFast(denoiser, x, sigmaMin, sigmaMax, steps, options);
  if (sampler === 'k_dpm_adaptive') return (await sampleDpmAdaptive(denoiser, x, sigmaMin, sigmaMax, options)).x;
  return SIGMA_SAMPLERS[sampler](denoiser, x, sigmas, options);
}
