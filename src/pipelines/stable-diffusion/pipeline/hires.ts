// The hires fix: generate at about the model's native size, enlarge, then img2img at the target
// size, so a large image keeps one composition instead of repeating it. Port of nataili
// compvis.py generate(hires_fix=True): first pass scaled by min(H, W)/native and rounded down to
// 64, the result enlarged in pixels (nataili: ImageOps.fit LANCZOS; here bicubic), fresh noise
// for the same seeds at full size, 20 steps at strength 0.2. The 'latent' upscale skips the VAE
// round trip (A1111's latent mode) and works better with a higher strength (0.5–0.6).

import { imagesToTensor } from '../../../shared/image/normalize.ts';
import { resizeImage } from '../../../shared/image/resize.ts';
import type { Conditioning } from './conditioning.ts';
import { sampleRun } from './run.ts';
import { LATENT_CHANNELS, resizePlanes, VAE_FACTOR } from './latents.ts';
import type { GenerateRequest, HiresFix, PipelineOptions, SdModels } from './types.ts';
import { decodeLatents, encodeImages } from './vae.ts';

export interface HiresPlan {
  /** First-pass size. */
  width: number;
  height: number;
  targetWidth: number;
  targetHeight: number;
  upscale: 'pixels' | 'latent';
  steps: number;
  strength: number;
}

/** The plan, or null when the fix is off or the image is not larger than the native size (nataili's rule). */
export function hiresPlan(request: GenerateRequest, models: Pick<SdModels, 'prediction'>, width: number, height: number, notes: string[]): HiresPlan | null {
  if (!request.hiresFix) return null;
  const options: HiresFix = request.hiresFix === true ? {} : request.hiresFix;
  // SD 2 768-v models were trained at 768, the others at 512.
  const native = options.nativeSize ?? (models.prediction === 'v' ? 768 : 512);
  if (!(width > native && height > native)) {
    notes.push(`The hires fix needs both sides larger than ${native}; it was skipped.`);
    return null;
  }
  const ratio = Math.min(height / native, width / native);
  const first = (side: number) => Math.max(64, Math.floor(Math.floor(side / ratio) / 64) * 64);
  const upscale = options.upscale ?? 'pixels';
  return {
    width: first(width),
    height: first(height),
    targetWidth: width,
    targetHeight: height,
    upscale,
    steps: options.steps ?? 20,
    strength: options.denoisingStrength ?? (upscale === 'latent' ? 0.55 : 0.2),
  };
}

/** Enlarges the first pass's latents and runs img2img on them at the target size. */
export async function hiresSecondPass(
  models: SdModels,
  cond: Conditioning,
  request: GenerateRequest,
  plan: HiresPlan,
  seeds: number[],
  latents: Float32Array,
  options: PipelineOptions,
): Promise<Float32Array> {
  const batch = seeds.length;
  const h = plan.height / VAE_FACTOR;
  const w = plan.width / VAE_FACTOR;
  const th = plan.targetHeight / VAE_FACTOR;
  const tw = plan.targetWidth / VAE_FACTOR;
  let x0: Float32Array;
  if (plan.upscale === 'latent') {
    x0 = resizePlanes(latents, batch, LATENT_CHANNELS, h, w, th, tw);
  } else {
    const small = await decodeLatents(models, latents, batch, h, w, { signal: options.signal });
    const large = small.map((image) => resizeImage(image, plan.targetWidth, plan.targetHeight, { filter: 'bicubic' }));
    x0 = await encodeImages(models, imagesToTensor(large, { range: '-1..1' }).data, batch, plan.targetHeight, plan.targetWidth, options.signal);
  }
  // sampleRun repeats one image's start for the batch; here every image has its own, so run them
  // one at a time with their own seeds.
  const perImage = LATENT_CHANNELS * th * tw;
  const out = new Float32Array(batch * perImage);
  for (let i = 0; i < batch; i++) {
    const start = { x0: x0.subarray(i * perImage, (i + 1) * perImage), strength: plan.strength };
    const run = { seeds: [seeds[i]!], width: plan.targetWidth, height: plan.targetHeight, steps: plan.steps, start };
    out.set(await sampleRun(models, cond, request, run, options), i * perImage);
  }
  return out;
}
