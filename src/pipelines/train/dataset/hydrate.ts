// One image as the trainer sees it. Port of nataili train/dataset/EveryDream/image_train_item.py
// ImageTrainItem.hydrate (crop=False): crop to the bucket's ratio — a random square from a
// non-square image for a square bucket, else a crop shifted by up to crop_jitter pixels — resize
// to the bucket (bicubic), flip with probability flip_p, then scale to [-1, 1] (Normalize(0.5, 0.5)).
// PIL's convert("RGB") drops alpha; so does this.

import { cropImage, type Rect } from '../../../shared/image/crop.ts';
import { resizeImage } from '../../../shared/image/resize.ts';
import type { RgbaImage } from '../../../shared/image/types.ts';
import { randint } from '../graph/random.ts';
import type { Bucket } from './aspects.ts';

/** EveryDream's _RANDOM_TRIM: a square image larger than its bucket loses up to 4% at random. */
const RANDOM_TRIM = 0.04;

export function cropRect(width: number, height: number, bucket: Bucket, jitterMax: number, random: () => number): Rect | null {
  const [tw, th] = bucket;
  let jitter = randint(random, 0, jitterMax);
  if (tw === th) {
    if (width > height) return { x: randint(random, 0, width - height), y: 0, width: height, height };
    if (height > width) return { x: 0, y: randint(random, 0, height - width), width, height: width };
    if (width > tw) {
      const slice = Math.min(Math.trunc(tw * RANDOM_TRIM), width - tw);
      const sw = random();
      const left = Math.trunc(slice * sw);
      const right = width - Math.trunc(slice * (1 - sw));
      const sh = random();
      const top = Math.trunc(slice * sh);
      const bottom = height - Math.trunc(slice * (1 - sh));
      return { x: left, y: top, width: right - left, height: bottom - top };
    }
    return null;
  }
  const target = tw / th;
  if (width / height > target) {
    const newWidth = Math.trunc(height * target);
    jitter = Math.max(Math.min(jitter, Math.trunc(Math.abs(width - newWidth) / 2)), 0);
    return { x: jitter, y: 0, width: newWidth, height };
  }
  const newHeight = Math.trunc(width / target);
  jitter = Math.max(Math.min(jitter, Math.trunc(Math.abs(height - newHeight) / 2)), 0);
  return { x: 0, y: jitter, width, height: newHeight };
}

function opaque(image: RgbaImage): RgbaImage {
  const data = image.data.slice();
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: image.width, height: image.height, data };
}

/** The image cropped, resized to the bucket and maybe flipped, as planar RGB in [-1, 1]. */
export function hydrate(image: RgbaImage, bucket: Bucket, options: { cropJitter: number; flipP: number }, random: () => number): Float32Array {
  const rect = cropRect(image.width, image.height, bucket, options.cropJitter, random);
  const cropped = rect ? cropImage(opaque(image), rect) : opaque(image);
  const [w, h] = bucket;
  const sized = resizeImage(cropped, w, h, { filter: 'bicubic' });
  // torchvision's RandomHorizontalFlip draws torch.rand(1) < p.
  const flip = random() < options.flipP;
  const out = new Float32Array(3 * w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const from = (y * w + (flip ? w - 1 - x : x)) * 4;
      for (let c = 0; c < 3; c++) out[(c * h + y) * w + x] = sized.data[from + c]! / 127.5 - 1;
    }
  return out;
}
