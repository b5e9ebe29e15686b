// Port of nataili gfpgan / codeformer (facexlib FaceRestoreHelper): detect faces, align each to
// the 512² FFHQ template, restore it, and paste it back through the inverse transform. The
// models come in as functions so the pipeline runs the same on ONNX sessions and on test doubles.

import { cloneImage, type PlanarTensor, type RgbaImage } from '../../shared/image/types.ts';
import { resizeImage } from '../../shared/image/resize.ts';
import { throwIfAborted, type ProgressCallback } from '../../shared/progress.ts';
import { alignmentTransform } from './align.ts';
import type { FaceDetector } from './detectors.ts';
import type { Face } from './retinaface.ts';
import { pasteBack, warpToCrop } from './warp.ts';

export interface FaceModels {
  /** Finds faces in the (possibly shrunk) image, in its pixels. */
  detect: FaceDetector;
  /** The restorer on a [1,3,512,512] RGB tensor in [-1,1]; returns the same layout. */
  restore: (crop: PlanarTensor) => Promise<PlanarTensor>;
}

export interface RestoreOptions {
  /** Longest side the detector sees; larger images are shrunk for detection only. */
  detectSize?: number;
  /** How much of the restored face replaces the original, 0..1 (GFPGAN's strength). */
  strength?: number;
  /** Upscales the background first (ESRGAN); faces are then restored at the new size. */
  upscaleBackground?: (image: RgbaImage) => Promise<RgbaImage>;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface RestoreResult {
  image: RgbaImage;
  faces: Face[];
  /** Set when nothing was restored, saying why, for the UI to show. */
  notice: string | null;
}

const CROP = 512;
function cropToTensor(crop: RgbaImage): PlanarTensor {
  const plane = CROP * CROP;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) data[c * plane + i] = (crop.data[i * 4 + c]! / 255) * 2 - 1;
  return { data, dims: [1, 3, CROP, CROP] };
}

/** The restorer's [-1,1] output blended with the original crop by `strength`. */
function tensorToCrop(tensor: PlanarTensor, original: RgbaImage, strength: number): RgbaImage {
  const plane = CROP * CROP;
  const out = cloneImage(original);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const restored = Math.min(1, Math.max(0, (tensor.data[c * plane + i]! + 1) / 2)) * 255;
      out.data[i * 4 + c] = Math.round(original.data[i * 4 + c]! * (1 - strength) + restored * strength);
    }
  }
  return out;
}

export async function detectFaces(image: RgbaImage, detect: FaceDetector, options: RestoreOptions = {}): Promise<Face[]> {
  const limit = options.detectSize ?? 640;
  const ratio = Math.min(1, limit / Math.max(image.width, image.height));
  const small = ratio < 1 ? resizeImage(image, Math.max(1, Math.round(image.width * ratio)), Math.max(1, Math.round(image.height * ratio)), { filter: 'bilinear', antialias: true }) : image;
  const faces = await detect(small);
  // Back to the full image's coordinates (the resize may round each axis differently).
  const sx = image.width / small.width;
  const sy = image.height / small.height;
  return faces.map((f) => ({
    score: f.score,
    box: [f.box[0] * sx, f.box[1] * sy, f.box[2] * sx, f.box[3] * sy],
    landmarks: f.landmarks.map(([x, y]) => [x * sx, y * sy] as const) as unknown as Face['landmarks'],
  }));
}

export async function restoreFaces(input: RgbaImage, models: FaceModels, options: RestoreOptions = {}): Promise<RestoreResult> {
  const strength = Math.min(1, Math.max(0, options.strength ?? 1));
  const faces = await detectFaces(input, models.detect, options);
  throwIfAborted(options.signal);
  const base = options.upscaleBackground ? await options.upscaleBackground(input) : cloneImage(input);
  if (faces.length === 0) return { image: base, faces, notice: 'No face was found, so the image is unchanged.' };
  const scale = base.width / input.width;
  for (const [index, face] of faces.entries()) {
    throwIfAborted(options.signal);
    const landmarks = face.landmarks.map(([x, y]) => [x * scale, y * scale] as const) as unknown as Face['landmarks'];
    const toCrop = alignmentTransform(landmarks, CROP);
    const crop = warpToCrop(base, toCrop, CROP);
    const restored = tensorToCrop(await models.restore(cropToTensor(crop)), crop, strength);
    pasteBack(base, restored, toCrop);
    options.onProgress?.({ kind: 'step', index: index + 1, count: faces.length });
  }
  return { image: base, faces, notice: null };
}
