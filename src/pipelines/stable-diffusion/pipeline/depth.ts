// depth2img's extra UNet channel: the init image's depth from MiDaS/DPT, resized to latent size
// and normalised to [-1, 1]. Port of diffusers StableDiffusionDepth2ImgPipeline.prepare_depth_map
// (DPT processor: bicubic resize to 384², mean 0.5 / std 0.5; bicubic resize of the prediction
// to H/8 × W/8; per-image min-max to [-1, 1]).

import { float32 } from '../../../runtime/tensor.ts';
import { NatailiError } from '../../../shared/errors.ts';
import { imageToTensor } from '../../../shared/image/normalize.ts';
import { resizeImage, resizeTensor } from '../../../shared/image/resize.ts';
import type { RgbaImage } from '../../../shared/image/types.ts';
import { VAE_FACTOR } from './latents.ts';
import type { ModelRun } from './types.ts';

export const DPT_SIZE = 384;

export async function depthCondition(run: ModelRun, image: RgbaImage, width: number, height: number, size = DPT_SIZE): Promise<Float32Array> {
  const input = resizeImage(image, size, size, { filter: 'bicubic' });
  const pixels = imageToTensor(input, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  const { predicted_depth: depth } = await run({ pixel_values: float32(pixels.data, pixels.dims) });
  if (!depth) throw new NatailiError('model', 'The depth model gave no predicted_depth output.');
  const dh = depth.dims[depth.dims.length - 2]!;
  const dw = depth.dims[depth.dims.length - 1]!;
  const latent = resizeTensor({ data: depth.data as Float32Array, dims: [1, 1, dh, dw] }, width / VAE_FACTOR, height / VAE_FACTOR, { filter: 'bicubic', antialias: false }).data;
  let min = Infinity;
  let max = -Infinity;
  for (const v of latent) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  // A flat depth map (a blank image) has no range: it becomes all zeros rather than NaN.
  const range = max - min || 1;
  return latent.map((v) => (2 * (v - min)) / range - 1);
}
