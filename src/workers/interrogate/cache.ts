// The interrogate worker's embedding cache: IndexedDB behind a bounded in-memory map. IndexedDB
// keeps label and image embeddings across reloads and workers; the map spares a warm
// interrogation the IndexedDB read of every label (measured: most of a warm call's overhead at
// 2,000 labels). Least recently used entries leave the map first; IndexedDB keeps everything.

import type { EmbeddingCache } from '../../pipelines/clip/cache.ts';

export class TieredEmbeddingCache implements EmbeddingCache {
  private readonly memory = new Map<string, Float32Array>();
  private bytes = 0;

  constructor(
    private readonly store: EmbeddingCache,
    /** 64 MB holds about 20,000 ViT-L/14 embeddings (768 floats each). */
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** Entries and bytes held in memory (for tests and the benchmark). */
  get held(): { entries: number; bytes: number } {
    return { entries: this.memory.size, bytes: this.bytes };
  }

  async get(key: string): Promise<Float32Array | undefined> {
    const hit = this.touch(key);
    if (hit) return hit;
    const stored = await this.store.get(key);
    if (stored) this.remember(key, stored);
    return stored;
  }

  async getMany(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const found = keys.map((key) => this.touch(key));
    const missing = keys.filter((_, i) => !found[i]);
    if (missing.length === 0) return found;
    const stored = await this.store.getMany(missing);
    const byKey = new Map(missing.map((key, i) => [key, stored[i]]));
    return keys.map((key, i) => {
      if (found[i]) return found[i];
      const value = byKey.get(key);
      if (value) this.remember(key, value);
      return value;
    });
  }

  async put(key: string, value: Float32Array): Promise<void> {
    await this.store.put(key, value);
    this.remember(key, value);
  }

  async putMany(entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    await this.store.putMany(entries);
    for (const [key, value] of entries) this.remember(key, value);
  }

  async delete(key: string): Promise<void> {
    this.forget(key);
    await this.store.delete(key);
  }

  async clear(): Promise<void> {
    this.memory.clear();
    this.bytes = 0;
    await this.store.clear();
  }

  /** A hit moves to the back of the eviction order (Map keeps insertion order). */
  private touch(key: string): Float32Array | undefined {
    const value = this.memory.get(key);
    if (value) {
      this.memory.delete(key);
      this.memory.set(key, value);
    }
    return value;
  }

  private remember(key: string, value: Float32Array): void {
    this.forget(key);
    if (value.byteLength > this.maxBytes) return;
    this.memory.set(key, value);
    this.bytes += value.byteLength;
    for (const [oldest, old] of this.memory) {
      if (this.bytes <= this.maxBytes) break;
      this.memory.delete(oldest);
      this.bytes -= old.byteLength;
    }
  }

  private forget(key: string): void {
    const value = this.memory.get(key);
    if (!value) return;
    this.memory.delete(key);
    this.bytes -= value.byteLength;
  }
}
