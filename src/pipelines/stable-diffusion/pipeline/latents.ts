// Plane-level helpers: sizes, image ↔ [-1, 1] tensors, masks at latent size, rolls and resizes.
// Latents are NCHW float32, B images of 4 × H/8 × W/8, image after image.

import { InvalidInputError } from '../../../shared/errors.ts';
import { imageToTensor } from '../../../shared/image/normalize.ts';
import { resizeImage, resizeTensor } from '../../../shared/image/resize.ts';
import type { RgbaImage } from '../../../shared/image/types.ts';
import type { MaskMode } from './types.ts';

export const LATENT_CHANNELS = 4;
export const VAE_FACTOR = 8;
export const SD_VAE_SCALE = 0.18215;

/** nataili and the Horde take sizes in multiples of 64 (the UNet halves the latent three times). */
export function checkSize(width: number, height: number): void {
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 64 || value % 64 !== 0) {
      throw new InvalidInputError(`The ${name} must be a multiple of 64 (64, 128, …, 512, …); got ${value}.`);
    }
  }
}

/** An image resized to width × height (nataili resize_mode "resize": stretched) as [1, 3, H, W] in [-1, 1]. */
export function imageToSigned(image: RgbaImage, width: number, height: number): Float32Array {
  const sized = image.width === width && image.height === height ? image : resizeImage(image, width, height, { filter: 'bicubic' });
  return imageToTensor(sized, { range: '-1..1' }).data;
}

/**
 * The mask as one plane at full size, 1 where the image is repainted. `mask`: white repaints
 * (a transparent mask pixel counts as black, nataili's process_init_mask); `invert`: black
 * repaints; `alpha`: the init image's transparent pixels repaint (1 − alpha), used when no mask
 * image is given. nataili reads a mask image as an alpha (white keeps): we follow the Horde's
 * "mask of the areas to inpaint" instead, and `invert` gives nataili's reading.
 */
export function maskPlane(init: RgbaImage, mask: RgbaImage | undefined, mode: MaskMode, width: number, height: number): Float32Array | null {
  const source = mode === 'alpha' || !mask ? init : mask;
  if (mode !== 'alpha' && !mask) return null;
  const sized = source.width === width && source.height === height ? source : resizeImage(source, width, height, { filter: 'bilinear' });
  const out = new Float32Array(width * height);
  const { data } = sized;
  for (let i = 0; i < out.length; i++) {
    if (mode === 'alpha') {
      out[i] = 1 - data[i * 4 + 3]! / 255;
      continue;
    }
    const a = data[i * 4 + 3]! / 255;
    const grey = (0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!) / 255;
    const value = grey * a; // composited on black
    out[i] = mode === 'invert' ? 1 - value : value;
  }
  return out;
}

/** A full-size plane averaged down to latent size (nataili resizes the mask to W/8 × H/8). */
export function planeToLatent(plane: Float32Array, width: number, height: number): Float32Array {
  const tensor = resizeTensor({ data: plane, dims: [1, 1, height, width] }, width / VAE_FACTOR, height / VAE_FACTOR, { filter: 'bilinear' });
  return tensor.data.map((v) => Math.min(1, Math.max(0, v)));
}

/** Nearest downsampling by 8 (F.interpolate's default), for the inpainting UNet's mask channel. */
export function planeToLatentNearest(plane: Float32Array, width: number, height: number): Float32Array {
  const w = width / VAE_FACTOR;
  const h = height / VAE_FACTOR;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = plane[y * VAE_FACTOR * width + x * VAE_FACTOR]!;
  return out;
}

/** One plane repeated for every channel of every image: [images, channels, h, w]. */
export function repeatPlane(plane: Float32Array, images: number, channels: number): Float32Array {
  const out = new Float32Array(images * channels * plane.length);
  for (let i = 0; i < images * channels; i++) out.set(plane, i * plane.length);
  return out;
}

/** Every plane of `data` rolled by (dy, dx) with wrap-around, as torch.roll. */
export function rollPlanes(data: Float32Array, planes: number, h: number, w: number, dy: number, dx: number): Float32Array {
  const out = new Float32Array(data.length);
  const sy = ((dy % h) + h) % h;
  const sx = ((dx % w) + w) % w;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let y = 0; y < h; y++) {
      const row = base + ((y + sy) % h) * w;
      for (let x = 0; x < w; x++) out[row + ((x + sx) % w)] = data[base + y * w + x]!;
    }
  }
  return out;
}

/** Every plane padded by `pad` on each side with wrap-around (circular padding). */
export function wrapPad(data: Float32Array, planes: number, h: number, w: number, pad: number): Float32Array {
  const ph = h + 2 * pad;
  const pw = w + 2 * pad;
  const out = new Float32Array(planes * ph * pw);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < ph; y++) {
      const sy = (((y - pad) % h) + h) % h;
      for (let x = 0; x < pw; x++) out[p * ph * pw + y * pw + x] = data[p * h * w + sy * w + ((((x - pad) % w) + w) % w)]!;
    }
  }
  return out;
}

/** Bilinear resize of B×C planes (the "latent" hires-fix upscale, as A1111's Latent mode). */
export function resizePlanes(data: Float32Array, images: number, channels: number, h: number, w: number, height: number, width: number): Float32Array {
  return resizeTensor({ data, dims: [images, channels, h, w] }, width, height, { filter: 'bilinear', antialias: false }).data;
}

/** One image's slice of a batch of [B, C, h, w]. */
export function imageSlice(data: Float32Array, index: number, perImage: number): Float32Array {
  return data.subarray(index * perImage, (index + 1) * perImage);
}
