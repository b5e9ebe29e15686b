// Aspect-ratio buckets. Port of nataili train/dataset/EveryDream/aspects.py (Victor Hall's
// EveryDream): per resolution a list of [width, height] sizes of about resolution² pixels, square
// first, then each ratio landscape and portrait. An image trains at the size whose ratio is
// closest to its own. For resolutions below nataili's tables (tests, quick previews) the 512
// table is scaled down and rounded to `multiple`.

import { InvalidInputError } from '../../../shared/errors.ts';

export type Bucket = readonly [width: number, height: number];

/** Landscape sizes per table (the square first); portrait sizes are these swapped. */
const TABLES: Record<number, readonly Bucket[]> = {
  448: [[448, 448], [512, 384], [640, 320], [768, 256]],
  512: [[512, 512], [576, 448], [640, 384], [768, 320], [896, 256], [1024, 256]],
  576: [[576, 576], [640, 512], [704, 448], [832, 384], [960, 320], [1152, 256]],
  640: [[640, 640], [704, 576], [768, 512], [832, 448], [896, 448], [1024, 384], [1152, 320], [1280, 320]],
  704: [[704, 704], [768, 640], [832, 576], [960, 512], [1088, 448], [1152, 384], [1280, 384], [1280, 320]],
  768: [[768, 768], [832, 704], [896, 640], [960, 576], [1024, 576], [1152, 512], [1280, 448], [1408, 384], [1472, 320]],
  832: [[832, 832], [896, 768], [960, 704], [1024, 640], [1152, 576], [1216, 512], [1344, 512], [1536, 448], [1600, 384]],
  896: [[896, 896], [960, 832], [1024, 768], [1088, 704], [1216, 640], [1344, 576], [1536, 512], [1792, 448]],
  960: [[960, 960], [1024, 896], [1088, 832], [1152, 768], [1280, 704], [1408, 640], [1680, 576], [1792, 512], [2048, 448]],
  1024: [[1024, 1024], [1152, 896], [1216, 832], [1344, 768], [1472, 704], [1600, 640], [1792, 576], [2048, 512]],
  1088: [[1088, 1088], [1152, 1024], [1216, 896], [1408, 832], [1536, 768], [1664, 704], [1792, 640], [2048, 576], [2304, 512]],
  1152: [[1152, 1152], [1280, 1024], [1344, 960], [1472, 896], [1536, 832], [1728, 768], [1856, 704], [2048, 640], [2304, 576]],
};

function withPortraits(landscape: readonly Bucket[]): Bucket[] {
  const [square, ...rest] = landscape;
  return [square!, ...rest.flatMap(([w, h]): Bucket[] => [[w, h], [h, w]])];
}

/** The buckets for a resolution (nataili rounds it down to a multiple of 64). */
export function aspectBuckets(resolution: number, multiple = 64): Bucket[] {
  const rounded = Math.floor(resolution / 64) * 64;
  const table = TABLES[rounded];
  if (table && resolution >= 448) return withPortraits(table);
  if (resolution > 1152) throw new InvalidInputError(`Resolution ${resolution} is above nataili's largest bucket table (1152).`);
  if (resolution < multiple) throw new InvalidInputError(`Resolution ${resolution} is below one ${multiple}-pixel step.`);
  const scale = resolution / 512;
  const round = (v: number) => Math.max(multiple, Math.round((v * scale) / multiple) * multiple);
  const seen = new Set<string>();
  return withPortraits(TABLES[512]!).flatMap(([w, h]): Bucket[] => {
    const b: Bucket = [round(w), round(h)];
    const key = b.join('x');
    if (seen.has(key)) return [];
    seen.add(key);
    return [b];
  });
}

/** The bucket whose ratio is nearest the image's (the first such, as Python's min picks). */
export function nearestBucket(buckets: readonly Bucket[], width: number, height: number): Bucket {
  const aspect = width / height;
  let best = buckets[0]!;
  for (const b of buckets) if (Math.abs(b[0] / b[1] - aspect) < Math.abs(best[0] / best[1] - aspect)) best = b;
  return best;
}
