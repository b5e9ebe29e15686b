// The contracts between the samplers and the pipeline that will supply the network.

import type { ProgressCallback } from '../../../shared/progress.ts';

/**
 * k-diffusion's view of the model: the denoised estimate of `x` at noise level `sigma`
 * (x = x0 + sigma·noise, the variance-exploding parameterisation). Classifier-free guidance is
 * already applied inside. Returns a new array of x's length.
 */
export type Denoiser = (x: Float32Array, sigma: number) => Promise<Float32Array>;

/**
 * The network's own view: its raw output (noise ε or velocity v) for the scaled input at a
 * timestep of the 1000-step training schedule. The timestep may be fractional (k-diffusion and
 * DPM-Solver interpolate between training steps). Guidance is already applied (see cfg.ts).
 */
export type UNet = (input: Float32Array, timestep: number) => Promise<Float32Array>;

/** What the network was trained to predict: SD1.x and SD2-base ε, SD2-768 v. */
export type Prediction = 'epsilon' | 'v';

/** A source of standard normal float32 numbers; TorchGenerator is one (random/torch-generator.ts). */
export interface NoiseSource {
  randn(count: number): Float32Array;
}

export interface SamplerOptions {
  /** Noise for ancestral / SDE / DDIM-eta steps. Required by those samplers, ignored by the others. */
  rng?: NoiseSource;
  signal?: AbortSignal;
  /** Called after each step: `{ kind: 'step', index: steps done, count }`. */
  onStep?: ProgressCallback;
  /** Called with each step's denoised estimate x0 (for previews); do not keep the array. */
  onDenoised?: (denoised: Float32Array, step: number) => void;
  /** Ancestral / stochastic amount: k-diffusion's eta (default 1 for ancestral, 0 for DDIM). */
  eta?: number;
  /** Scale of the added noise (k-diffusion s_noise, default 1). */
  sNoise?: number;
}

/** The network with what the timestep-space samplers (DDIM, PLMS, DPM-Solver) need to know about it. */
export interface DiffusionModel {
  unet: UNet;
  prediction: Prediction;
  /** The training schedule (schedule.ts); typed structurally to keep this file free of imports. */
  schedule: { readonly alphasCumprod: Float64Array };
}
