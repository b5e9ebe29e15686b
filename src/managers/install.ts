// Getting a model variant into the cache and out again: download (file by file, manifest last),
// pin hashes of accepted unverified files, clean up after a quota error, validate, remove.
// Port of nataili model_manager/base.py (download_model, validate_model, remove): the same steps,
// made safe for a browser that may close the tab at any moment.

import type { ProgressCallback } from '../shared/progress.ts';
import { downloadsFor, variantSize, type CatalogDownload, type CatalogEntry, type Precision } from './catalog/schema.ts';
import { deleteFile, fileKey, manifestKey, modelPrefix, pinKey, taintKey, type Manifest, type ManifestFile, type ModelCache } from './cache.ts';
import { downloadFile, type FetchLike } from './download.ts';
import { ImportOnlyError, IntegrityError, NotFoundError, UnverifiedModelError, isQuotaExceeded } from './errors.ts';
import { ProgressMeter } from './progress-meter.ts';
import { readChunks } from './writer.ts';
import { createSha256 } from './hasher.ts';
import { ensureRoom, quotaError, storageReport, type StorageLike } from './storage.ts';

export interface InstallContext {
  cache: ModelCache;
  fetch?: FetchLike;
  chunkSize?: number;
  retries?: number;
  retryDelayMs?: number;
  stallMs?: number;
  /** null: skip quota checks (tests that inject quota errors by other means). */
  storage?: StorageLike | null;
  hashing?: boolean;
  /** Hash in a worker: by default for files over 16 MB or of unknown size (tests force it). */
  hashInWorker?: boolean;
  /** What relative file_urls (models shipped with the app) resolve against; defaults to the app's base. */
  baseUrl?: string;
}

/** The app's base URL (Vite's BASE_URL on this origin); undefined where there is no location (Node). */
function appBase(): string | undefined {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (!origin || origin === 'null') return undefined;
  return new URL(import.meta.env?.BASE_URL ?? '/', origin).href;
}

/** Resolves a catalog file_url: absolute URLs stay, relative ones are taken from the app. */
export function resolveUrl(url: string, baseUrl?: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  const base = baseUrl ?? appBase();
  if (!base) throw new NotFoundError(`${url} is relative to the app, and there is no app URL here to resolve it against.`);
  return new URL(url, base).href;
}

export interface DownloadOptions {
  precision?: Precision;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** The user accepted files without a published hash; their hash is pinned on this download. */
  acceptUnverified?: boolean;
}

/** The hash a stored file must have: the catalog's, else the one pinned on its first download. */
export async function expectedHash(cache: ModelCache, entry: CatalogEntry, download: CatalogDownload): Promise<string | null> {
  return download.sha256 ?? (await cache.meta.get(pinKey(fileKey(entry.name, download.file_name)))) ?? null;
}

