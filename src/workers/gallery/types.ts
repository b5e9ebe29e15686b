// The gallery worker's contract (re-exported by workers/api.ts): plain data and Blobs only,
// because every value here crosses a worker boundary by structured clone. Types only.
//
// Any page (or worker) that makes a result calls `addResult` once per image, as soon as the image
// exists: the write is one IndexedDB transaction, so a tab closed mid-job keeps every result
// written before, and never half of one.

import type { GenerationParameters } from '../../shared/png/parameters.ts';
import type { RgbaImage } from '../../shared/image/types.ts';

export type { GenerationParameters };

export type ResultKind = 'generate' | 'upscale' | 'restore' | 'caption';

/** What a post-process or caption result was made with, shown beside it and written into its PNG. */
export interface ProcessParameters {
  /** The model that made it: an upscaler, a face restorer, a captioner. */
  model: string;
  /** Its settings as a person reads them: { 'Upscale by': 4 }, { Strength: 0.5, Fidelity: 0.7 }. */
  settings?: Record<string, string | number | boolean>;
}

export interface ResultParameters {
  /** Stable Diffusion settings: for generate results, and for a post-processed generated image. */
  generation?: GenerationParameters;
  process?: ProcessParameters;
}

export interface NewResult {
  kind: ResultKind;
  /**
   * The image: PNG bytes (kept byte for byte, text chunks added), another image file (converted
   * to PNG), or pixels (encoded as PNG). For a caption, the image that was captioned.
   */
  image: Blob | ArrayBuffer | Uint8Array | RgbaImage;
  params?: ResultParameters;
  /** The caption of a caption result; other kinds are searched by their prompt. */
  text?: string;
}

/** One stored result, without its full-size PNG (see `download`). */
export interface GalleryItem {
  id: string;
  kind: ResultKind;
  /** Milliseconds since 1970. */
  createdAt: number;
  params: ResultParameters;
  /** The prompt or caption: what search matches and what the thumbnail's alt text says. Render as text. */
  text: string;
  width: number;
  height: number;
  /** Size of the stored PNG in bytes. */
  bytes: number;
  /** A small WebP (PNG where WebP cannot be written), at most 256 px on its longer side. */
  thumbnail: Blob;
}

export interface GalleryQuery {
  /** Words that must all appear in the prompt or caption (any case). */
  search?: string;
  kind?: ResultKind;
  offset?: number;
  /** Default 48. */
  limit?: number;
}

export interface GalleryPage {
  /** Newest first. */
  items: GalleryItem[];
  /** How many items match the query in all. */
  total: number;
}

export interface GalleryFile {
  name: string;
  blob: Blob;
}

export interface GalleryImportResult {
  added: number;
  /** Items already in the gallery (same id): left as they are. */
  skipped: number;
  rejected: { name: string; reason: string }[];
}

export interface GalleryUsage {
  count: number;
  /** PNG and thumbnail bytes. */
  bytes: number;
}

/**
 * The gallery worker: results with their parameters in IndexedDB, thumbnails, search, export and
 * import as zip. A full quota fails a write with QuotaError (code 'quota') naming the size, and
 * deletes nothing. Every change is announced on the BroadcastChannel of channel.ts, so open
 * gallery pages in any tab refresh.
 */
export interface GalleryApi {
  addResult(result: NewResult): Promise<GalleryItem>;
  list(query?: GalleryQuery): Promise<GalleryPage>;
  get(id: string): Promise<GalleryItem | null>;
  /** The stored PNG (A1111 `parameters` text embedded) with a file name for saving. */
  download(id: string): Promise<GalleryFile>;
  /** True when the item existed. */
  remove(id: string): Promise<boolean>;
  /** Deletes every result; returns how many. */
  clear(): Promise<number>;
  /** Every result as one zip: `index.json` and `images/<id>.png`. */
  exportZip(): Promise<GalleryFile & { count: number }>;
  /** Zips made by exportZip, and single PNGs (ours, or any carrying A1111 `parameters`). */
  importFiles(files: File[]): Promise<GalleryImportResult>;
  usage(): Promise<GalleryUsage>;
  /** Empties the CLIP embedding cache (Settings → Storage); the interrogator refills it as it works. */
  clearEmbeddings(): Promise<void>;
}

