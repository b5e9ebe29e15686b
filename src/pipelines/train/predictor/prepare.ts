// Rated images for the predictor. Port of nataili clip/predictor/prepare.py (PredictorPrepare):
// ratings from folder names ("<root>/<rating>/<image>", rating_source "directory") or from a
// sidecar holding the number ("<stem>.txt", rating_source "filename"); each image's CLIP
// embedding, L2-normalised, is a row of x and its rating a value of y.

import { throwIfAborted } from '../../../shared/progress.ts';
import type { DatasetFile } from '../dataset/scan.ts';

export type RatingSource = 'directory' | 'sidecar';

export interface RatedImage {
  path: string;
  file: Blob;
  rating: number;
}

const PREDICTOR_EXTENSIONS = /\.(jpe?g|png|webp)$/i;

const parts = (path: string) => path.replace(/\\/g, '/').replace(/^\/+/, '').split('/');

/** The rated images among a picked folder's files, and the images that had no usable rating. */
export async function ratedImages(files: readonly DatasetFile[], source: RatingSource): Promise<{ images: RatedImage[]; skipped: { path: string; reason: string }[] }> {
  const byPath = new Map(files.map((f) => [parts(f.path).join('/'), f.file]));
  // A picked folder's paths start with its own name; ratings sit one level below it.
  const roots = new Set([...byPath.keys()].map((p) => p.split('/')[0]));
  const rootDepth = roots.size === 1 && [...byPath.keys()].every((p) => p.includes('/')) ? 1 : 0;
  const images: RatedImage[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const path of [...byPath.keys()].filter((p) => PREDICTOR_EXTENSIONS.test(p)).sort()) {
    const segments = path.split('/').slice(rootDepth);
    let text: string | null = null;
    let what = '';
    if (source === 'directory') {
      text = segments.length === 2 ? segments[0]! : null;
      what = `its folder "${segments.slice(0, -1).join('/')}"`;
    } else {
      const sidecar = byPath.get(path.replace(/\.[^./]+$/, '.txt'));
      text = sidecar ? await sidecar.text() : null;
      what = 'its .txt file';
    }
    const rating = text === null ? Number.NaN : Number.parseFloat(text.trim());
    if (text === null || !Number.isFinite(rating) || !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) {
      skipped.push({ path, reason: text === null ? (source === 'directory' ? 'not in a rating folder' : 'no .txt rating') : `${what} is not a number` });
      continue;
    }
    images.push({ path, file: byPath.get(path)!, rating });
  }
  return { images, skipped };
}

export function l2Normalized(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s) || 1;
  return Float32Array.from(v, (value) => value / n);
}

/** x (normalised embeddings) and y (ratings), embedding each image with `embed`. */
export async function embedRated(
  images: readonly RatedImage[],
  embed: (image: RatedImage) => Promise<ArrayLike<number>>,
  options: { signal?: AbortSignal; onImage?: (done: number, total: number) => void } = {},
): Promise<{ x: Float32Array[]; y: number[] }> {
  const x: Float32Array[] = [];
  const y: number[] = [];
  for (const image of images) {
    throwIfAborted(options.signal);
    x.push(l2Normalized(await embed(image)));
    y.push(image.rating);
    options.onImage?.(x.length, images.length);
  }
  return { x, y };
}
