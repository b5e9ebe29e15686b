// Separable resampling (rows and columns, the cheaper pass first) of RGBA images and float planar
// tensors, with the weights of resize-weights.ts. Images are resized premultiplied and then
// unpremultiplied, so a transparent pixel's hidden colour cannot bleed into its neighbours
// (PIL does the same through its RGBa mode).
import { InvalidInputError } from '../errors.ts';
import { axisWeights, type AxisWeights, type ResizeOptions } from './resize-weights.ts';
import { assertRgbaImage, assertSize, assertTensor, cloneImage, hasTransparency, type PlanarTensor, type RgbaImage } from './types.ts';

export type { ResizeFilter, ResizeOptions } from './resize-weights.ts';

/** Resample along x: src is height rows of width·channels interleaved values. */
function horizontal(src: Float32Array, width: number, height: number, channels: number, w: AxisWeights): Float32Array {
  const outWidth = w.first.length;
  const out = new Float32Array(outWidth * height * channels);
  const { first, count, weights, taps } = w;
  for (let y = 0; y < height; y++) {
    const rowIn = y * width * channels;
    let o = y * outWidth * channels;
    for (let x = 0; x < outWidth; x++) {
      const n = count[x]!;
      const k0 = x * taps;
      let p = rowIn + first[x]! * channels;
      // RGBA and single planes are the hot cases: four (or one) running sums in registers
      // instead of a channel loop around the taps.
      if (channels === 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0; k < n; k++, p += 4) {
          const weight = weights[k0 + k]!;
          s0 += weight * src[p]!;
          s1 += weight * src[p + 1]!;
          s2 += weight * src[p + 2]!;
          s3 += weight * src[p + 3]!;
        }
        out[o++] = s0;
        out[o++] = s1;
        out[o++] = s2;
        out[o++] = s3;
      } else if (channels === 1) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += weights[k0 + k]! * src[p + k]!;
        out[o++] = sum;
      } else {
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += weights[k0 + k]! * src[p + k * channels + c]!;
          out[o++] = sum;
        }
      }
    }
  }
  return out;
}

/** Resample along y: each output row is a weighted sum of whole input rows. */
function vertical(src: Float32Array, rowLength: number, w: AxisWeights): Float32Array {
  const outHeight = w.first.length;
  const out = new Float32Array(outHeight * rowLength);
  for (let y = 0; y < outHeight; y++) {
    const n = w.count[y]!;
    const k0 = y * w.taps;
    const target = out.subarray(y * rowLength, (y + 1) * rowLength);
    for (let k = 0; k < n; k++) {
      const weight = w.weights[k0 + k]!;
      const rowIn = (w.first[y]! + k) * rowLength;
      for (let i = 0; i < rowLength; i++) target[i] = target[i]! + weight * src[rowIn + i]!;
    }
  }
  return out;
}

/** Interleaved float samples (height × width × channels) to the new size; axes that keep their size are not touched. */
export function resampleInterleaved(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  options: ResizeOptions,
): Float32Array {
  const alongX = outWidth !== width ? axisWeights(width, outWidth, options) : undefined;
  const alongY = outHeight !== height ? axisWeights(height, outHeight, options) : undefined;
  if (!alongX && !alongY) return src.slice();
  if (!alongX) return vertical(src, width * channels, alongY!);
  if (!alongY) return horizontal(src, width, height, channels, alongX);
  // Both passes: run first the one that leaves less work for the other (multiply-adds counted).
  const xFirst = height * outWidth * alongX.taps + outHeight * outWidth * alongY.taps;
  const yFirst = outHeight * width * alongY.taps + outHeight * outWidth * alongX.taps;
  return xFirst <= yFirst
    ? vertical(horizontal(src, width, height, channels, alongX), outWidth * channels, alongY)
    : horizontal(vertical(src, width * channels, alongY), width, outHeight, channels, alongX);
}

function checkFilter(options: ResizeOptions): void {
  if (options.filter !== 'bilinear' && options.filter !== 'bicubic') {
    throw new InvalidInputError(`Resize filter must be 'bilinear' or 'bicubic'; got '${String(options.filter)}'.`);
  }
}

/** A new image of width × height. The input is never modified; same size returns a copy. */
export function resizeImage(image: RgbaImage, width: number, height: number, options: ResizeOptions): RgbaImage {
  assertRgbaImage(image);
  assertSize(width, height);
  checkFilter(options);
  if (width === image.width && height === image.height) return cloneImage(image);
  const opaque = !hasTransparency(image);
  const src = new Float32Array(image.data.length);
  const { data } = image;
  for (let i = 0; i < data.length; i += 4) {
    // Premultiply (colour scaled by alpha/255); opaque images skip the work, the maths is the same.
    const a = opaque ? 1 : data[i + 3]! / 255;
    src[i] = data[i]! * a;
    src[i + 1] = data[i + 1]! * a;
    src[i + 2] = data[i + 2]! * a;
    src[i + 3] = data[i + 3]!;
  }
  const res = resampleInterleaved(src, image.width, image.height, 4, width, height, options);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < res.length; i += 4) {
    // Bicubic overshoots; alpha is clamped before it divides the colour back out.
    const a = opaque ? 255 : Math.min(255, res[i + 3]!);
    if (a < 0.5) continue; // rounds to α = 0: a transparent pixel has no colour, as in PIL
    const unpremultiply = opaque ? 1 : 255 / a;
    // Uint8ClampedArray rounds half to even and clamps to 0..255 on assignment.
    out[i] = res[i]! * unpremultiply;
    out[i + 1] = res[i + 1]! * unpremultiply;
    out[i + 2] = res[i + 2]! * unpremultiply;
    out[i + 3] = a;
  }
  return { width, height, data: out };
}

/** Every plane of an NCHW tensor resized to width × height; values are not clamped. */
export function resizeTensor(tensor: PlanarTensor, width: number, height: number, options: ResizeOptions): PlanarTensor {
  assertTensor(tensor);
  assertSize(width, height);
  checkFilter(options);
  const [n, c, h, w] = tensor.dims;
  const out = new Float32Array(n * c * height * width);
  for (let p = 0; p < n * c; p++) {
    const plane = tensor.data.subarray(p * h * w, (p + 1) * h * w);
    out.set(resampleInterleaved(plane, w, h, 1, width, height, options), p * height * width);
  }
  return { data: out, dims: [n, c, height, width] };
}
