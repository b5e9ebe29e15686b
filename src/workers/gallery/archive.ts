// Export and import of the whole gallery as one zip (fflate): `images/<id>.png` for each result —
// the PNG as stored, parameters and our record embedded — and `index.json` listing them. Import
// takes such zips and single PNGs (ours, or any carrying A1111 `parameters`), each result in its
// own transaction: a full quota stops the import with every result before it kept whole.

import { strToU8, unzipSync, Zip, ZipDeflate, ZipPassThrough, type Unzipped } from 'fflate';
import { isQuotaExceeded, QuotaError } from '../../managers/errors.ts';
import { isPng, parametersFromPng } from '../../shared/png/index.ts';
import { metaFromPng, validMeta, type ResultMeta } from './result-png.ts';
import { stamp, type GalleryStore } from './store.ts';
import type { GalleryFile, GalleryImportResult, ResultParameters } from './types.ts';

export const INDEX_NAME = 'index.json';
export const FORMAT = 'nataili-web-gallery';

/** Entries larger than this are skipped on import: no result PNG is near it, a zip bomb would be. */
const MAX_ENTRY_BYTES = 512 * 1024 * 1024;

interface IndexEntry extends ResultMeta {
  file: string;
  params: ResultParameters;
  width: number;
  height: number;
}

/** ZIP stores DOS times, which only cover 1980–2099; other dates are left out. */
function dosTime(time: number): Date | undefined {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  return year >= 1980 && year <= 2099 ? date : undefined;
}

export async function exportZip(store: GalleryStore, now = Date.now()): Promise<GalleryFile & { count: number }> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let failed: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failed = error;
    else parts.push(chunk as Uint8Array<ArrayBuffer>);
  });
  const entries: IndexEntry[] = [];
  for (const id of await store.db.ids()) {
    // One short read per result: a long export never holds a transaction others wait on.
    const [item, png] = await Promise.all([store.db.get(id), store.db.image(id)]);
    if (!item || !png) continue; // deleted while the export ran
    const file = `images/${id}.png`;
    // PNGs are compressed already; storing them as they are costs nothing and saves time.
    const entry = new ZipPassThrough(file);
    const mtime = dosTime(item.createdAt);
    if (mtime) entry.mtime = mtime;
    zip.add(entry);
    entry.push(new Uint8Array(await png.arrayBuffer()), true);
    const { id: _id, kind, createdAt, text, params, width, height } = item;
    entries.push({ file, id, kind, createdAt, text, params, width, height, ...(params.process ? { process: params.process } : {}) });
  }
  const index = new ZipDeflate(INDEX_NAME, { level: 6 });
  zip.add(index);
  index.push(strToU8(JSON.stringify({ format: FORMAT, version: 1, exportedAt: new Date(now).toISOString(), items: entries }, null, 1)), true);
  zip.end();
  if (failed) throw failed;
  return { name: `nataili-gallery-${stamp(now)}.zip`, blob: new Blob(parts, { type: 'application/zip' }), count: entries.length };
}

/** index.json's entries by file name, each validated; an index that is not ours gives none. */
function readIndex(files: Unzipped): Map<string, Partial<ResultMeta>> {
  const found = new Map<string, Partial<ResultMeta>>();
  const bytes = files[INDEX_NAME];
  if (!bytes) return found;
  try {
    const index = JSON.parse(new TextDecoder().decode(bytes)) as { format?: unknown; items?: unknown };
    if (index.format !== FORMAT || !Array.isArray(index.items)) return found;
    for (const entry of index.items as unknown[]) {
      const file = (entry as { file?: unknown } | null)?.file;
      if (typeof file === 'string') found.set(file, validMeta(entry));
    }
  } catch {
    // A damaged index: the PNGs still carry their own record.
  }
  return found;
}

const isZip = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

class Importer {
  readonly result: GalleryImportResult = { added: 0, skipped: 0, rejected: [] };

  constructor(private readonly store: GalleryStore) {}

  /** One PNG: its record from `known` (index.json) or its own text; A1111 PNGs become generate results. */
  async png(name: string, bytes: Uint8Array, known: Partial<ResultMeta> = {}, signal?: AbortSignal): Promise<void> {
    const own = metaFromPng(bytes);
    const meta = { ...own, ...known };
    const generation = parametersFromPng(bytes) ?? undefined;
    const kind = meta.kind ?? (generation ? 'generate' : undefined);
    if (!kind) {
      this.result.rejected.push({ name, reason: 'it carries no generation parameters and is not a Nataili Web result' });
      return;
    }
    if (meta.id && (await this.store.db.has(meta.id))) {
      this.result.skipped++;
      return;
    }
    const params: ResultParameters = {};
    if (generation) params.generation = generation;
    if (meta.process) params.process = meta.process;
    const identity = { id: meta.id ?? crypto.randomUUID(), createdAt: meta.createdAt ?? Date.now() };
    try {
      await this.store.add({ kind, image: bytes, params, ...(meta.text !== undefined ? { text: meta.text } : {}) }, identity, signal);
      this.result.added++;
    } catch (error) {
      // A full quota ends the whole import; anything else is this file's problem only.
      if (error instanceof QuotaError || isQuotaExceeded(error)) throw error;
      this.result.rejected.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }

  async zip(name: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    let files: Unzipped;
    try {
      files = unzipSync(bytes, { filter: (file) => file.originalSize <= MAX_ENTRY_BYTES && (file.name === INDEX_NAME || /\.png$/i.test(file.name)) });
    } catch (cause) {
      this.result.rejected.push({ name, reason: `it is not a readable zip (${cause instanceof Error ? cause.message : String(cause)})` });
      return;
    }
    const index = readIndex(files);
    // Oldest first, so ids created for PNGs without one keep the gallery's order.
    const names = Object.keys(files)
      .filter((file) => file !== INDEX_NAME)
      .sort((a, b) => (index.get(a)?.createdAt ?? 0) - (index.get(b)?.createdAt ?? 0));
    for (const file of names) {
      signal?.throwIfAborted();
      const png = files[file]!;
      if (!isPng(png)) this.result.rejected.push({ name: `${name}: ${file}`, reason: 'it is not a PNG' });
      else await this.png(`${name}: ${file}`, png, index.get(file), signal);
    }
  }
}

export async function importFiles(store: GalleryStore, files: readonly File[], signal?: AbortSignal): Promise<GalleryImportResult> {
  const importer = new Importer(store);
  try {
    for (const file of files) {
      signal?.throwIfAborted();
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (isZip(bytes)) await importer.zip(file.name, bytes, signal);
      else if (isPng(bytes)) await importer.png(file.name, bytes, {}, signal);
      else importer.result.rejected.push({ name: file.name, reason: 'it is neither a zip exported from the gallery nor a PNG' });
    }
  } catch (error) {
    if (error instanceof QuotaError) {
      const { added } = importer.result;
      const kept = added === 1 ? '1 result was imported before storage ran out and is kept' : `${added} results were imported before storage ran out and are kept`;
      throw new QuotaError(`${error.message} ${kept}.`, error.neededBytes, { cause: error });
    }
    throw error;
  }
  return importer.result;
}
