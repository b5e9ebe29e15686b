// Image preprocessing as a model's preprocessor_config.json says (Hugging Face's CLIP and BLIP
// image processors): resize, centre crop, rescale by 1/255, normalise by mean/std, NCHW.
// CLIP: shortest side to 224 with bicubic, centre crop 224 (OpenAI's and OpenCLIP's torchvision
// transform does the same). BLIP: straight to 384 × 384, no crop.
import { InvalidInputError } from '../../shared/errors.ts';
import { CLIP_MEAN, CLIP_STD, imagesToTensor } from '../../shared/image/normalize.ts';
import { resizeImage, type ResizeFilter } from '../../shared/image/resize.ts';
import { assertRgbaImage, type PlanarTensor, type RgbaImage } from '../../shared/image/types.ts';

export interface ImageProcessorConfig {
  /** Resize target: the shortest side, or an exact size (the aspect ratio is not kept). */
  resize: { shortestEdge: number } | { width: number; height: number } | null;
  /** Centre crop after the resize, or none. */
  crop: { width: number; height: number } | null;
  filter: ResizeFilter;
  mean: readonly number[];
  std: readonly number[];
}

export const CLIP_IMAGE_CONFIG: ImageProcessorConfig = {
  resize: { shortestEdge: 224 },
  crop: { width: 224, height: 224 },
  filter: 'bicubic',
  mean: CLIP_MEAN,
  std: CLIP_STD,
};

export const BLIP_IMAGE_CONFIG: ImageProcessorConfig = {
  resize: { width: 384, height: 384 },
  crop: null,
  filter: 'bicubic',
  mean: CLIP_MEAN,
  std: CLIP_STD,
};

type Json = Record<string, unknown>;

function sizeOf(value: unknown, name: string): { shortestEdge: number } | { width: number; height: number } {
  if (typeof value === 'number') return { shortestEdge: value };
  if (typeof value === 'object' && value !== null) {
    const v = value as Json;
    if (typeof v['shortest_edge'] === 'number') return { shortestEdge: v['shortest_edge'] };
    if (typeof v['height'] === 'number' && typeof v['width'] === 'number') return { width: v['width'], height: v['height'] };
  }
  throw new InvalidInputError(`preprocessor_config.json: "${name}" must be a number, {shortest_edge} or {height, width}; got ${JSON.stringify(value)}.`);
}

function triple(value: unknown, fallback: readonly number[]): readonly number[] {
  return Array.isArray(value) && value.length === 3 && value.every((x) => typeof x === 'number') ? (value as number[]) : fallback;
}

/**
 * Reads a Hugging Face preprocessor_config.json (CLIPImageProcessor, BlipImageProcessor,
 * CLIPFeatureExtractor's older flat numbers). PIL resample codes: 2 bilinear, 3 bicubic.
 */
export function imageConfigFromJson(json: Json): ImageProcessorConfig {
  const doResize = json['do_resize'] !== false;
  const doCrop = json['do_center_crop'] === true || (json['do_center_crop'] === undefined && json['crop_size'] !== undefined);
  const doNormalize = json['do_normalize'] !== false;
  let crop: ImageProcessorConfig['crop'] = null;
  if (doCrop) {
    const c = sizeOf(json['crop_size'] ?? 224, 'crop_size');
    crop = 'shortestEdge' in c ? { width: c.shortestEdge, height: c.shortestEdge } : c;
  }
  return {
    resize: doResize ? sizeOf(json['size'] ?? 224, 'size') : null,
    crop,
    filter: json['resample'] === 2 ? 'bilinear' : 'bicubic',
    mean: doNormalize ? triple(json['image_mean'], CLIP_MEAN) : [0, 0, 0],
    std: doNormalize ? triple(json['image_std'], CLIP_STD) : [1, 1, 1],
  };
}

/** Output size of a shortest-side resize; the long side is truncated, as torchvision and HF do. */
export function shortestEdgeSize(width: number, height: number, edge: number): { width: number; height: number } {
  if (width <= height) return { width: edge, height: Math.trunc((edge * height) / width) };
  return { width: Math.trunc((edge * width) / height), height: edge };
}

/**
 * The centre window of the image; where the image is smaller than the window it is padded with
 * black, as HF's center_crop pads with zeros. Offsets round down, as HF's do.
 */
export function centerCrop(image: RgbaImage, width: number, height: number): RgbaImage {
  assertRgbaImage(image);
  if (width === image.width && height === image.height) return image;
  const top = Math.floor((image.height - height) / 2);
  const left = Math.floor((image.width - width) / 2);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= image.height) {
      for (let x = 0; x < width; x++) out[(y * width + x) * 4 + 3] = 255;
      continue;
    }
    for (let x = 0; x < width; x++) {
      const sx = x + left;
      const o = (y * width + x) * 4;
      if (sx < 0 || sx >= image.width) {
        out[o + 3] = 255;
        continue;
      }
      const i = (sy * image.width + sx) * 4;
      out[o] = image.data[i]!;
      out[o + 1] = image.data[i + 1]!;
      out[o + 2] = image.data[i + 2]!;
      out[o + 3] = image.data[i + 3]!;
    }
  }
  return { width, height, data: out };
}

/** Resized and cropped RGBA, before normalisation: also what the embedding cache hashes. */
export function prepareImage(image: RgbaImage, config: ImageProcessorConfig): RgbaImage {
  let out = image;
  if (config.resize) {
    const size = 'shortestEdge' in config.resize ? shortestEdgeSize(image.width, image.height, config.resize.shortestEdge) : config.resize;
    out = resizeImage(out, size.width, size.height, { filter: config.filter });
  }
  if (config.crop) out = centerCrop(out, config.crop.width, config.crop.height);
  return out;
}

/** Images as one normalised [n, 3, H, W] float32 batch. */
export function preprocessImages(images: readonly RgbaImage[], config: ImageProcessorConfig): PlanarTensor {
  return imagesToTensor(
    images.map((image) => prepareImage(image, config)),
    { mean: config.mean, std: config.std },
  );
}
