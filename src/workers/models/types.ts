// The models worker's contract (re-exported by workers/api.ts): plain data only, because every
// value here crosses a worker boundary by structured clone. Types only.

import type { Backend, Precision } from '../../runtime/backend-choice.ts';
import type { CatalogEntry, CatalogLicense, ModelType } from '../../managers/catalog/schema.ts';

export type { ModelType };

/** One precision variant of a model, as the Models page shows it. */
export interface ModelVariantInfo {
  precision: Precision;
  /** Bytes of every file of the variant; null when a size is not published. */
  size: number | null;
  /** Every file has a published sha256. */
  verified: boolean;
  /** A file has no published sha256 and none pinned yet: the user must accept it before downloading. */
  needsAccept: boolean;
  /** Complete and verified in storage (its manifest exists). */
  stored: boolean;
  /** Bytes of an interrupted download kept for resuming (0: none). */
  partialBytes: number;
  backends: Backend[];
}

/**
 * A model as the Models page shows it: its catalog entry's fields, then what this device and its
 * storage add. The catalog text (description above all) may come from a catalog the user loaded:
 * render it as text, never as HTML.
 */
export interface ModelInfo extends Pick<CatalogEntry, 'name' | 'type' | 'description' | 'version' | 'style' | 'nsfw' | 'baseline' | 'inpainting' | 'homepage'> {
  /** The weights licence, without its full text. */
  license: Omit<CatalogLicense, 'text'> | null;
  /** Every file comes with the app (its URL is relative to the app), so it installs offline. */
  builtIn: boolean;
  variants: ModelVariantInfo[];
  /** The precision a download gets unless the user picks another: what this device runs best. */
  recommended: Precision;
  /** Why the model was marked unusable (a hash mismatch, a failed load); null when it is fine. */
  tainted: string | null;
  /** Notes of the catalog's files (why a file is unverified, where its hash came from). */
  notes: string[];
  /** Set when no one publishes the files: the user imports their own export; there is no download. */
  importOnly: ModelImportOnlyInfo | null;
}

/** What an import-only model needs: how to make the files, and the names the app looks for. */
export interface ModelImportOnlyInfo {
  /** Catalog text: render as text, never as HTML. */
  instructions: string;
  /** One per file to import: its name, and for ONNX graphs the input and output names the pipeline uses. */
  files: { fileName: string; inputs: string[]; outputs: string[] }[];
}

export interface ModelGroup {
  type: ModelType;
  models: ModelInfo[];
}

/** A catalog the user added (from a URL or a file), kept across reloads. */
export interface UserCatalogInfo {
  source: string;
  models: string[];
  addedAt: number;
}

export interface ModelListing {
  /** One group per model type that has models, in the app's type order. */
  groups: ModelGroup[];
  catalogs: UserCatalogInfo[];
}

/** What loading a catalog did: models added (or replaced) and entries rejected, each naming the field. */
export interface CatalogResult {
  source: string;
  added: string[];
  errors: string[];
}

/** A model file the page hands in; `path` is its place in a dropped or picked folder. */
export interface ModelFileSource {
  file: File;
  name: string;
  path: string;
}

export interface ModelImportResult {
  stored: { model: string; fileName: string }[];
  /** Variants that became available because every file of them is now stored. */
  completed: { model: string; precision: Precision }[];
  rejected: { name: string; reason: string }[];
  catalogs: CatalogResult[];
}

export interface StorageInfo {
  usage: number;
  quota: number;
  available: number;
  persisted: boolean;
}

export interface StorageAudit {
  orphanChunks: number;
  brokenModels: string[];
  chunkCount: number;
}

/**
 * The models worker: catalog, downloads, imports and storage. Downloads report `download`
 * progress events (per file and overall, rate, ETA) and stop when the call's signal aborts;
 * an interrupted download resumes from its last stored chunk on the next call.
 */
export interface ModelsApi {
  list(): Promise<ModelListing>;
  download(name: string, precision?: Precision, acceptUnverified?: boolean): Promise<{ name: string; precision: Precision }>;
  /** Deletes a model (or one variant) and any partial download of it. */
  remove(name: string, precision?: Precision): Promise<void>;
  /** Model files and catalog files (.json) the user handed in, through the same hashing and storage path. */
  importFiles(files: ModelFileSource[], acceptUnverified?: boolean): Promise<ModelImportResult>;
  addCatalogFromUrl(url: string): Promise<CatalogResult>;
  addCatalogFile(file: File): Promise<CatalogResult>;
  /** Forgets a catalog the user added; its models leave the list, and those no other catalog has lose their stored files (returned). */
  removeCatalog(source: string): Promise<string[]>;
  /** Usage and quota as the browser reports them; null where the browser gives no estimate. */
  storage(): Promise<StorageInfo | null>;
  audit(): Promise<StorageAudit>;
  /** Deletes chunks that no file or model accounts for; returns how many. */
  sweep(): Promise<number>;
}
