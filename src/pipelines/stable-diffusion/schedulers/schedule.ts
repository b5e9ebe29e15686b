// Stable Diffusion's discrete noise schedule and the sigma <-> timestep mapping k-diffusion uses.
// Betas are "scaled linear" (CompVis `linear`: linspace of square roots, squared) from 0.00085 to
// 0.012 over 1000 steps; ᾱ_t = Π(1 − β); sigma_t = sqrt((1 − ᾱ_t) / ᾱ_t). The ᾱ are rounded to
// float32 as CompVis stores them (model.alphas_cumprod), which is what nataili's samplers read.

import { linspace } from './tensor-ops.ts';

export interface ScheduleConfig {
  betaStart: number;
  betaEnd: number;
  trainingSteps: number;
}

/** Stable Diffusion 1.x and 2.x: v1-inference.yaml / v2-inference(-v).yaml. */
export const SD_SCHEDULE: ScheduleConfig = { betaStart: 0.00085, betaEnd: 0.012, trainingSteps: 1000 };

export class DiscreteSchedule {
  /** ᾱ_t for t = 0 … T−1 (float32 values). */
  readonly alphasCumprod: Float64Array;
  /** sigma_t, ascending with t. */
  readonly sigmas: Float64Array;
  readonly logSigmas: Float64Array;

  constructor(config: ScheduleConfig = SD_SCHEDULE) {
    const { betaStart, betaEnd, trainingSteps } = config;
    const roots = linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), trainingSteps);
    this.alphasCumprod = new Float64Array(trainingSteps);
    let product = 1;
    for (let t = 0; t < trainingSteps; t++) {
      product *= 1 - roots[t]! ** 2; // cumulated in double precision, stored as float32 (CompVis)
      this.alphasCumprod[t] = Math.fround(product);
    }
    this.sigmas = this.alphasCumprod.map((a) => Math.sqrt((1 - a) / a));
    this.logSigmas = this.sigmas.map(Math.log);
  }

  get trainingSteps(): number {
    return this.alphasCumprod.length;
  }

  get sigmaMin(): number {
    return this.sigmas[0]!;
  }

  get sigmaMax(): number {
    return this.sigmas[this.sigmas.length - 1]!;
  }

  /**
   * Fractional timestep of a sigma: linear interpolation of log-sigma between the two neighbouring
   * training steps, clamped to [0, T−1]. Port of k-diffusion external.py DiscreteSchedule.sigma_to_t.
   */
  sigmaToT(sigma: number): number {
    const logSigma = Math.log(sigma);
    const last = this.logSigmas.length - 1;
    // low = the last index whose log-sigma is <= logSigma (k-diffusion: cumsum of ge(0), argmax), at most T−2.
    let low = 0;
    for (let i = 0; i <= last; i++) if (logSigma >= this.logSigmas[i]!) low = i;
    low = Math.min(low, last - 1);
    const lo = this.logSigmas[low]!;
    const hi = this.logSigmas[low + 1]!;
    const w = Math.min(Math.max((lo - logSigma) / (lo - hi), 0), 1);
    return (1 - w) * low + w * (low + 1);
  }

  /** Sigma of a fractional timestep, interpolated in log-sigma. Port of DiscreteSchedule.t_to_sigma. */
  tToSigma(t: number): number {
    const low = Math.floor(t);
    const high = Math.ceil(t);
    const w = t - low;
    return Math.exp((1 - w) * this.logSigmas[low]! + w * this.logSigmas[high]!);
  }

  /**
   * `count` sigmas from sigma_max down, evenly spaced in timestep, then a final 0.
   * Port of k-diffusion DiscreteSchedule.get_sigmas (what CompVisDenoiser gives the k-samplers).
   */
  getSigmas(count: number): number[] {
    const last = this.trainingSteps - 1;
    return [...linspace(last, 0, count).map((t) => this.tToSigma(t)), 0];
  }
}

/** ᾱ of a sigma (the inverse of sigma = sqrt((1 − ᾱ) / ᾱ)). */
export function alphaCumprodOfSigma(sigma: number): number {
  return 1 / (1 + sigma * sigma);
}
