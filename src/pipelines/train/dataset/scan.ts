// An EveryDream dataset from the files of a picked or dropped folder. Port of nataili
// train/dataset/EveryDream/data_loader.py (DataLoaderMultiAspect): images are .jpg .jpeg .png
// .bmp .webp .jfif at any depth; a multiply.txt in a folder repeats that folder's images
// int(float(text)) times; an image's caption is its .txt sidecar, else its .caption sidecar, else
// its file name up to the first "_"; each image takes the aspect bucket nearest its ratio.
// Sizes come from the headers (EXIF orientation applied), so scanning decodes no pixels.

import { orientedSize } from '../../../shared/image/header.ts';
import { sniffImage } from '../../../shared/image/sniff.ts';
import { deriveSeed } from '../graph/random.ts';
import { aspectBuckets, nearestBucket, type Bucket } from './aspects.ts';

/** A file with its path inside the picked folder ("set/sub/photo_1.jpg"). */
export interface DatasetFile {
  path: string;
  file: Blob;
}

export interface DatasetItem {
  path: string;
  caption: string;
  captionSource: 'txt' | 'caption' | 'filename';
  width: number;
  height: number;
  bucket: Bucket;
  /** From the folder's multiply.txt (1 without one). */
  repeats: number;
}

export interface ScannedDataset {
  items: DatasetItem[];
  /** Images × repeats: what one epoch holds before padding. */
  entries: number;
  skipped: { path: string; reason: string }[];
  buckets: { bucket: Bucket; images: number }[];
  /** Identifies the data (paths, sizes, captions, repeats) so a resumed run can check it. */
  signature: string;
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.jfif'] as const;

const slash = (p: string) => p.replace(/\\/g, '/').replace(/^\/+/, '');
const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const stemOf = (p: string) => (baseOf(p).includes('.') ? p.slice(0, p.lastIndexOf('.')) : p);
const extOf = (p: string) => (baseOf(p).includes('.') ? baseOf(p).slice(baseOf(p).lastIndexOf('.')).toLowerCase() : '');

export function isImagePath(path: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extOf(path));
}

/** nataili: int(float(text.strip())), 1 when unreadable. */
export function parseMultiply(text: string): number {
  const value = Number.parseFloat(text.trim());
  return Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 1;
}

/** The caption from the file name: its stem up to the first "_". */
export function filenameCaption(path: string): string {
  return baseOf(stemOf(path)).split('_')[0]!;
}

export async function scanDataset(files: readonly DatasetFile[], options: { resolution: number; multiple?: number }): Promise<ScannedDataset> {
  const byPath = new Map(files.map((f) => [slash(f.path), f.file]));
  const buckets = aspectBuckets(options.resolution, options.multiple);
  const multiplyOf = new Map<string, number>();
  for (const [path, file] of byPath) if (baseOf(path).toLowerCase() === 'multiply.txt') multiplyOf.set(dirOf(path), parseMultiply(await file.text()));
  const items: DatasetItem[] = [];
  const skipped: ScannedDataset['skipped'] = [];
  const paths = [...byPath.keys()].filter(isImagePath).sort();
  for (const path of paths) {
    let caption = filenameCaption(path);
    let captionSource: DatasetItem['captionSource'] = 'filename';
    for (const [ext, source] of [['.txt', 'txt'], ['.caption', 'caption']] as const) {
      const sidecar = byPath.get(stemOf(path) + ext);
      if (sidecar) {
        caption = (await sidecar.text()).trim();
        captionSource = source;
        break;
      }
    }
    try {
      const size = orientedSize(sniffImage(new Uint8Array(await byPath.get(path)!.arrayBuffer())));
      items.push({ path, caption, captionSource, width: size.width, height: size.height, bucket: nearestBucket(buckets, size.width, size.height), repeats: multiplyOf.get(dirOf(path)) ?? 1 });
    } catch (error) {
      // nataili logs and skips a file it cannot open.
      skipped.push({ path, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const counts = new Map<string, { bucket: Bucket; images: number }>();
  for (const item of items) {
    const key = item.bucket.join('x');
    counts.set(key, { bucket: item.bucket, images: (counts.get(key)?.images ?? 0) + item.repeats });
  }
  const signature = `${items.length}:${deriveSeed(items.map((i) => `${i.path}|${i.width}x${i.height}|${i.repeats}|${i.caption}`).join('\n')).toString(16)}`;
  return { items, entries: items.reduce((n, i) => n + i.repeats, 0), skipped, buckets: [...counts.values()], signature };
}
