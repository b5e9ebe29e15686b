// Import without network: model files the user hands in (file picker, drag-drop, a whole folder)
// go through the same chunking, hashing and manifest path as a download. A file is matched to a
// catalog download by its path (or the URL's file name), then size, then, if still ambiguous,
// by its sha256.

import type { ProgressCallback } from '../shared/progress.ts';
import { downloadsFor, variantsOf, type CatalogDownload, type CatalogEntry, type Precision } from './catalog/schema.ts';
import { fileKey, manifestKey, pinKey, taintKey, type Manifest, type ModelCache } from './cache.ts';
import { UnverifiedModelError, formatBytes, isQuotaExceeded } from './errors.ts';
import { createSha256 } from './hasher.ts';
import { expectedHash, type InstallContext } from './install.ts';
import { withModelLock } from './locks.ts';
import { ProgressMeter } from './progress-meter.ts';
import { ensureRoom, quotaError, storageReport } from './storage.ts';
import { ChunkWriter } from './writer.ts';

/** A File, or any Blob with a name; `path` is its place in an imported folder ("sd15/unet/model.onnx"). */
export type ImportSource = File | { file: Blob; name: string; path?: string };

export interface ImportOptions {
  acceptUnverified?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface ImportReport {
  stored: { model: string; fileName: string }[];
  /** Variants that became available (their manifest was written). */
  completed: { model: string; precision: Precision }[];
  rejected: { name: string; reason: string }[];
}

/** A handed-in file with its name and its path in what was dropped. */
export interface Source {
  blob: Blob;
  name: string;
  path: string;
}

interface Candidate {
  entry: CatalogEntry;
  download: CatalogDownload;
}

export function normalize(source: ImportSource): Source {
  if ('file' in source) return { blob: source.file, name: source.name, path: source.path ?? source.name };
  const relative = (source as File & { webkitRelativePath?: string }).webkitRelativePath;
  return { blob: source, name: source.name, path: relative || source.name };
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function endsWithPath(path: string, tail: string): boolean {
  return path === tail || path.endsWith(`/${tail}`);
}

function candidatesFor(source: Source, entries: CatalogEntry[]): Candidate[] {
  const found: Candidate[] = [];
  for (const entry of entries) {
    for (const download of entry.config.download) {
      // Relative URLs (models shipped with the app) parse against a placeholder base; an
      // import-only entry has no URL, so only its file_name can match.
      const urlName = download.file_url === undefined ? null : baseName(new URL(download.file_url, 'http://app.invalid/').pathname);
      if (endsWithPath(source.path, download.file_name) || baseName(source.path) === urlName) found.push({ entry, download });
    }
  }
  const sized = found.filter((candidate) => candidate.download.size === null || candidate.download.size === source.blob.size);
  // A path that names the catalog's file_name exactly beats one that only shares the URL's file name.
  const exact = sized.filter((candidate) => endsWithPath(source.path, candidate.download.file_name));
  return exact.length > 0 ? exact : sized;
}

async function hashBlob(blob: Blob): Promise<string> {
  const hasher = await createSha256();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
  }
  return hasher.digest();
}

async function pick(ctx: InstallContext, source: Source, candidates: Candidate[]): Promise<Candidate | string> {
  if (candidates.length === 0) return 'it matches no file of the catalog (by name and size)';
  if (candidates.length === 1) return candidates[0]!;
  // Several models ship a file of the same name and size: only the hash can tell them apart.
  const sha256 = await hashBlob(source.blob);
  for (const candidate of candidates) {
    if ((await expectedHash(ctx.cache, candidate.entry, candidate.download)) === sha256) return candidate;
  }
  return `it could be ${candidates.map((c) => `${c.entry.name} ${c.download.file_name}`).join(' or ')}, and its hash matches none of them`;
}

async function storeOne(ctx: InstallContext, source: Source, { entry, download }: Candidate, options: ImportOptions): Promise<void> {
  const key = fileKey(entry.name, download.file_name);
  const expected = await expectedHash(ctx.cache, entry, download);
  if (expected === null && !options.acceptUnverified) throw new UnverifiedModelError(entry.name);
  const existing = await ctx.cache.files.get(key);
  if (existing?.complete && (expected === null || existing.sha256 === expected)) return;
  if (ctx.storage !== null) await ensureRoom(`${entry.name} ${download.file_name}`, source.blob.size, ctx.storage ?? undefined);
  const writer = await ChunkWriter.open({
    cache: ctx.cache,
    key,
    source: `import:${source.path}`,
    expectedSha256: expected,
    expectedSize: download.size,
    chunkSize: ctx.chunkSize,
    hashInWorker: ctx.hashInWorker,
  });
  const meter = new ProgressMeter(entry.name, source.blob.size, options.onProgress);
  try {
    const reader = source.blob.stream().getReader();
    for (;;) {
      options.signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      await writer.write(value);
      meter.update(download.file_name, writer.bytes, source.blob.size);
    }
    const record = await writer.finish(`${entry.name} ${download.file_name} (imported from ${source.path})`);
    if (expected === null && record.sha256) await ctx.cache.meta.put(pinKey(key), record.sha256);
  } catch (error) {
    // An import has no server to resume from: nothing partial is kept.
    await writer.discard();
    if (isQuotaExceeded(error)) throw quotaError(entry.name, source.blob.size, await storageReport(ctx.storage ?? undefined).catch(() => null), error);
    throw error;
  }
}

/** Writes the manifest of every variant of `entry` whose files are now all stored and verified. */
async function completeVariants(cache: ModelCache, entry: CatalogEntry): Promise<Precision[]> {
  const completed: Precision[] = [];
  for (const precision of variantsOf(entry)) {
    if (await cache.manifests.get(manifestKey(entry.name, precision))) continue;
    const files = [];
    let pinned = false;
    for (const download of downloadsFor(entry, precision)) {
      const record = await cache.files.get(fileKey(entry.name, download.file_name));
      if (!record?.complete || !record.sha256) break;
      pinned ||= download.sha256 === null;
      files.push({ fileName: download.file_name, filePath: download.file_path, size: record.bytes, sha256: record.sha256, chunks: record.chunks });
    }
    if (files.length !== downloadsFor(entry, precision).length) continue;
    const manifest: Manifest = { model: entry.name, precision, files, pinned, createdAt: Date.now() };
    await cache.manifests.put(manifestKey(entry.name, precision), manifest);
    await cache.meta.delete(taintKey(entry.name));
    completed.push(precision);
  }
  return completed;
}

export async function importFiles(ctx: InstallContext, entries: CatalogEntry[], files: Iterable<ImportSource>, options: ImportOptions = {}): Promise<ImportReport> {
  const report: ImportReport = { stored: [], completed: [], rejected: [] };
  const touched = new Map<string, CatalogEntry>();
  for (const item of files) {
    options.signal?.throwIfAborted();
    const source = normalize(item);
    const match = await pick(ctx, source, candidatesFor(source, entries));
    if (typeof match === 'string') {
      report.rejected.push({ name: source.path, reason: `${source.path} (${formatBytes(source.blob.size)}): ${match}.` });
      continue;
    }
    try {
      await withModelLock(match.entry.name, options.signal, () => storeOne(ctx, source, match, options));
      report.stored.push({ model: match.entry.name, fileName: match.download.file_name });
      touched.set(match.entry.name, match.entry);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      report.rejected.push({ name: source.path, reason: (error as Error).message });
    }
  }
  for (const entry of touched.values()) {
    const precisions = await withModelLock(entry.name, options.signal, () => completeVariants(ctx.cache, entry));
    precisions.forEach((precision) => report.completed.push({ model: entry.name, precision }));
  }
  return report;
}
