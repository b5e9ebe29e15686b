// Pixels ↔ model tensors. Forward: RGB bytes → float32 NCHW, scaled by 1/255, optionally
// mapped to [−1, 1] (Stable Diffusion's VAE, ESRGAN-style nets take [0, 1]), then
// (x − mean) / std per channel (CLIP, BLIP). Alpha is dropped on the way in, as PIL's
// convert('RGB') drops it; split it off first with alpha.ts to keep it. Back: clamp to the
// range, scale to 0..255 and round, as diffusers' numpy_to_pil does.
import { InvalidInputError } from '../errors.ts';
import { assertRgbaImage, assertTensor, type GrayPlane, type PlanarTensor, type RgbaImage } from './types.ts';

export type ValueRange = '0..1' | '-1..1';

/** OpenAI CLIP's normalisation (also open_clip's and BLIP's). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
/** torchvision's ImageNet statistics. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface ToTensorOptions {
  /** Range of the values before mean/std; default '0..1'. */
  range?: ValueRange;
  /** Per-channel (R, G, B) mean subtracted after scaling; default 0. */
  mean?: readonly number[];
  /** Per-channel (R, G, B) divisor applied after the mean; default 1. */
  std?: readonly number[];
}

function channelTriple(values: readonly number[] | undefined, fallback: number, name: string): [number, number, number] {
  if (values === undefined) return [fallback, fallback, fallback];
  if (values.length !== 3 || values.some((v) => !Number.isFinite(v))) {
    throw new InvalidInputError(`${name} needs three finite numbers, one per RGB channel; got [${values.join(', ')}].`);
  }
  if (name === 'std' && values.some((v) => v === 0)) throw new InvalidInputError('std must not contain 0: it divides the values.');
  return [values[0]!, values[1]!, values[2]!];
}

/** Writes one image's three planes into `out` at `offset` (in floats). */
function writePlanes(image: RgbaImage, out: Float32Array, offset: number, options: ToTensorOptions): void {
  assertRgbaImage(image);
  const mean = channelTriple(options.mean, 0, 'mean');
  const std = channelTriple(options.std, 1, 'std');
  const signed = (options.range ?? '0..1') === '-1..1';
  const size = image.width * image.height;
  const { data } = image;
  for (let c = 0; c < 3; c++) {
    // One affine map per channel: v/255 → (maybe 2x − 1) → (x − mean)/std, folded as v·k + b.
    const scale = signed ? 2 / 255 : 1 / 255;
    const shift = signed ? -1 : 0;
    const k = scale / std[c]!;
    const b = (shift - mean[c]!) / std[c]!;
    const plane = offset + c * size;
    for (let i = 0; i < size; i++) out[plane + i] = data[i * 4 + c]! * k + b;
  }
}

/** One image as a [1, 3, height, width] tensor. */
export function imageToTensor(image: RgbaImage, options: ToTensorOptions = {}): PlanarTensor {
  return imagesToTensor([image], options);
}

/** Several images of the same size as one [n, 3, height, width] batch. */
export function imagesToTensor(images: readonly RgbaImage[], options: ToTensorOptions = {}): PlanarTensor {
  const first = images[0];
  if (!first) throw new InvalidInputError('A batch needs at least one image.');
  const { width, height } = first;
  for (const [i, image] of images.entries()) {
    if (image.width !== width || image.height !== height) {
      throw new InvalidInputError(
        `Images in one batch must share a size: image 0 is ${width}×${height}, image ${i} is ${image.width}×${image.height}. Resize or crop them first.`,
      );
    }
  }
  const stride = 3 * width * height;
  const data = new Float32Array(images.length * stride);
  images.forEach((image, i) => writePlanes(image, data, i * stride, options));
  return { data, dims: [images.length, 3, height, width] };
}

/** Concatenates tensors along the batch axis; their C, H and W must match. */
export function batchTensors(tensors: readonly PlanarTensor[]): PlanarTensor {
  const first = tensors[0];
  if (!first) throw new InvalidInputError('A batch needs at least one tensor.');
  const [, c, h, w] = first.dims;
  let n = 0;
  for (const tensor of tensors) {
    assertTensor(tensor);
    if (tensor.dims[1] !== c || tensor.dims[2] !== h || tensor.dims[3] !== w) {
      throw new InvalidInputError(`Tensors in one batch must share C, H, W: [${first.dims.join(', ')}] vs [${tensor.dims.join(', ')}].`);
    }
    n += tensor.dims[0];
  }
  const data = new Float32Array(n * c * h * w);
  let at = 0;
  for (const tensor of tensors) {
    data.set(tensor.data, at);
    at += tensor.data.length;
  }
  return { data, dims: [n, c, h, w] };
}

export interface ToImageOptions {
  /** Range the model's output is in; default '0..1'. Values outside are clamped. */
  range?: ValueRange;
  /** Which image of the batch; default 0. */
  index?: number;
  /** Alpha to attach (same size); otherwise opaque, or the 4th channel of a 4-channel tensor. */
  alpha?: GrayPlane;
}

/**
 * One image of a [n, c, h, w] tensor as RGBA bytes. c = 3 is RGB, c = 1 is grey (a mask or
 * depth map, repeated into R, G, B), c = 4 is RGBA.
 */
export function tensorToImage(tensor: PlanarTensor, options: ToImageOptions = {}): RgbaImage {
  assertTensor(tensor);
  const [n, c, height, width] = tensor.dims;
  const index = options.index ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new InvalidInputError(`Batch index ${index} is outside 0..${n - 1}.`);
  if (c !== 1 && c !== 3 && c !== 4) throw new InvalidInputError(`An image tensor needs 1, 3 or 4 channels; this one has ${c}.`);
  const { alpha } = options;
  if (alpha && (alpha.width !== width || alpha.height !== height || alpha.data.length !== width * height)) {
    throw new InvalidInputError(`The alpha plane is ${alpha.width}×${alpha.height}; the image is ${width}×${height}. Resize the alpha to match.`);
  }
  const signed = (options.range ?? '0..1') === '-1..1';
  const size = width * height;
  const base = index * c * size;
  const out = new Uint8ClampedArray(size * 4);
  const toByte = (v: number) => {
    const unit = signed ? v * 0.5 + 0.5 : v;
    // NaN (a diverged model) becomes 0 rather than poisoning the whole image.
    return Math.round((unit >= 1 ? 1 : unit > 0 ? unit : 0) * 255);
  };
  for (let i = 0; i < size; i++) {
    for (let ch = 0; ch < 3; ch++) out[i * 4 + ch] = toByte(tensor.data[base + (c === 1 ? 0 : ch) * size + i]!);
    out[i * 4 + 3] = alpha ? alpha.data[i]! : c === 4 ? toByte(tensor.data[base + 3 * size + i]!) : 255;
  }
  return { width, height, data: out };
}
