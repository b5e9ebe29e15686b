// The super manager: every model type's manager over one shared cache, so the app asks one object
// for any model by name. Port of nataili model_manager/super.py (ModelManager): init of every
// sub-manager, load/unload by name, download_all, and the combined lists.

import type { ModelSession } from '../runtime/index.ts';
import { BaseModelManager, type DownloadResult, type LoadOptions, type ManagerOptions, type ModelFilter } from './base.ts';
import { BlipModelManager } from './blip.ts';
import { audit, createIdbCache, sweep, type AuditReport, type Manifest, type ModelCache } from './cache.ts';
import { fetchCatalog, readCatalogFile } from './catalog/index.ts';
import type { CatalogEntry, ModelType, Precision } from './catalog/schema.ts';
import { looksLikeCatalog, validateCatalog, type CatalogLoad } from './catalog/validate.ts';
import { ClipModelManager } from './clip.ts';
import { CodeformerModelManager } from './codeformer.ts';
import { DepthModelManager } from './depth.ts';
import { EsrganModelManager } from './esrgan.ts';
import { CatalogError, NotFoundError } from './errors.ts';
import { FaceDetectorModelManager } from './face-detector.ts';
import { GfpganModelManager } from './gfpgan.ts';
import { importFiles, normalize, type ImportOptions, type ImportReport, type ImportSource } from './import.ts';
import type { DownloadOptions, InstallContext } from './install.ts';
import type { LoadedModel } from './loader.ts';
import { SafetyCheckerModelManager } from './safety-checker.ts';
import { StableDiffusionModelManager } from './stable-diffusion.ts';
import { requestPersistence, storageReport, type StorageReport } from './storage.ts';

export type Managers<S> = Record<ModelType, BaseModelManager<S>>;

export class SuperModelManager<S = ModelSession> {
  readonly managers: Managers<S>;
  readonly cache: ModelCache;
  private readonly context: InstallContext;

  constructor(options: ManagerOptions<S> = {}) {
    this.cache = options.cache ?? createIdbCache();
    const shared: ManagerOptions<S> = { ...options, cache: this.cache };
    this.context = { ...options, cache: this.cache };
    this.managers = {
      clip: new ClipModelManager<S>(shared),
      blip: new BlipModelManager<S>(shared),
      esrgan: new EsrganModelManager<S>(shared),
      gfpgan: new GfpganModelManager<S>(shared),
      codeformer: new CodeformerModelManager<S>(shared),
      face_detector: new FaceDetectorModelManager<S>(shared),
      safety_checker: new SafetyCheckerModelManager<S>(shared),
      stable_diffusion: new StableDiffusionModelManager<S>(shared),
      depth: new DepthModelManager<S>(shared),
    };
  }

  private all(): BaseModelManager<S>[] {
    return Object.values(this.managers);
  }

  /** The manager that owns a model name; throws NotFoundError naming the model. */
  managerOf(name: string): BaseModelManager<S> {
    const manager = this.all().find((candidate) => candidate.get(name));
    if (!manager) throw new NotFoundError(`No model named ${JSON.stringify(name)} in any catalog. Check the name, or load a catalog that has it.`);
    return manager;
  }

  list(): CatalogEntry[] {
    return this.all().flatMap((manager) => manager.list());
  }

  get(name: string): CatalogEntry | undefined {
    for (const manager of this.all()) {
      const entry = manager.get(name);
      if (entry) return entry;
    }
    return undefined;
  }

  filter(query: ModelFilter): CatalogEntry[] {
    const managers = query.type ? [this.managers[query.type]] : this.all();
    return managers.flatMap((manager) => manager.filter(query));
  }

  async available(): Promise<string[]> {
    return (await Promise.all(this.all().map((manager) => manager.available()))).flat();
  }

  loaded(): string[] {
    return this.all().flatMap((manager) => manager.loaded());
  }

  isLoaded(name: string): boolean {
    return this.all().some((manager) => manager.isLoaded(name));
  }

  load(name: string, options?: LoadOptions): Promise<LoadedModel<S>> {
    return this.managerOf(name).load(name, options);
  }

  unload(name: string): Promise<boolean> {
    return this.managerOf(name).unload(name);
  }

  async unloadAll(): Promise<void> {
    for (const manager of this.all()) await manager.unloadAll();
  }

  taint(name: string, reason?: string): Promise<void> {
    return this.managerOf(name).taint(name, reason);
  }

  validate(name: string, options?: { signal?: AbortSignal }): Promise<boolean> {
    return this.managerOf(name).validate(name, options);
  }

