// Embeddings worth keeping between interrogations: a label set is embedded once per model, an
// image once per content. Keys are "<model>|text|<sha256 of the text>" and
// "<model>|image|<sha256 of the preprocessed pixel tensor>" — the tensor, not the file, so the
// same picture in another container or with other metadata hits, and another preprocessing misses.
// nataili kept the same two caches as .npy files on disk (clip/text.py, clip/image.py).
import { sha256 } from 'hash-wasm';
import { clear, createStore, del, get, getMany, set, setMany, type UseStore } from 'idb-keyval';
import type { PlanarTensor } from '../../shared/image/types.ts';

/** A tiny storage interface, so tests and the browser run the same interrogator. */
export interface EmbeddingCache {
  get(key: string): Promise<Float32Array | undefined>;
  put(key: string, value: Float32Array): Promise<void>;
  getMany(keys: readonly string[]): Promise<(Float32Array | undefined)[]>;
  putMany(entries: readonly (readonly [string, Float32Array])[]): Promise<void>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
}

/** Anything that is not a Float32Array (an old format, a damaged record) reads as a miss. */
function asEmbedding(value: unknown): Float32Array | undefined {
  return value instanceof Float32Array ? value : undefined;
}

export class MemoryEmbeddingCache implements EmbeddingCache {
  private readonly map = new Map<string, Float32Array>();

  get size(): number {
    return this.map.size;
  }
  async get(key: string): Promise<Float32Array | undefined> {
    return this.map.get(key);
  }
  async put(key: string, value: Float32Array): Promise<void> {
    this.map.set(key, value.slice());
  }
  async getMany(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    return keys.map((key) => this.map.get(key));
  }
  async putMany(entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    for (const [key, value] of entries) this.map.set(key, value.slice());
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
  async clear(): Promise<void> {
    this.map.clear();
  }
}

/** IndexedDB through idb-keyval; one database of its own (idb-keyval keeps one store per database). */
export class IdbEmbeddingCache implements EmbeddingCache {
  private readonly store: UseStore;

  constructor(prefix = 'nataili') {
    this.store = createStore(`${prefix}-embeddings`, 'embeddings');
  }
  async get(key: string): Promise<Float32Array | undefined> {
    return asEmbedding(await get(key, this.store));
  }
  async put(key: string, value: Float32Array): Promise<void> {
    await set(key, value, this.store);
  }
  async getMany(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    if (keys.length === 0) return [];
    return (await getMany([...keys], this.store)).map(asEmbedding);
  }
  async putMany(entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    if (entries.length === 0) return;
    await setMany(
      entries.map(([key, value]) => [key, value]),
      this.store,
    );
  }
  async delete(key: string): Promise<void> {
    await del(key, this.store);
  }
  async clear(): Promise<void> {
    await clear(this.store);
  }
}

export async function textKey(modelId: string, text: string): Promise<string> {
  return `${modelId}|text|${await sha256(text)}`;
}

/** Hashes the float32 bytes of the preprocessed tensor (its dims too, so a reshaped tensor differs). */
export async function pixelKey(modelId: string, tensor: PlanarTensor): Promise<string> {
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const digest = await sha256(bytes);
  return `${modelId}|image|${tensor.dims.join('x')}|${digest}`;
}
