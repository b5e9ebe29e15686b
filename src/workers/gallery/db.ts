// The gallery's IndexedDB database, used raw (not through idb-keyval) because a result is two
// records that must land together: its metadata with the thumbnail (`items`, listed often) and its
// full PNG (`images`, read on download). Each write is one transaction over both stores, so a
// result is stored whole or not at all, whatever happens to the tab; two tabs writing at once just
// queue their transactions, and ids come from crypto.randomUUID so they never collide.

import type { ResultKind, ResultParameters } from './types.ts';

export interface StoredItem {
  id: string;
  kind: ResultKind;
  createdAt: number;
  params: ResultParameters;
  text: string;
  /** Lower-cased prompt and caption: what search reads. */
  search: string;
  width: number;
  height: number;
  bytes: number;
  thumbnail: Blob;
}

const VERSION = 1;
const ITEMS = 'items';
const IMAGES = 'images';

function requestOf<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when the transaction commits; rejects with its error (QuotaExceededError…) when it aborts. */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('The gallery write was aborted.', 'AbortError'));
  });
}

export class GalleryDb {
  private opening: Promise<IDBDatabase> | null = null;

  constructor(
    readonly name: string,
    private readonly factory: IDBFactory = indexedDB,
  ) {}

  private open(): Promise<IDBDatabase> {
    this.opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = this.factory.open(this.name, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        const items = db.createObjectStore(ITEMS, { keyPath: 'id' });
        items.createIndex('createdAt', 'createdAt');
        db.createObjectStore(IMAGES);
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer version of the app in another tab wants to upgrade: step aside, reopen later.
        db.onversionchange = () => {
          db.close();
          this.opening = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        this.opening = null;
        reject(request.error);
      };
      request.onblocked = () => undefined;
    });
    return this.opening;
  }

  async put(item: StoredItem, png: Blob): Promise<void> {
    const tx = (await this.open()).transaction([ITEMS, IMAGES], 'readwrite');
    const done = committed(tx);
    try {
      tx.objectStore(IMAGES).put(png, item.id);
      tx.objectStore(ITEMS).put(item);
    } catch (error) {
      // put throws at once on an uncloneable value; nothing was written.
      tx.abort();
      await done.catch(() => undefined);
      throw error;
    }
    await done;
  }

  async get(id: string): Promise<StoredItem | undefined> {
    const tx = (await this.open()).transaction(ITEMS, 'readonly');
    return requestOf(tx.objectStore(ITEMS).get(id) as IDBRequest<StoredItem | undefined>);
  }

  async image(id: string): Promise<Blob | undefined> {
    const tx = (await this.open()).transaction(IMAGES, 'readonly');
    return requestOf(tx.objectStore(IMAGES).get(id) as IDBRequest<Blob | undefined>);
  }

  /**
   * Newest first: `limit` items from `offset` among those `match` accepts, and how many it accepts
   * in all. Without `match` the index is skipped through and counted, never read in full.
   */
  async page(offset: number, limit: number, match?: (item: StoredItem) => boolean): Promise<{ items: StoredItem[]; total: number }> {
    const tx = (await this.open()).transaction(ITEMS, 'readonly');
    const index = tx.objectStore(ITEMS).index('createdAt');
    const items: StoredItem[] = [];
    if (!match) {
      const total = await requestOf(index.count());
      await new Promise<void>((resolve, reject) => {
        const request = index.openCursor(null, 'prev');
        let skipped = offset === 0;
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const cursor = request.result;
          if (!cursor || items.length >= limit) return resolve();
          if (!skipped) {
            skipped = true;
            return cursor.advance(offset);
          }
          items.push(cursor.value as StoredItem);
          cursor.continue();
        };
      });
      return { items, total };
    }
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      const request = index.openCursor(null, 'prev');
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return resolve();
        const item = cursor.value as StoredItem;
        if (match(item)) {
          if (total >= offset && items.length < limit) items.push(item);
          total++;
        }
        cursor.continue();
      };
    });
    return { items, total };
  }

  /** Every id, newest first (export walks them one transaction at a time). */
  async ids(): Promise<string[]> {
    const tx = (await this.open()).transaction(ITEMS, 'readonly');
    const keys = await requestOf(tx.objectStore(ITEMS).index('createdAt').getAllKeys());
    return (keys as string[]).reverse();
  }

  async has(id: string): Promise<boolean> {
    const tx = (await this.open()).transaction(ITEMS, 'readonly');
    return (await requestOf(tx.objectStore(ITEMS).count(id))) > 0;
  }

  /** Deletes one result (both records, in one transaction); false when it was not there. */
  async delete(id: string): Promise<boolean> {
    const tx = (await this.open()).transaction([ITEMS, IMAGES], 'readwrite');
    const done = committed(tx);
    const existed = requestOf(tx.objectStore(ITEMS).count(id));
    tx.objectStore(ITEMS).delete(id);
    tx.objectStore(IMAGES).delete(id);
    await done;
    return (await existed) > 0;
  }

  async clear(): Promise<number> {
    const tx = (await this.open()).transaction([ITEMS, IMAGES], 'readwrite');
    const done = committed(tx);
    const count = requestOf(tx.objectStore(ITEMS).count());
    tx.objectStore(ITEMS).clear();
    tx.objectStore(IMAGES).clear();
    await done;
    return await count;
  }

  /** How many results, and their PNG and thumbnail bytes. */
  async usage(): Promise<{ count: number; bytes: number }> {
    const tx = (await this.open()).transaction(ITEMS, 'readonly');
    const items = (await requestOf(tx.objectStore(ITEMS).getAll())) as StoredItem[];
    return { count: items.length, bytes: items.reduce((sum, item) => sum + item.bytes + item.thumbnail.size, 0) };
  }

  /** Item and image counts, and ids present in one store only (tests check there are none). */
  async audit(): Promise<{ items: number; images: number; lonely: string[] }> {
    const tx = (await this.open()).transaction([ITEMS, IMAGES], 'readonly');
    const [items, images] = (await Promise.all([requestOf(tx.objectStore(ITEMS).getAllKeys()), requestOf(tx.objectStore(IMAGES).getAllKeys())])) as [string[], string[]];
    const a = new Set(items);
    const b = new Set(images);
    return { items: items.length, images: images.length, lonely: [...items.filter((id) => !b.has(id)), ...images.filter((id) => !a.has(id))] };
  }

  close(): void {
    void this.opening?.then((db) => db.close()).catch(() => undefined);
    this.opening = null;
  }
}
