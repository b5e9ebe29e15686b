// The Stable Diffusion x4 upscaler: a latent diffusion model whose UNet sees the latents and the
// low-res image (7 channels), told through class_labels how much noise was added to that image
// (noise_level), v-prediction on a 0.0001–0.02 schedule, and a VAE that decodes ×4 (scale
// 0.08333). Port of diffusers StableDiffusionUpscalePipeline / OnnxStableDiffusionUpscalePipeline
// with nataili's sampler names. (nataili's `sdu` wraps Katherine Crowson's ×2 latent upscaler; the
// ×4 model is the one with a public ONNX export, so it is the one ported.) Large images are tiled.

import { InvalidInputError } from '../../../shared/errors.ts';
import { imageToTensor } from '../../../shared/image/normalize.ts';
import type { RgbaImage } from '../../../shared/image/types.ts';
import { throwIfAborted } from '../../../shared/progress.ts';
import { TorchGenerator } from '../random/torch-generator.ts';
import { seedToInt } from '../random/seeds.ts';
import { sample } from '../schedulers/registry.ts';
import { DiscreteSchedule, type ScheduleConfig } from '../schedulers/schedule.ts';
import { encodePrompt, joinPrompt } from '../pipeline/conditioning.ts';
import { latentPreview } from '../pipeline/preview.ts';
import type { PipelineOptions, SdModels } from '../pipeline/types.ts';
import { guidedUNet } from '../pipeline/unet.ts';
import { decodeLatents } from '../pipeline/vae.ts';
import { planUpscaleTiles, tileWeight, type UpscaleTile } from './tiles.ts';

/** x4-upscaling.yaml: linear_start 0.0001, linear_end 0.02 for the model and the noise augmentation. */
export const UPSCALER_SCHEDULE: ScheduleConfig = { betaStart: 0.0001, betaEnd: 0.02, trainingSteps: 1000 };
export const UPSCALER_VAE_SCALE = 0.08333;
export const MAX_NOISE_LEVEL = 350;

export interface UpscaleRequest {
  prompt: string;
  negativePrompt?: string;
  /** How much noise is added to the low-res image before the model sees it (diffusers default 20, at most 350). */
  noiseLevel?: number;
  sampler?: string;
  steps?: number;
  cfgScale?: number;
  seed?: number | string | null;
  /** Low-res pixels per tile side (a multiple of 8); larger images are tiled. */
  tileSize?: number;
  /** Low-res pixels two neighbouring tiles share. */
  tileOverlap?: number;
}

export const UPSCALE_DEFAULTS = { noiseLevel: 20, sampler: 'DDIM', steps: 50, cfgScale: 9, tileSize: 128, tileOverlap: 16 } as const;

