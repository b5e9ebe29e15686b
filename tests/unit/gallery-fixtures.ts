// A gallery over fake-indexeddb for the gallery-* unit tests: a fresh database per test, a
// thumbnailer that needs no canvas, a clock that ticks, and a database that can be made full.
import { IDBFactory } from 'fake-indexeddb';
import { GalleryDb, type StoredItem } from '../../src/workers/gallery/db.ts';
import { GalleryStore } from '../../src/workers/gallery/store.ts';
import type { StorageLike } from '../../src/managers/storage.ts';
import { IDAT, IEND, IHDR, png, tEXt } from './png-builders.ts';

/** A database that refuses writes once `full` is set, as a browser over quota does. */
export class FullableDb extends GalleryDb {
  full = false;
  override async put(item: StoredItem, image: Blob): Promise<void> {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return super.put(item, image);
  }
}

export const storage: StorageLike = { estimate: async () => ({ usage: 2_000_000_000, quota: 2_000_100_000 }), persisted: async () => false };

export function newGallery(factory = new IDBFactory(), name = 'test-gallery', start = 1_767_225_600_000) {
  const db = new FullableDb(name, factory);
  let clock = start;
  let notified = 0;
  const store = new GalleryStore(db, {
    thumbnail: async (image, width, height) => new Blob([`thumb ${width}x${height} of ${image.size}`], { type: 'image/webp' }),
    notify: () => notified++,
    now: () => (clock += 1000),
    storage,
  });
  return { db, store, factory, notifications: () => notified };
}

/** A 2×1 PNG, optionally with text chunks. */
export const smallPng = (...text: [string, string][]) => png(IHDR, ...text.map(([k, v]) => tEXt(k, v)), IDAT, IEND);

export async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}
