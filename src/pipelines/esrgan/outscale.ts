// Any output factor from a fixed-factor model, as Real-ESRGAN's --outscale: run the model at its
// own factor, then resample to the asked size (e.g. 3× from a 4× model: 4× then shrink by 3/4).

import { resizeImage } from '../../shared/image/resize.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import { upscaleTiled, type TileRunner, type UpscaleOptions } from './upscale.ts';

export interface OutscaleOptions extends UpscaleOptions {
  /** The factor of the result; the model's own `scale` when omitted. */
  outscale?: number;
}

export function outscaledSize(width: number, height: number, outscale: number): { width: number; height: number } {
  if (!(outscale > 0) || !Number.isFinite(outscale)) throw new RangeError(`outscale must be a positive number, got ${outscale}`);
  return { width: Math.max(1, Math.round(width * outscale)), height: Math.max(1, Math.round(height * outscale)) };
}

export async function upscaleImage(image: RgbaImage, run: TileRunner, options: OutscaleOptions): Promise<RgbaImage> {
  const outscale = options.outscale ?? options.scale;
  const target = outscaledSize(image.width, image.height, outscale);
  const upscaled = await upscaleTiled(image, run, options);
  if (upscaled.width === target.width && upscaled.height === target.height) return upscaled;
  // Bicubic with antialiasing (PIL-style) keeps shrinking from ringing or aliasing.
  return resizeImage(upscaled, target.width, target.height, { filter: 'bicubic', antialias: true });
}
