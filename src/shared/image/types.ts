// The two shapes every image helper speaks: 8-bit RGBA pixels as browsers hand them out, and
// float planar tensors as ONNX models take them. Both are plain data, so they cross a worker
// boundary by structured clone, or by transfer of `data.buffer` (Comlink.transfer) without a copy.
import { InvalidInputError } from '../errors.ts';

/** 8-bit RGBA, row-major, top row first, alpha NOT premultiplied (what ImageData holds). */
export interface RgbaImage {
  width: number;
  height: number;
  /** width · height · 4 bytes. */
  data: Uint8ClampedArray;
}

/** One channel of 8-bit samples (an alpha mask), row-major. */
export interface GrayPlane {
  width: number;
  height: number;
  /** width · height bytes. */
  data: Uint8ClampedArray;
}

/** Batch, channels, height, width: the layout onnxruntime-web's `new Tensor('float32', data, dims)` takes. */
export type Nchw = [n: number, c: number, h: number, w: number];

/** Float32 planar tensor: each channel is a whole plane, planes of one image follow each other. */
export interface PlanarTensor {
  data: Float32Array;
  dims: Nchw;
}

export function createRgbaImage(width: number, height: number): RgbaImage {
  assertSize(width, height);
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

export function createTensor(dims: Nchw): PlanarTensor {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 1) throw new InvalidInputError(`Tensor dims must be positive integers; got [${dims.join(', ')}].`);
  }
  return { data: new Float32Array(dims[0] * dims[1] * dims[2] * dims[3]), dims: [...dims] };
}

/** A fresh image with its own buffer, so the caller may transfer or mutate it freely. */
export function cloneImage(image: RgbaImage): RgbaImage {
  return { width: image.width, height: image.height, data: image.data.slice() };
}

export function assertSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InvalidInputError(`An image needs a positive whole width and height; got ${width}×${height}.`);
  }
}

/** Catches a mismatched buffer early: a wrong length would otherwise read garbage or out of range. */
export function assertRgbaImage(image: RgbaImage): void {
  assertSize(image.width, image.height);
  const expected = image.width * image.height * 4;
  if (image.data.length !== expected) {
    throw new InvalidInputError(
      `RGBA data for ${image.width}×${image.height} must hold ${expected} bytes; it holds ${image.data.length}. Pass width, height and data of the same image.`,
    );
  }
}

export function assertTensor(tensor: PlanarTensor): void {
  const [n, c, h, w] = tensor.dims;
  const expected = n * c * h * w;
  if (tensor.dims.length !== 4 || tensor.dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidInputError(`Expected NCHW dims of four positive integers; got [${tensor.dims.join(', ')}].`);
  }
  if (tensor.data.length !== expected) {
    throw new InvalidInputError(`A [${tensor.dims.join(', ')}] tensor holds ${expected} floats; this one holds ${tensor.data.length}.`);
  }
}

/** True when some pixel is not fully opaque; opaque images skip the alpha handling. */
export function hasTransparency(image: RgbaImage): boolean {
  const { data } = image;
  for (let i = 3; i < data.length; i += 4) if (data[i]! !== 255) return true;
  return false;
}
