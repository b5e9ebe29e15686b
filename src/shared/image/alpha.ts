// Alpha kept apart from colour. Image models take RGB; Real-ESRGAN (and so nataili's esrgan)
// upscales an RGBA image by running RGB through the net and the alpha separately (through
// the net as a grey image, or a plain resize), then joins them. These are those steps.
import { InvalidInputError } from '../errors.ts';
import { assertRgbaImage, type GrayPlane, type RgbaImage } from './types.ts';

/** Colour with alpha set to 255 (the hidden colour under transparent pixels kept), and the alpha plane. */
export function splitAlpha(image: RgbaImage): { rgb: RgbaImage; alpha: GrayPlane } {
  assertRgbaImage(image);
  const { width, height, data } = image;
  const rgb = data.slice();
  const alpha = new Uint8ClampedArray(width * height);
  for (let i = 0; i < alpha.length; i++) {
    alpha[i] = data[i * 4 + 3]!;
    rgb[i * 4 + 3] = 255;
  }
  return { rgb: { width, height, data: rgb }, alpha: { width, height, data: alpha } };
}

/** The colour of `rgb` with `alpha` as its alpha; sizes must match. */
export function mergeAlpha(rgb: RgbaImage, alpha: GrayPlane): RgbaImage {
  assertRgbaImage(rgb);
  if (alpha.width !== rgb.width || alpha.height !== rgb.height || alpha.data.length !== rgb.width * rgb.height) {
    throw new InvalidInputError(
      `The alpha plane is ${alpha.width}×${alpha.height} but the image is ${rgb.width}×${rgb.height}. Resize the alpha to the image first.`,
    );
  }
  const out = rgb.data.slice();
  for (let i = 0; i < alpha.data.length; i++) out[i * 4 + 3] = alpha.data[i]!;
  return { width: rgb.width, height: rgb.height, data: out };
}

/** Alpha as an opaque grey image, so it can go through an RGB model or resizeImage. */
export function alphaToGray(alpha: GrayPlane): RgbaImage {
  const out = new Uint8ClampedArray(alpha.width * alpha.height * 4);
  for (let i = 0; i < alpha.data.length; i++) {
    const v = alpha.data[i]!;
    out[i * 4] = v;
    out[i * 4 + 1] = v;
    out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return { width: alpha.width, height: alpha.height, data: out };
}

/**
 * A grey (or model-tinted) image back to one plane, with OpenCV's BGR2GRAY weights
 * (0.299 R + 0.587 G + 0.114 B), which Real-ESRGAN applies to its upscaled alpha.
 */
export function grayToAlpha(image: RgbaImage): GrayPlane {
  assertRgbaImage(image);
  const out = new Uint8ClampedArray(image.width * image.height);
  const { data } = image;
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
  return { width: image.width, height: image.height, data: out };
}
