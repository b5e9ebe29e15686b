// The interrogate worker's two-tier embedding cache over real IndexedDB: memory answers warm
// reads without touching IndexedDB, IndexedDB answers after a "reload" (a new memory tier),
// least recently used entries leave memory first, and clear empties both.
import { describe, expect, it } from 'vitest';
import { IdbEmbeddingCache, type EmbeddingCache } from '../../src/pipelines/clip/cache.ts';
import { TieredEmbeddingCache } from '../../src/workers/interrogate/cache.ts';
import { uniqueName } from '../servers/fixtures.ts';

/** Counts the keys each tier-two read asks IndexedDB for. */
function counted(store: EmbeddingCache) {
  const reads: string[][] = [];
  const spy: EmbeddingCache = {
    get: (key) => (reads.push([key]), store.get(key)),
    getMany: (keys) => (reads.push([...keys]), store.getMany(keys)),
    put: (key, value) => store.put(key, value),
    putMany: (entries) => store.putMany(entries),
    delete: (key) => store.delete(key),
    clear: () => store.clear(),
  };
  return { spy, reads };
}

const vector = (seed: number, size = 8) => Float32Array.from({ length: size }, (_, i) => seed + i / 10);

describe('TieredEmbeddingCache', () => {
  it('serves warm reads from memory, and cold ones (a new worker) from IndexedDB', async () => {
    const idb = new IdbEmbeddingCache(uniqueName('tiered'));
    const { spy, reads } = counted(idb);
    const cache = new TieredEmbeddingCache(spy);
    await cache.putMany([
      ['a', vector(1)],
      ['b', vector(2)],
    ]);
    expect(await cache.getMany(['a', 'b'])).toEqual([vector(1), vector(2)]);
    expect(reads).toEqual([]);
    // After a reload the memory tier is empty: IndexedDB answers, once.
    const { spy: spy2, reads: reads2 } = counted(idb);
    const reloaded = new TieredEmbeddingCache(spy2);
    expect(await reloaded.getMany(['a', 'missing', 'b'])).toEqual([vector(1), undefined, vector(2)]);
    expect(reads2).toEqual([['a', 'missing', 'b']]);
    expect(await reloaded.getMany(['b', 'a'])).toEqual([vector(2), vector(1)]);
    expect(reads2).toHaveLength(1);
    expect(await reloaded.get('missing')).toBeUndefined();
    expect(reads2).toHaveLength(2);
  });

  it('keeps memory under its byte budget, evicting the least recently used first', async () => {
    const idb = new IdbEmbeddingCache(uniqueName('tiered-lru'));
    const cache = new TieredEmbeddingCache(idb, 3 * 32);
    await cache.putMany([
      ['a', vector(1)],
      ['b', vector(2)],
      ['c', vector(3)],
    ]);
    await cache.get('a');
    await cache.put('d', vector(4));
    expect(cache.held).toEqual({ entries: 3, bytes: 96 });
    const { spy, reads } = counted(idb);
    const probe = new TieredEmbeddingCache(spy, 3 * 32);
    // b was the least recently used: it alone left memory, and IndexedDB still has it.
    expect(await cache.getMany(['a', 'c', 'd'])).toEqual([vector(1), vector(3), vector(4)]);
    expect(await probe.get('b')).toEqual(vector(2));
    expect(reads).toEqual([['b']]);
  });

  it('clear and delete reach both tiers', async () => {
    const idb = new IdbEmbeddingCache(uniqueName('tiered-clear'));
    const cache = new TieredEmbeddingCache(idb);
    await cache.putMany([
      ['a', vector(1)],
      ['b', vector(2)],
    ]);
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
    expect(await idb.get('a')).toBeUndefined();
    await cache.clear();
    expect(cache.held).toEqual({ entries: 0, bytes: 0 });
    expect(await idb.get('b')).toBeUndefined();
  });
});
