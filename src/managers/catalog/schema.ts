// The catalog entry: nataili's model database fields, made strict for a browser.
// Port of nataili's db.json layout (model_manager/*.json): an object keyed by model name.
// Ours add per-file size and sha256, the ONNX input/output names a pipeline needs, precision
// variants and the backends each variant suits.

import type { Backend, Precision } from '../../runtime/index.ts';

export type { Backend, Precision };

export const MODEL_TYPES = [
  'clip',
  'blip',
  'esrgan',
  'gfpgan',
  'codeformer',
  'face_detector',
  'safety_checker',
  'stable_diffusion',
  'depth',
] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export const PRECISIONS: readonly Precision[] = ['fp32', 'fp16', 'q8'];
export const BACKENDS: readonly Backend[] = ['webgpu', 'wasm'];

/**
 * How load() hands a file to the pipeline: an ONNX session, the external weights of an ONNX file
 * (graphs over 2 GB keep their tensors in a second file), parsed JSON, text, or raw bytes
 * (weights a pipeline reads itself, such as the aesthetic predictor's safetensors).
 */
export const FILE_KINDS = ['onnx', 'onnx_data', 'json', 'text', 'bytes'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** nataili's config.files[]: one logical file the model needs, whatever its precision. */
export interface CatalogFile {
  /** Logical name the pipeline asks for: "unet", "text_encoder", "tokenizer". */
  path: string;
  kind: FileKind;
  /** ONNX graph input names the pipeline feeds (onnx files only). */
  inputs?: string[];
  /** ONNX graph output names the pipeline reads (onnx files only). */
  outputs?: string[];
  /** onnx_data only: the config.files[].path of the graph these weights belong to. */
  data_for?: string;
  /** onnx_data only: the file name the graph refers to ("weights.pb"). */
  location?: string;
  /** Anything a person should know about the file (where its input names were checked). */
  note?: string;
}

/** nataili's config.download[]: where the bytes of one file (in one precision) come from. */
export interface CatalogDownload {
  /** Stored and imported under this name; unique within the entry. */
  file_name: string;
  /** The config.files[].path this download provides. */
  file_path: string;
  /**
   * http(s) URL, or a path relative to the app (models shipped with it, public/models/...).
   * Absent exactly when the entry is import_only: there is nothing to download it from.
   */
  file_url?: string;
  /** Absent: shared by every precision variant (a tokenizer, a config). */
  precision?: Precision;
  /** Backends this variant suits; absent means every backend. */
  backends?: Backend[];
  /** Bytes; null when the size is not published (the hash still verifies the file). */
  size: number | null;
  /** Lower-case hex; null only for an unverified file (accepted by the user, pinned on first download). */
  sha256: string | null;
  /** True when size or sha256 could not be known when the catalog was written. */
  unverified?: boolean;
  /** Why it is unverified, or anything else a person should know about the file. */
  note?: string;
}

export interface CatalogEntry {
  name: string;
  type: ModelType;
  description: string;
  version: string;
  style: string;
  nsfw: boolean;
  baseline: string;
  inpainting: boolean;
  trigger: string[];
  homepage: string;
  features_not_supported: string[];
  config: { files: CatalogFile[]; download: CatalogDownload[] };
  /** Weights licence, shown before download (the built-in models carry theirs). */
  license?: CatalogLicense;
  /**
   * Set when no one publishes the files (OpenCLIP CoCa has no public ONNX export): the user brings
   * their own export and imports it; the entry is never downloaded, and its downloads name no URL.
   */
  import_only?: CatalogImportOnly;
  /**
   * Upscalers (type esrgan) only: the context, in input pixels, each tile is run with unless the
   * user picks another. Networks that see further than the app's default need more to leave no seams.
   */
  tile_pad?: number;
}

export interface CatalogImportOnly {
  /** How to get the files: what to export, with what, and under which names to import them. */
  instructions: string;
}

/** Largest tile_pad a catalog may ask for (the post-process job accepts the same range). */
export const MAX_TILE_PAD = 256;
/**
 * Context around a tile for an upscaler whose entry gives no tile_pad. realesrgan-ncnn-vulkan pads
 * 10, but the networks see further: with 16 the built-in animevideov3 model's tiled result matches
 * its whole-image result to within 1/255 (20 makes it exact). The larger x4plus-anime-6B needs 32
 * for that, which its entries say.
 */
export const DEFAULT_TILE_PAD = 16;

export interface CatalogLicense {
  spdx: string;
  notice: string;
  /** A licence file shipped next to the weights, relative to the app. */
  file?: string;
  text?: string;
}

/** Which precision variants of an entry are complete (every file has a download for them). */
export function variantsOf(entry: CatalogEntry): Precision[] {
  return PRECISIONS.filter((precision) => entry.config.files.every((file) => downloadFor(entry, file.path, precision)));
}

/** The download that provides `path` in `precision`: a precision-specific one first, else a shared one. */
export function downloadFor(entry: CatalogEntry, path: string, precision: Precision): CatalogDownload | undefined {
  const forPath = entry.config.download.filter((download) => download.file_path === path);
  return forPath.find((download) => download.precision === precision) ?? forPath.find((download) => download.precision === undefined);
}

/** Every download one variant needs, in config.files order. */
export function downloadsFor(entry: CatalogEntry, precision: Precision): CatalogDownload[] {
  const result: CatalogDownload[] = [];
  for (const file of entry.config.files) {
    const download = downloadFor(entry, file.path, precision);
    if (download) result.push(download);
  }
  return result;
}

/** Backends a variant suits: those every one of its downloads allows. */
export function backendsFor(entry: CatalogEntry, precision: Precision): Backend[] {
  const downloads = downloadsFor(entry, precision);
  return BACKENDS.filter((backend) => downloads.every((download) => !download.backends || download.backends.includes(backend)));
}

/** Total bytes of a variant; null when any file's size is unknown. */
export function variantSize(entry: CatalogEntry, precision: Precision): number | null {
  let total = 0;
  for (const download of downloadsFor(entry, precision)) {
    if (download.size === null) return null;
    total += download.size;
  }
  return total;
}