/** Pads an image by repeating its last row and column up to multiples of 8. */
function padTo8(image: RgbaImage): RgbaImage {
  const width = Math.ceil(image.width / 8) * 8;
  const height = Math.ceil(image.height / 8) * 8;
  if (width === image.width && height === image.height) return image;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(y, image.height - 1);
    for (let x = 0; x < width; x++) {
      const sx = Math.min(x, image.width - 1);
      data.set(image.data.subarray((sy * image.width + sx) * 4, (sy * image.width + sx) * 4 + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

function crop(image: RgbaImage, tile: UpscaleTile): RgbaImage {
  const data = new Uint8ClampedArray(tile.width * tile.height * 4);
  for (let y = 0; y < tile.height; y++) {
    const start = ((tile.y + y) * image.width + tile.x) * 4;
    data.set(image.data.subarray(start, start + tile.width * 4), y * tile.width * 4);
  }
  return { width: tile.width, height: tile.height, data };
}

export async function upscaleX4(models: SdModels, image: RgbaImage, request: UpscaleRequest, options: PipelineOptions = {}): Promise<{ image: RgbaImage; seed: number; notes: string[] }> {
  if (models.unetInfo.inChannels !== 7 || !models.unetInfo.classLabels) throw new InvalidInputError('This is not an x4 upscaler UNet (it needs 7 input channels and class_labels).');
  const noiseLevel = request.noiseLevel ?? UPSCALE_DEFAULTS.noiseLevel;
  if (!(Number.isInteger(noiseLevel) && noiseLevel >= 0 && noiseLevel <= MAX_NOISE_LEVEL)) throw new InvalidInputError(`noise_level must be a whole number from 0 to ${MAX_NOISE_LEVEL}; got ${noiseLevel}.`);
  const tileSize = request.tileSize ?? UPSCALE_DEFAULTS.tileSize;
  if (!(Number.isInteger(tileSize) && tileSize >= 16 && tileSize % 8 === 0)) throw new InvalidInputError(`The tile size must be a multiple of 8 of at least 16; got ${tileSize}.`);
  const seed = seedToInt(request.seed);
  const schedule = new DiscreteSchedule(UPSCALER_SCHEDULE);
  const cond = await encodePrompt(models, joinPrompt(request.prompt, request.negativePrompt), { signal: options.signal });
  const padded = padTo8(image);
  const tiles = planUpscaleTiles(padded.width, padded.height, tileSize, request.tileOverlap ?? UPSCALE_DEFAULTS.tileOverlap);
  const outWidth = padded.width * 4;
  const outHeight = padded.height * 4;
  const sum = new Float32Array(outWidth * outHeight * 3);
  const weights = new Float32Array(outWidth * outHeight);
  const generator = new TorchGenerator(seed);
  const alpha = schedule.alphasCumprod[noiseLevel]!;
  const ramp = 4 * (request.tileOverlap ?? UPSCALE_DEFAULTS.tileOverlap) * 0.5;

  for (const [index, tile] of tiles.entries()) {
    throwIfAborted(options.signal);
    options.onProgress?.({ kind: 'tile', index, count: tiles.length });
    // low_res_scheduler.add_noise: sqrt(ᾱ)·image + sqrt(1 − ᾱ)·noise at t = noise_level.
    const low = imageToTensor(crop(padded, tile), { range: '-1..1' }).data;
    const augment = generator.randn(low.length);
    const noisy = low.map((v, i) => Math.sqrt(alpha) * v + Math.sqrt(1 - alpha) * augment[i]!);
    const latentNoise = generator.randn(4 * tile.width * tile.height);
    const unet = guidedUNet({
      run: models.unet,
      info: models.unetInfo,
      batch: 1,
      latentHeight: tile.height,
      latentWidth: tile.width,
      cond: cond.cond,
      uncond: cond.uncond,
      sequence: cond.sequence,
      hiddenSize: cond.hiddenSize,
      cfgScale: request.cfgScale ?? UPSCALE_DEFAULTS.cfgScale,
      extra: { data: noisy, channels: 3 },
      classLabels: noiseLevel,
    });
    const latents = await sample(request.sampler ?? UPSCALE_DEFAULTS.sampler, { unet, prediction: models.prediction, schedule }, latentNoise, {
      steps: request.steps ?? UPSCALE_DEFAULTS.steps,
      rng: generator,
      signal: options.signal,
      onStep: options.onProgress,
      onDenoised: options.previews === false || !options.onProgress ? undefined : (x) => options.onProgress!({ kind: 'preview', ...latentPreview(x, 1, tile.height, tile.width) }),
    });
    const [decoded] = await decodeLatents({ vaeDecoder: models.vaeDecoder, vaeScale: models.vaeScale ?? UPSCALER_VAE_SCALE }, latents, 1, tile.height, tile.width, { factor: 4, signal: options.signal });
    const big = { x: tile.x * 4, y: tile.y * 4, width: tile.width * 4, height: tile.height * 4 };
    for (let y = 0; y < big.height; y++) {
      for (let x = 0; x < big.width; x++) {
        const px = big.x + x;
        const py = big.y + y;
        const w = tileWeight(big, px, py, outWidth, outHeight, ramp);
        const o = py * outWidth + px;
        const s = (y * big.width + x) * 4;
        for (let c = 0; c < 3; c++) sum[o * 3 + c] = sum[o * 3 + c]! + w * decoded!.data[s + c]!;
        weights[o] = weights[o]! + w;
      }
    }
  }
  const width = image.width * 4;
  const height = image.height * 4;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * outWidth + x;
      for (let c = 0; c < 3; c++) data[(y * width + x) * 4 + c] = sum[o * 3 + c]! / weights[o]!;
      data[(y * width + x) * 4 + 3] = 255;
    }
  }
  options.onProgress?.({ kind: 'done' });
  return { image: { width, height, data }, seed, notes: cond.notes };
}
