// Ready-made preprocessing for the model families that share it. Port of the transform in
// OpenAI CLIP's clip.py `_transform` (Resize(n, BICUBIC) → CenterCrop(n) → RGB → ToTensor →
// Normalize), which nataili's clip and open_clip paths use. The resize is PIL's: bicubic
// a = −0.5, antialiased, premultiplied alpha.
import { resizeAndCenterCrop } from './crop.ts';
import { CLIP_MEAN, CLIP_STD, imagesToTensor } from './normalize.ts';
import type { PlanarTensor, RgbaImage } from './types.ts';

export interface ClipPreprocessOptions {
  /** Model input side; 224 for ViT-B/32 and ViT-L/14, 336 for ViT-L/14@336px. */
  size?: number;
  mean?: readonly number[];
  std?: readonly number[];
}

/** Images of any sizes → a [n, 3, size, size] tensor CLIP's image encoder takes. */
export function clipPreprocess(images: readonly RgbaImage[], options: ClipPreprocessOptions = {}): PlanarTensor {
  const size = options.size ?? 224;
  const cropped = images.map((image) => resizeAndCenterCrop(image, size, size, { filter: 'bicubic', antialias: true, cubicA: -0.5, edge: 'renormalize' }));
  return imagesToTensor(cropped, { range: '0..1', mean: options.mean ?? CLIP_MEAN, std: options.std ?? CLIP_STD });
}