/** Downloads every missing file of one variant, then writes its manifest (the last write). */
export async function installVariant(ctx: InstallContext, entry: CatalogEntry, precision: Precision, options: DownloadOptions): Promise<Manifest> {
  const { cache } = ctx;
  const existing = await cache.manifests.get(manifestKey(entry.name, precision));
  if (existing) return existing;
  const downloads = downloadsFor(entry, precision);
  if (entry.import_only) throw new ImportOnlyError(entry.name, entry.import_only.instructions, downloads.map((download) => download.file_name));
  const expected = await Promise.all(downloads.map((download) => expectedHash(cache, entry, download)));
  if (!options.acceptUnverified && expected.some((hash) => hash === null)) throw new UnverifiedModelError(entry.name);

  // Refuse up front what cannot fit, before a single byte is written.
  let remaining = 0;
  for (const download of downloads) {
    const record = await cache.files.get(fileKey(entry.name, download.file_name));
    if (!record?.complete) remaining += Math.max(0, (download.size ?? 0) - (record?.bytes ?? 0));
  }
  if (ctx.storage !== null) await ensureRoom(entry.name, remaining, ctx.storage ?? undefined);

  const meter = new ProgressMeter(entry.name, variantSize(entry, precision), options.onProgress);
  const files: ManifestFile[] = [];
  let pinned = false;
  try {
    for (const [index, download] of downloads.entries()) {
      const key = fileKey(entry.name, download.file_name);
      const hash = expected[index] ?? null;
      const record = await downloadFile({
        cache,
        key,
        // Validation gives every download of an entry that is not import_only a file_url.
        url: resolveUrl(download.file_url!, ctx.baseUrl),
        label: `${entry.name} ${download.file_name}`,
        expectedSha256: hash,
        expectedSize: download.size,
        chunkSize: ctx.chunkSize,
        hashing: ctx.hashing,
        hashInWorker: ctx.hashInWorker,
        fetch: ctx.fetch,
        signal: options.signal,
        retries: ctx.retries,
        retryDelayMs: ctx.retryDelayMs,
        stallMs: ctx.stallMs,
        onBytes: (loaded, total) => meter.update(download.file_name, loaded, total ?? download.size),
      });
      meter.fileDone(record.bytes);
      if (download.sha256 === null) {
        pinned = true;
        if (hash === null && record.sha256) await cache.meta.put(pinKey(key), record.sha256);
      }
      files.push({ fileName: download.file_name, filePath: download.file_path, size: record.bytes, sha256: record.sha256 ?? '', chunks: record.chunks });
    }
  } catch (error) {
    if (!isQuotaExceeded(error)) throw error;
    // A full disk leaves no partial model behind: drop what this variant wrote but no manifest uses.
    await removeUnreferenced(cache, entry);
    const report = await storageReport(ctx.storage ?? undefined).catch(() => null);
    const total = variantSize(entry, precision) ?? remaining;
    throw quotaError(entry.name, total, report, error);
  }
  const manifest: Manifest = { model: entry.name, precision, files, pinned, createdAt: Date.now() };
  await cache.manifests.put(manifestKey(entry.name, precision), manifest);
  await cache.meta.delete(taintKey(entry.name));
  return manifest;
}

/** Manifests of a model, one per stored precision. */
export async function manifestsOf(cache: ModelCache, model: string): Promise<Manifest[]> {
  const prefix = `${encodeURIComponent(model)}@`;
  const keys = (await cache.manifests.keys()).filter((key) => key.startsWith(prefix));
  const manifests = await Promise.all(keys.map((key) => cache.manifests.get(key)));
  return manifests.filter((manifest): manifest is Manifest => manifest !== undefined);
}

/** Deletes stored files of the model that no remaining manifest needs (partial ones included). */
export async function removeUnreferenced(cache: ModelCache, entry: { name: string }): Promise<void> {
  const keep = new Set<string>();
  for (const manifest of await manifestsOf(cache, entry.name)) {
    manifest.files.forEach((file) => keep.add(fileKey(entry.name, file.fileName)));
  }
  const prefix = modelPrefix(entry.name);
  const keys = (await cache.files.keys()).filter((key) => key.startsWith(prefix) && !keep.has(key));
  for (const key of keys) await deleteFile(cache, key);
  // Chunks whose record was lost (a crash mid-delete) go as well.
  const stray = (await cache.chunks.keys()).filter((key) => key.startsWith(prefix) && !keep.has(key.slice(0, key.lastIndexOf('#'))));
  await cache.chunks.deleteMany(stray);
}

/** Removes one variant, or (without precision) every variant of the model; pinned hashes stay. */
export async function removeModel(cache: ModelCache, model: string, precision?: Precision): Promise<void> {
  const manifests = await manifestsOf(cache, model);
  for (const manifest of manifests) {
    if (precision === undefined || manifest.precision === precision) await cache.manifests.delete(manifestKey(model, manifest.precision));
  }
  await removeUnreferenced(cache, { name: model });
  if (precision === undefined) await cache.meta.delete(taintKey(model));
}

/** Re-hashes a stored variant against its manifest; throws IntegrityError naming the first bad file. */
export async function verifyManifest(cache: ModelCache, manifest: Manifest, signal?: AbortSignal): Promise<void> {
  for (const file of manifest.files) {
    const key = fileKey(manifest.model, file.fileName);
    const hasher = await createSha256();
    let size = 0;
    for await (const chunk of readChunks(cache, key, file.chunks)) {
      signal?.throwIfAborted();
      hasher.update(chunk);
      size += chunk.byteLength;
    }
    const sha256 = hasher.digest();
    if (size !== file.size || sha256 !== file.sha256) {
      throw new IntegrityError(`${manifest.model} ${file.fileName} changed in storage (sha256 ${sha256}, expected ${file.sha256}). It was removed; download it again.`);
    }
  }
}
