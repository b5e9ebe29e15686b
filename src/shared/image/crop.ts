// Crops and the "resize the shortest side, then centre-crop" step of CLIP-style preprocessing.
// The arithmetic is torchvision's (transforms.Resize(int), transforms.CenterCrop), which
// OpenAI CLIP and open_clip use, so crops land on the same pixels as in the Python reference.
import { InvalidInputError } from '../errors.ts';
import { resizeImage, type ResizeOptions } from './resize.ts';
import { assertRgbaImage, assertSize, type RgbaImage } from './types.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The rectangle's pixels; parts outside the image come out transparent black (torchvision pads with 0). */
export function cropImage(image: RgbaImage, rect: Rect): RgbaImage {
  assertRgbaImage(image);
  assertSize(rect.width, rect.height);
  if (!Number.isInteger(rect.x) || !Number.isInteger(rect.y)) {
    throw new InvalidInputError(`A crop starts at whole pixels; got x=${rect.x}, y=${rect.y}.`);
  }
  const out = new Uint8ClampedArray(rect.width * rect.height * 4);
  const x0 = Math.max(0, rect.x);
  const x1 = Math.min(image.width, rect.x + rect.width);
  for (let y = 0; y < rect.height; y++) {
    const sy = rect.y + y;
    if (sy < 0 || sy >= image.height || x1 <= x0) continue;
    const from = (sy * image.width + x0) * 4;
    out.set(image.data.subarray(from, from + (x1 - x0) * 4), (y * rect.width + (x0 - rect.x)) * 4);
  }
  return { width: rect.width, height: rect.height, data: out };
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * torchvision CenterCrop: top = round((H − h) / 2), left = round((W − w) / 2) with Python's
 * rounding; a crop larger than the image pads it evenly (the extra pixel going right/bottom).
 */
export function centerCropRect(imageWidth: number, imageHeight: number, width: number, height: number): Rect {
  const offset = (outer: number, inner: number) =>
    inner > outer ? -Math.floor((inner - outer) / 2) : roundHalfEven((outer - inner) / 2);
  return { x: offset(imageWidth, width), y: offset(imageHeight, height), width, height };
}

export function centerCropImage(image: RgbaImage, width: number, height: number = width): RgbaImage {
  return cropImage(image, centerCropRect(image.width, image.height, width, height));
}

/**
 * Size with the shorter side set to `shortest` and the longer scaled to keep the aspect,
 * truncated as torchvision does (int(size · long / short)).
 */
export function shortestSideSize(width: number, height: number, shortest: number): { width: number; height: number } {
  assertSize(width, height);
  assertSize(shortest, shortest);
  if (width <= height) return { width: shortest, height: Math.max(1, Math.trunc((shortest * height) / width)) };
  return { width: Math.max(1, Math.trunc((shortest * width) / height)), height: shortest };
}

export function resizeShortestSide(image: RgbaImage, shortest: number, options: ResizeOptions): RgbaImage {
  const size = shortestSideSize(image.width, image.height, shortest);
  return resizeImage(image, size.width, size.height, options);
}

/** CLIP's geometry: shortest side to `size`, then the centre `cropSize` square. */
export function resizeAndCenterCrop(image: RgbaImage, size: number, cropSize: number = size, options: ResizeOptions = { filter: 'bicubic' }): RgbaImage {
  return centerCropImage(resizeShortestSide(image, size, options), cropSize);
}
