// Size limits checked from the header, before any decode allocates width·height·4 bytes.
// The caller passes what its backend can take (a WebGPU buffer limit, a model's tile budget);
// without one, a default keeps a stray 20000×20000 file from taking the tab down.
import { InvalidInputError } from '../errors.ts';

export interface ImageLimits {
  /** Largest width·height accepted. Defaults to DEFAULT_MAX_PIXELS. */
  maxPixels?: number;
  /** Largest width or height accepted. Defaults to DEFAULT_MAX_SIDE. */
  maxSide?: number;
}

/** 8192² pixels: 256 MiB as RGBA bytes, 768 MiB as an RGB float32 tensor. */
export const DEFAULT_MAX_PIXELS = 8192 * 8192;
/** Chromium's canvas refuses sides over 32767; stay clear of that. */
export const DEFAULT_MAX_SIDE = 16384;

const count = (n: number) => n.toLocaleString('en-US');

/** Throws InvalidInputError when width×height is empty or over the limits; says both sizes. */
export function checkImageSize(width: number, height: number, limits: ImageLimits = {}): void {
  if (width <= 0 || height <= 0) {
    throw new InvalidInputError(
      `The image says it is ${width}×${height} pixels, which is empty: the file is corrupt or was saved wrongly. Export it again.`,
    );
  }
  const maxSide = limits.maxSide ?? DEFAULT_MAX_SIDE;
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (Math.max(width, height) > maxSide) {
    throw new InvalidInputError(
      `The image is ${width}×${height} pixels; at most ${count(maxSide)} pixels per side fit here. Scale it down so its longest side is ${count(maxSide)} pixels or less, then try again.`,
    );
  }
  if (width * height > maxPixels) {
    const side = Math.floor(Math.sqrt(maxPixels));
    throw new InvalidInputError(
      `The image is ${width}×${height} pixels (${count(width * height)} in all); at most ${count(maxPixels)} pixels fit here (about ${side}×${side}). Scale it down, then try again.`,
    );
  }
}
