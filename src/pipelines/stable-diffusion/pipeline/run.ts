// One sampling run: the seeds' noise, the guided UNet, the chosen sampler from noise or from an
// encoded image, with step and preview progress. generate.ts and hires.ts build on it.

import { initialNoise } from '../random/seeds.ts';
import { sample } from '../schedulers/registry.ts';
import { DiscreteSchedule } from '../schedulers/schedule.ts';
import type { SamplerOptions } from '../schedulers/types.ts';
import { repeatForBatch, type Conditioning } from './conditioning.ts';
import { sampleFrom } from './img2img.ts';
import { LATENT_CHANNELS, VAE_FACTOR } from './latents.ts';
import type { Prepared } from './prepare.ts';
import { latentPreview } from './preview.ts';
import type { GenerateRequest, PipelineOptions, SdModels } from './types.ts';
import { guidedUNet } from './unet.ts';

export const DEFAULTS = { sampler: 'k_lms', steps: 50, cfgScale: 7.5, width: 512, height: 512 } as const;

/** A block of images sampled together, at one size. */
export interface RunSpec {
  seeds: number[];
  width: number;
  height: number;
  steps: number;
  start?: { x0: Float32Array; mask?: Float32Array; strength: number };
  extra?: Prepared['extra'];
}

/** One sampling run: fresh seeded noise, the guided UNet, the sampler; returns B latents. */
export async function sampleRun(models: SdModels, cond: Conditioning, request: GenerateRequest, run: RunSpec, options: PipelineOptions): Promise<Float32Array> {
  const h = run.height / VAE_FACTOR;
  const w = run.width / VAE_FACTOR;
  const batch = run.seeds.length;
  const perImage = LATENT_CHANNELS * h * w;
  const { noise, generator } = initialNoise(run.seeds, perImage);
  const unet = guidedUNet({
    run: models.unet,
    info: models.unetInfo,
    batch,
    latentHeight: h,
    latentWidth: w,
    cond: repeatForBatch(cond.cond, batch),
    uncond: repeatForBatch(cond.uncond, batch),
    sequence: cond.sequence,
    hiddenSize: cond.hiddenSize,
    cfgScale: request.cfgScale ?? DEFAULTS.cfgScale,
    extra: run.extra ? { channels: run.extra.channels, data: repeatForBatch(run.extra.data, batch) } : undefined,
    tiling: request.tiling,
  });
  const model = { unet, prediction: models.prediction, schedule: new DiscreteSchedule() };
  const sampler: SamplerOptions & { steps: number } = {
    steps: run.steps,
    rng: generator,
    signal: options.signal,
    onStep: options.onProgress,
    eta: request.eta,
    onDenoised:
      options.previews === false || !options.onProgress
        ? undefined
        : (denoised) => {
            const preview = latentPreview(denoised, batch, h, w);
            options.onProgress!({ kind: 'preview', ...preview });
          },
  };
  const name = request.sampler ?? DEFAULTS.sampler;
  if (!run.start) return sample(name, model, noise, { ...sampler, sigmaOverride: request.sigmaOverride });
  const x0 = repeatForBatch(run.start.x0, batch);
  const mask = run.start.mask ? repeatForBatch(run.start.mask, batch) : undefined;
  return sampleFrom(name, model, noise, { x0, mask }, run.start.strength, { ...sampler, sigmaOverride: request.sigmaOverride });
}
