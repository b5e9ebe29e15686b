// The Stable Diffusion safety checker, as diffusers exports it to ONNX
// (StableDiffusionSafetyChecker.forward_onnx: clip_input [b, 3, 224, 224] CLIP-normalised,
// images [b, H, W, 3] in 0..1 → out_images, has_nsfw_concepts bool [b]). Port of what nataili
// and diffusers' ONNX pipeline do with it: one image per call (diffusers' loop: the export does
// not take batches reliably), a flagged image replaced by black, and a flag per image.
// The black image is made here rather than read back from out_images: only the flag is fetched.
import type { TensorData } from '../../runtime/tensor.ts';
import { NatailiError } from '../../shared/errors.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import { throwIfAborted, type ProgressCallback } from '../../shared/progress.ts';
import type { ModelRun } from '../clip/embed.ts';
import { CLIP_IMAGE_CONFIG, preprocessImages, type ImageProcessorConfig } from '../clip/preprocess.ts';

export interface SafetyIoNames {
  clipInput: string;
  images: string;
  outImages: string;
  flags: string;
}

export const SAFETY_IO: SafetyIoNames = { clipInput: 'clip_input', images: 'images', outImages: 'out_images', flags: 'has_nsfw_concepts' };

export interface SafetyModel {
  id: string;
  run: ModelRun;
  /** The checker's feature_extractor/preprocessor_config.json; CLIP's 224 crop by default. */
  image?: ImageProcessorConfig;
  io?: Partial<SafetyIoNames>;
}

export interface SafetyOptions {
  signal?: AbortSignal;
  /** A 'step' per image checked. */
  onProgress?: ProgressCallback;
}

export interface SafetyResult {
  /** The inputs, with every flagged image replaced by an opaque black one of the same size. */
  images: RgbaImage[];
  /** true where the image was flagged and replaced. */
  censored: boolean[];
}

/** Opaque black, the size of `image`: what a censored result shows. */
export function blackLike(image: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: image.width, height: image.height, data };
}

/** The decoded image as the export's `images` input: [1, H, W, 3] in 0..1 (diffusers' numpy layout). */
export function imagesInput(image: RgbaImage): TensorData<'float32'> {
  const pixels = image.width * image.height;
  const data = new Float32Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    data[i * 3] = image.data[i * 4]! / 255;
    data[i * 3 + 1] = image.data[i * 4 + 1]! / 255;
    data[i * 3 + 2] = image.data[i * 4 + 2]! / 255;
  }
  return { type: 'float32', dims: [1, image.height, image.width, 3], data };
}

/** Runs the checker on one image; true when it found an unsafe concept. */
export async function isUnsafe(model: SafetyModel, image: RgbaImage, signal?: AbortSignal): Promise<boolean> {
  const io = { ...SAFETY_IO, ...model.io };
  const clip = preprocessImages([image], model.image ?? CLIP_IMAGE_CONFIG);
  const outputs = await model.run({ [io.clipInput]: { type: 'float32', dims: [...clip.dims], data: clip.data }, [io.images]: imagesInput(image) }, signal);
  const flags = outputs[io.flags];
  if (!flags || flags.data.length !== 1 || (flags.type !== 'bool' && flags.type !== 'uint8' && flags.type !== 'int64')) {
    throw new NatailiError('model', `The safety checker must return "${io.flags}" as one flag per image; check the catalog's output names.`);
  }
  return Number(flags.data[0]) !== 0;
}

/**
 * Checks each image; flagged ones come back black with `censored: true`. The function image
 * generation calls after decoding, before anything is shown or saved.
 */
export async function checkSafety(model: SafetyModel, images: readonly RgbaImage[], options: SafetyOptions = {}): Promise<SafetyResult> {
  const out: RgbaImage[] = [];
  const censored: boolean[] = [];
  for (const [i, image] of images.entries()) {
    throwIfAborted(options.signal);
    const unsafe = await isUnsafe(model, image, options.signal);
    out.push(unsafe ? blackLike(image) : image);
    censored.push(unsafe);
    options.onProgress?.({ kind: 'step', index: i + 1, count: images.length });
  }
  return { images: out, censored };
}
