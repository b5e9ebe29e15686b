// Where model bytes live: IndexedDB through idb-keyval, behind a tiny get/put/delete interface so
// Node tests (fake-indexeddb) and the browser (real IndexedDB) run the same code.
//
// Four stores, one database each (idb-keyval's createStore makes one store per database):
//   chunks     "<model>/<file>#<index>" -> Uint8Array, a few tens of MB each, never one huge buffer
//   files      "<model>/<file>"         -> FileRecord: how far a file got, and the hasher's state
//   manifests  "<model>@<precision>"    -> Manifest, written last: a model is available only then
//   meta       "pin:<model>/<file>", "taint:<model>" -> pinned hashes and taint reasons
// (model and file names URI-encoded.)
//
// Invariant (checked by audit): every chunk belongs to a file record or a manifest, and its index
// is below that file's chunk count. A crash between writing a chunk and its record leaves at most
// one chunk past the count, which the next writer deletes before it resumes.

import { createStore, del, delMany, get, keys, set, type UseStore } from 'idb-keyval';
import type { Precision } from './catalog/schema.ts';

export interface KeyValueStore<V> {
  get(key: string): Promise<V | undefined>;
  put(key: string, value: V): Promise<void>;
  delete(key: string): Promise<void>;
  deleteMany(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
}

/** Progress of one file: updated after every stored chunk, so a dropped download resumes there. */
export interface FileRecord {
  url: string;
  /** The sha256 the file must end with (catalog or pin); null for an unverified, unpinned file. */
  expectedSha256: string | null;
  /** Size the file must have; null when unknown. */
  expectedSize: number | null;
  bytes: number;
  chunks: number;
  /** hash-wasm sha256 state after the stored bytes, so resuming needs no re-read. */
  hasherState: Uint8Array | null;
  /** Set once every byte is stored and the hash checked. */
  complete: boolean;
  sha256: string | null;
  updatedAt: number;
}

export interface ManifestFile {
  fileName: string;
  filePath: string;
  size: number;
  sha256: string;
  chunks: number;
}

export interface Manifest {
  model: string;
  precision: Precision;
  files: ManifestFile[];
  /** True when a file had no published hash and its hash was pinned from this download. */
  pinned: boolean;
  createdAt: number;
}

export type MetaValue = string;

export interface ModelCache {
  chunks: KeyValueStore<Uint8Array>;
  files: KeyValueStore<FileRecord>;
  manifests: KeyValueStore<Manifest>;
  meta: KeyValueStore<MetaValue>;
}

// Model names contain "/" ("ViT-B/32"), so names are encoded: a model's keys share a prefix no
// other model's keys can start with.
export const modelPrefix = (model: string): string => `${encodeURIComponent(model)}/`;
export const fileKey = (model: string, fileName: string): string => `${modelPrefix(model)}${encodeURIComponent(fileName)}`;
export const chunkKey = (file: string, index: number): string => `${file}#${index}`;
export const manifestKey = (model: string, precision: Precision): string => `${encodeURIComponent(model)}@${precision}`;
export const pinKey = (file: string): string => `pin:${file}`;
export const taintKey = (model: string): string => `taint:${encodeURIComponent(model)}`;

function idbStore<V>(useStore: UseStore): KeyValueStore<V> {
  return {
    get: (key) => get<V>(key, useStore),
    put: (key, value) => set(key, value, useStore),
    delete: (key) => del(key, useStore),
    deleteMany: (list) => (list.length === 0 ? Promise.resolve() : delMany(list, useStore)),
    keys: async () => (await keys(useStore)).map(String),
  };
}

/** The browser cache; `prefix` lets tests use their own databases. */
export function createIdbCache(prefix = 'nataili'): ModelCache {
  return {
    chunks: idbStore(createStore(`${prefix}-chunks`, 'chunks')),
    files: idbStore(createStore(`${prefix}-files`, 'files')),
    manifests: idbStore(createStore(`${prefix}-manifests`, 'manifests')),
    meta: idbStore(createStore(`${prefix}-meta`, 'meta')),
  };
}

/** Chunk keys of one file, computed from its count (no scan of the store). */
export function chunkKeysOf(file: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => chunkKey(file, index));
}

/** Removes a file's chunks (known ones plus a possible orphan past the count) and its record. */
export async function deleteFile(cache: ModelCache, file: string): Promise<void> {
  const record = await cache.files.get(file);
  const count = record?.chunks ?? 0;
  await cache.chunks.deleteMany(chunkKeysOf(file, count + 1));
  // A record may be gone while chunks remain (a crash mid-delete): sweep by prefix as well.
  const stray = (await cache.chunks.keys()).filter((key) => key.startsWith(`${file}#`));
  await cache.chunks.deleteMany(stray);
  await cache.files.delete(file);
}

export interface AuditReport {
  /** Chunks that no record or manifest accounts for: a leak. */
  orphanChunks: string[];
  /** Manifests whose files lack a chunk: a model that claims to be available but is not. */
  brokenManifests: string[];
  chunkCount: number;
}

/** Checks the cache invariant; tests run it after every fault, the app can sweep with it. */
export async function audit(cache: ModelCache): Promise<AuditReport> {
  const expected = new Set<string>();
  const brokenManifests: string[] = [];
  const chunkKeys = new Set(await cache.chunks.keys());
  for (const key of await cache.files.keys()) {
    const record = await cache.files.get(key);
    if (record) chunkKeysOf(key, record.chunks).forEach((chunk) => expected.add(chunk));
  }
  for (const key of await cache.manifests.keys()) {
    const manifest = await cache.manifests.get(key);
    if (!manifest) continue;
    for (const file of manifest.files) {
      const wanted = chunkKeysOf(fileKey(manifest.model, file.fileName), file.chunks);
      wanted.forEach((chunk) => expected.add(chunk));
      if (wanted.some((chunk) => !chunkKeys.has(chunk))) brokenManifests.push(key);
    }
  }
  const orphanChunks = [...chunkKeys].filter((key) => !expected.has(key));
  return { orphanChunks, brokenManifests: [...new Set(brokenManifests)], chunkCount: chunkKeys.size };
}

/** Deletes chunks no record accounts for (left by a crash or a closed tab). */
export async function sweep(cache: ModelCache): Promise<number> {
  const { orphanChunks } = await audit(cache);
  await cache.chunks.deleteMany(orphanChunks);
  return orphanChunks.length;
}
