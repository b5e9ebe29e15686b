// The gallery: results kept with their parameters, listed newest first, searched, downloaded and
// deleted. Every write is a single transaction (db.ts); a full quota leaves the gallery exactly as
// it was and says how much the result needed.

import { formatBytes, isQuotaExceeded, QuotaError } from '../../managers/errors.ts';
import { storageReport, type StorageLike } from '../../managers/storage.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import type { GenerationParameters } from '../../shared/png/index.ts';
import type { GalleryDb, StoredItem } from './db.ts';
import { checkedSize, checkKind, toPngBytes, withResultText, type ResultMeta } from './result-png.ts';
import type { Thumbnailer } from './thumbnail.ts';
import type { GalleryFile, GalleryItem, GalleryPage, GalleryQuery, NewResult, ResultParameters } from './types.ts';

export interface GalleryStoreOptions {
  thumbnail: Thumbnailer;
  /** Called after every committed change (the worker posts on the gallery's BroadcastChannel). */
  notify?: () => void;
  now?: () => number;
  newId?: () => string;
  storage?: StorageLike;
}

/** Fixed id and time for a result that already has them (an import). */
export interface Identity {
  id: string;
  createdAt: number;
}

const DEFAULT_LIMIT = 48;

function publicItem(item: StoredItem): GalleryItem {
  const { search: _search, ...rest } = item;
  return rest;
}

function textOf(result: NewResult, generation: GenerationParameters | undefined): string {
  if (result.kind === 'caption') return result.text ?? '';
  return generation?.prompt ?? result.text ?? '';
}

/** "20260102-030405": a UTC time stamp for file names. */
export function stamp(time: number): string {
  return new Date(time).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export class GalleryStore {
  constructor(
    readonly db: GalleryDb,
    private readonly options: GalleryStoreOptions,
  ) {}

  /** Stores one result whole (PNG with its text, thumbnail, parameters) or not at all. */
  async add(result: NewResult, identity?: Identity, signal?: AbortSignal): Promise<GalleryItem> {
    const kind = checkKind(result.kind);
    if (result.text !== undefined && typeof result.text !== 'string') throw new InvalidInputError('A gallery result\'s text must be a string.');
    const params: ResultParameters = {};
    if (result.params?.generation) params.generation = result.params.generation;
    if (result.params?.process) params.process = result.params.process;
    const raw = await toPngBytes(result.image, signal);
    const { width, height } = checkedSize(raw);
    const id = identity?.id ?? this.options.newId?.() ?? crypto.randomUUID();
    const createdAt = identity?.createdAt ?? this.options.now?.() ?? Date.now();
    const text = textOf(result, params.generation);
    const meta: ResultMeta = { id, kind, createdAt, text, ...(params.process ? { process: params.process } : {}) };
    const png = new Blob([withResultText(raw, meta, params.generation)], { type: 'image/png' });
    const thumbnail = await this.options.thumbnail(png, width, height);
    signal?.throwIfAborted();
    const search = `${text}\n${params.generation?.prompt ?? ''}`.toLowerCase();
    const item: StoredItem = { id, kind, createdAt, params, text, search, width, height, bytes: png.size, thumbnail };
    try {
      await this.db.put(item, png);
    } catch (error) {
      if (isQuotaExceeded(error)) throw await this.quotaError(png.size + thumbnail.size, error);
      throw error;
    }
    this.options.notify?.();
    return publicItem(item);
  }

  /** The message for a refused write: the result's size, what the browser reports, what to do. */
  async quotaError(bytes: number, cause?: unknown): Promise<QuotaError> {
    const report = await storageReport(this.options.storage).catch(() => null);
    const where = report && report.quota > 0 ? `; ${formatBytes(report.usage)} of this site's ${formatBytes(report.quota)} is in use` : '';
    return new QuotaError(
      `Storage is full: the browser refused to keep this result (${formatBytes(bytes)})${where}. Nothing in the gallery was deleted. ` +
        'Save the image with its Download button, or free space under Settings → Storage, and try again.',
      bytes,
      { cause },
    );
  }

  async list(query: GalleryQuery = {}): Promise<GalleryPage> {
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const limit = Math.max(1, Math.min(500, Math.floor(query.limit ?? DEFAULT_LIMIT)));
    const terms = (query.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const kind = query.kind;
    const match = terms.length > 0 || kind ? (item: StoredItem) => (!kind || item.kind === kind) && terms.every((term) => item.search.includes(term)) : undefined;
    const { items, total } = await this.db.page(offset, limit, match);
    return { items: items.map(publicItem), total };
  }

  async get(id: string): Promise<GalleryItem | null> {
    const item = await this.db.get(id);
    return item ? publicItem(item) : null;
  }

  async download(id: string): Promise<GalleryFile> {
    const [item, png] = await Promise.all([this.db.get(id), this.db.image(id)]);
    if (!item || !png) throw new InvalidInputError('This result is no longer in the gallery (it was deleted, perhaps in another tab).');
    return { name: `nataili-${item.kind}-${stamp(item.createdAt)}-${item.id.slice(0, 8)}.png`, blob: png };
  }

  async remove(id: string): Promise<boolean> {
    const existed = await this.db.delete(id);
    if (existed) this.options.notify?.();
    return existed;
  }

  async clear(): Promise<number> {
    const count = await this.db.clear();
    this.options.notify?.();
    return count;
  }
}
