// The EveryDream loader: which files are images, captions from sidecars or file names,
// multiply.txt, aspect buckets (nataili's tables and the scaled ones for small resolutions),
// bucketing with padded runts, crops with jitter, flips and caption dropout, all seeded per step.
import { describe, expect, it } from 'vitest';
import { aspectBuckets, nearestBucket } from '../../src/pipelines/train/dataset/aspects.ts';
import { cropRect, hydrate } from '../../src/pipelines/train/dataset/hydrate.ts';
import { epochEntries, EveryDreamSchedule } from '../../src/pipelines/train/dataset/schedule.ts';
import { filenameCaption, parseMultiply, scanDataset, type DatasetItem } from '../../src/pipelines/train/dataset/scan.ts';
import { mulberry32 } from '../../src/pipelines/train/graph/random.ts';
import { encodePngBytes } from '../../src/shared/image/encode-png.ts';
import { noise, solid } from './clip-fixtures.ts';
import { flatJpeg } from './image-jpeg-builder.ts';

const png = async (w: number, h: number) => new Blob([await encodePngBytes(solid(w, h, [200, 10, 10]))]);
const txt = (s: string) => new Blob([s]);

describe('EveryDream dataset scan', () => {
  it('finds images at any depth, reads captions, multiply.txt and buckets', async () => {
    const jpeg = new Blob([flatJpeg({ blocksX: 8, blocksY: 4, blocks: [Array(32).fill(90)] })]);
    const files = [
      { path: 'set/dog_01.png', file: await png(512, 512) },
      { path: 'set/dog_01.txt', file: txt('  a photo of sks dog\n') },
      { path: 'set/cat_2.PNG', file: await png(768, 512) },
      { path: 'set/cat_2.caption', file: txt('sks cat') },
      { path: 'set/wide/mountain_view_3.jfif', file: jpeg },
      { path: 'set/wide/multiply.txt', file: txt('3.7\n') },
      { path: 'set/notes.md', file: txt('not an image') },
      { path: 'set/broken.webp', file: txt('garbage') },
    ];
    const scanned = await scanDataset(files, { resolution: 512 });
    expect(scanned.items.map((i) => [i.path, i.caption, i.captionSource, i.repeats, i.bucket.join('x')])).toEqual([
      ['set/cat_2.PNG', 'sks cat', 'caption', 1, '640x384'],
      ['set/dog_01.png', 'a photo of sks dog', 'txt', 1, '512x512'],
      ['set/wide/mountain_view_3.jfif', 'mountain', 'filename', 3, '640x384'],
    ]);
    expect(scanned.entries).toBe(5);
    expect(scanned.skipped.map((s) => s.path)).toEqual(['set/broken.webp']);
    expect(scanned.buckets).toEqual([{ bucket: [640, 384], images: 4 }, { bucket: [512, 512], images: 1 }]);
    const again = await scanDataset(files.slice().reverse(), { resolution: 512 });
    expect(again.signature).toBe(scanned.signature);
  });

  it("uses nataili's bucket tables and scales them below 448", () => {
    expect(aspectBuckets(512)).toHaveLength(11);
    expect(aspectBuckets(512).slice(0, 3)).toEqual([[512, 512], [576, 448], [448, 576]]);
    expect(aspectBuckets(1024)[0]).toEqual([1024, 1024]);
    expect(nearestBucket(aspectBuckets(512), 1920, 1080)).toEqual([640, 384]);
    expect(nearestBucket(aspectBuckets(512), 1000, 4000)).toEqual([256, 1024]);
    const small = aspectBuckets(64, 16);
    expect(small[0]).toEqual([64, 64]);
    for (const [w, h] of small) expect(w % 16 + (h % 16)).toBe(0);
    expect(parseMultiply('2.9')).toBe(2);
    expect(parseMultiply('x')).toBe(1);
    expect(filenameCaption('a/b/sks dog_003_final.jpg')).toBe('sks dog');
  });
});

const item = (path: string, bucket: [number, number], repeats = 1): DatasetItem => ({ path, caption: path, captionSource: 'filename', width: bucket[0], height: bucket[1], bucket, repeats });

describe('EveryDream batches', () => {
  it('keeps each batch in one bucket and pads short ones with repeats marked as runts', () => {
    const items = [item('a', [64, 64]), item('b', [64, 64]), item('c', [64, 64], 2), item('w', [96, 48])];
    const entries = epochEntries(items, 0, { batchSize: 3, seed: 1 });
    // 64×64: a, b, c, c (one full batch, one of 1 real + 2 repeats); 96×48: w (1 real + 2 repeats).
    expect(entries).toHaveLength(9);
    const batches = [entries.slice(0, 3), entries.slice(3, 6), entries.slice(6)];
    for (const batch of batches) expect(new Set(batch.map((e) => `${e.item.bucket.join('x')}:${e.runtSize}`)).size).toBe(1);
    expect(batches.map((b) => b[0]!.runtSize).sort()).toEqual([0, 1, 1]);
    const wide = batches.find((b) => b[0]!.item.path === 'w')!;
    expect(wide.map((e) => [e.item.path, e.runtSize])).toEqual([['w', 1], ['w', 1], ['w', 1]]);
    const order = (epoch: number) => epochEntries(items, epoch, { batchSize: 3, seed: 1 }).map((e) => e.item.path).join('');
    expect(new Set([0, 1, 2, 3, 4].map(order)).size).toBeGreaterThan(1);
    expect(epochEntries(items, 0, { batchSize: 3, seed: 1 })).toEqual(entries);
  });

  it('crops to the bucket ratio with jitter, flips and drops captions, the same way for the same step', async () => {
    expect(cropRect(800, 400, [64, 64], 20, mulberry32(1))).toMatchObject({ y: 0, width: 400, height: 400 });
    const wide = cropRect(1000, 400, [96, 48], 20, () => 0.999);
    expect(wide).toEqual({ x: 20, y: 0, width: 800, height: 400 });
    const image = noise(80, 64, 4);
    const a = hydrate(image, [64, 64], { cropJitter: 20, flipP: 0 }, mulberry32(3));
    const flipped = hydrate(image, [64, 64], { cropJitter: 20, flipP: 1 }, mulberry32(3));
    expect(a).toHaveLength(3 * 64 * 64);
    expect(Math.max(...a)).toBeLessThanOrEqual(1);
    expect(flipped[0]).toBeCloseTo(a[63]!, 6);

    const items = [item('x', [64, 64]), item('y', [64, 64])];
    const loads: string[] = [];
    const schedule = new EveryDreamSchedule(items, { batchSize: 1, seed: 5, captionDropout: 0.5, flipP: 0.5, cropJitter: 20 }, async (i) => {
      loads.push(i.path);
      return image;
    });
    expect(schedule.batchesPerEpoch).toBe(2);
    const captions = [];
    for (let s = 0; s < 40; s++) captions.push((await schedule.batch(s)).captions[0]);
    expect(captions.filter((c) => c === '').length).toBeGreaterThan(8);
    expect(captions.filter((c) => c === '').length).toBeLessThan(32);
    expect(await schedule.batch(7)).toEqual(await schedule.batch(7));
    expect(new Set(loads.slice(0, 2))).toEqual(new Set(['x', 'y']));
  });
});