  download(name: string, options?: DownloadOptions): Promise<Manifest> {
    return this.managerOf(name).download(name, options);
  }

  /** Every model of every type (or of the given types), one after another. */
  async downloadAll(options: Omit<DownloadOptions, 'precision'> & { types?: ModelType[] } = {}): Promise<DownloadResult[]> {
    const results: DownloadResult[] = [];
    for (const type of options.types ?? (Object.keys(this.managers) as ModelType[])) results.push(...(await this.managers[type].downloadAll(options)));
    return results;
  }

  remove(name: string, precision?: Precision): Promise<void> {
    return this.managerOf(name).remove(name, precision);
  }

  /** Validates a catalog once and hands each entry to its type's manager. */
  addCatalog(data: unknown, source: string): CatalogLoad {
    const result = validateCatalog(data, source);
    const accepted: CatalogEntry[] = [];
    for (const entry of result.entries) {
      const added = this.managers[entry.type].addEntries([entry]);
      accepted.push(...added.entries);
      result.errors.push(...added.errors);
    }
    return { entries: accepted, errors: result.errors };
  }

  async addCatalogFromUrl(url: string, options: { signal?: AbortSignal } = {}): Promise<CatalogLoad> {
    return this.addCatalog(await fetchCatalog(url, { fetch: this.context.fetch, signal: options.signal }), url);
  }

  async addCatalogFile(file: Blob, name = 'catalog file'): Promise<CatalogLoad> {
    return this.addCatalog(await readCatalogFile(file, name), name);
  }

  /**
   * Imports what the user dropped: catalog files first (a .json with a catalog's shape, see
   * sortImport), then every other file, the models' own .json files included, through the same
   * path as downloads, matched against the catalogs as they are after this drop's were added.
   */
  async importFiles(files: Iterable<ImportSource>, options: ImportOptions = {}): Promise<ImportReport & { catalogs: CatalogLoad[] }> {
    const sorted = await sortImport(files, options.signal);
    const catalogs = sorted.catalogs.map((catalog) => this.addCatalog(catalog.data, catalog.name));
    const report = await this.importModelFiles(sorted.models, options);
    return { ...report, catalogs };
  }

  /** Imports model files only (no catalog detection) against every catalog added so far. */
  importModelFiles(files: Iterable<ImportSource>, options: ImportOptions = {}): Promise<ImportReport> {
    return importFiles(this.context, this.list(), files, options);
  }

  /** Asks the browser to keep the models (not evict them under storage pressure). */
  requestPersistence(): Promise<boolean> {
    return requestPersistence(this.context.storage ?? undefined);
  }

  storage(): Promise<StorageReport | null> {
    return storageReport(this.context.storage ?? undefined);
  }

  /** Checks that every stored chunk belongs to a model or a download in progress. */
  audit(): Promise<AuditReport> {
    return audit(this.cache);
  }

  /** Deletes leaked chunks; call when no download runs (at start-up). */
  sweep(): Promise<number> {
    return sweep(this.cache);
  }
}

export interface SortedImport<T extends ImportSource> {
  /** The dropped files that are catalogs, parsed (still to be validated, entry by entry). */
  catalogs: { source: T; name: string; path: string; data: unknown }[];
  /** Everything else, in the order given: model files, the models' own .json files among them. */
  models: T[];
}

/**
 * Splits a drop into catalogs and model files by what each file holds, not by its name: a .json
 * is a catalog only when it parses and has a catalog's shape (looksLikeCatalog). A model's
 * tokenizer.json or config.json, or any .json too large or not JSON at all, stays a model file,
 * so a catalog and the model it lists can be dropped together in any order.
 */
export async function sortImport<T extends ImportSource>(files: Iterable<T>, signal?: AbortSignal): Promise<SortedImport<T>> {
  const sorted: SortedImport<T> = { catalogs: [], models: [] };
  for (const item of files) {
    signal?.throwIfAborted();
    const { blob, name, path } = normalize(item);
    if (name.toLowerCase().endsWith('.json')) {
      try {
        const data = await readCatalogFile(blob, path);
        if (looksLikeCatalog(data)) {
          sorted.catalogs.push({ source: item, name, path, data });
          continue;
        }
      } catch (error) {
        // Too large for a catalog, or not JSON: a model file; the import says if it fits no model.
        if (!(error instanceof CatalogError)) throw error;
      }
    }
    sorted.models.push(item);
  }
  return sorted;
}
