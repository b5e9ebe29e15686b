// The order images train in. Port of EveryDream's bucketing (data_loader.py __bucketize_images
// and every_dream.py __getitem__): each epoch shuffles the entries (images × repeats), groups them
// by bucket in order of first appearance, pads a bucket's short last batch with random repeats of
// its own images (marking them with runt_size), and hands out batches of one bucket each; a
// caption is dropped (trained as "") with probability conditional_dropout. nataili pads only when
// there are several buckets; here every short batch is padded, so batch shapes never vary.
// Every draw comes from (seed, epoch) or (seed, step), so any step's batch can be rebuilt.

import type { RgbaImage } from '../../../shared/image/types.ts';
import { deriveSeed, mulberry32, shuffle, stepRandom } from '../graph/random.ts';
import type { TrainBatch } from '../dreambooth/step.ts';
import type { BatchSource } from '../dreambooth/run.ts';
import { hydrate } from './hydrate.ts';
import type { DatasetItem } from './scan.ts';

export interface ScheduleOptions {
  batchSize: number;
  seed: number;
  captionDropout: number;
  flipP: number;
  cropJitter: number;
}

export interface ScheduledEntry {
  item: DatasetItem;
  /** Real images in this entry's padded batch (0 in a full one). */
  runtSize: number;
}

/** One epoch's entries, bucket by bucket, each bucket a whole number of batches. */
export function epochEntries(items: readonly DatasetItem[], epoch: number, o: Pick<ScheduleOptions, 'batchSize' | 'seed'>): ScheduledEntry[] {
  const entries = items.flatMap((item) => Array.from({ length: item.repeats }, () => item));
  shuffle(entries, mulberry32(deriveSeed(o.seed, 'epoch', epoch)));
  const buckets = new Map<string, DatasetItem[]>();
  for (const item of entries) {
    const key = item.bucket.join('x');
    buckets.set(key, [...(buckets.get(key) ?? []), item]);
  }
  const random = mulberry32(deriveSeed(o.seed, 'runts', epoch));
  return [...buckets.values()].flatMap((bucket) => {
    const runt = bucket.length % o.batchSize;
    const full = bucket.slice(0, bucket.length - runt).map((item) => ({ item, runtSize: 0 }));
    if (runt === 0) return full;
    const tail = bucket.slice(bucket.length - runt);
    const padded = [...tail];
    while (padded.length < o.batchSize) padded.push(tail[Math.floor(random() * tail.length)]!);
    return [...full, ...padded.map((item) => ({ item, runtSize: runt }))];
  });
}

export type ImageLoader = (item: DatasetItem, signal?: AbortSignal) => Promise<RgbaImage>;

export class EveryDreamSchedule implements BatchSource {
  readonly batchesPerEpoch: number;
  private cached: { epoch: number; entries: ScheduledEntry[] } | undefined;

  constructor(
    readonly items: readonly DatasetItem[],
    readonly options: ScheduleOptions,
    private readonly load: ImageLoader,
  ) {
    // Padding depends on bucket sizes only, so every epoch has as many batches as the first.
    this.batchesPerEpoch = epochEntries(items, 0, options).length / options.batchSize;
  }

  /** The entries of step `step`'s batch. */
  entries(step: number): ScheduledEntry[] {
    const epoch = Math.floor(step / this.batchesPerEpoch);
    if (this.cached?.epoch !== epoch) this.cached = { epoch, entries: epochEntries(this.items, epoch, this.options) };
    const first = (step % this.batchesPerEpoch) * this.options.batchSize;
    return this.cached.entries.slice(first, first + this.options.batchSize);
  }

  async batch(step: number, signal?: AbortSignal): Promise<TrainBatch> {
    const entries = this.entries(step);
    const [width, height] = entries[0]!.item.bucket;
    const pixels = new Float32Array(entries.length * 3 * width * height);
    const captions: string[] = [];
    const crop = stepRandom(this.options.seed, step, 'crop');
    const drop = stepRandom(this.options.seed, step, 'caption');
    for (const [i, entry] of entries.entries()) {
      const image = await this.load(entry.item, signal);
      pixels.set(hydrate(image, entry.item.bucket, this.options, crop), i * 3 * width * height);
      // nataili: random.random() > conditional_dropout keeps the caption.
      captions.push(drop() > this.options.captionDropout ? entry.item.caption : '');
    }
    return { pixels, width, height, captions, runtSize: entries[0]!.runtSize };
  }
}
