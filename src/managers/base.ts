// The base model manager: one per model type, over that type's catalog and the shared cache.
// Port of nataili model_manager/base.py (BaseModelManager): list, get, filter, available, loaded,
// load, unload, unload_all, is_model_loaded, taint_model, validate_model, download_model,
// download_all, remove — in TypeScript shape, async where the browser makes it so.

import { BackendUnavailableError } from '../shared/errors.ts';
import { openSession, type BackendOverride, type ModelSession } from '../runtime/index.ts';
import { backendsFor, variantsOf, type CatalogEntry, type ModelType, type Precision } from './catalog/schema.ts';
import { validateCatalog, type CatalogLoad } from './catalog/validate.ts';
import { createIdbCache, manifestKey, taintKey, type Manifest, type ModelCache } from './cache.ts';
import { CatalogError, IntegrityError, NotFoundError, TaintedModelError } from './errors.ts';
import { importFiles, type ImportOptions, type ImportReport, type ImportSource } from './import.ts';
import { installVariant, manifestsOf, removeModel, verifyManifest, type DownloadOptions, type InstallContext } from './install.ts';
import { defaultChooser, openVariant, releaseSessions, type BackendChooser, type LoadedModel, type SessionFactory } from './loader.ts';
import { withModelLock } from './locks.ts';
import { requestPersistence } from './storage.ts';
import type { ProgressCallback } from '../shared/progress.ts';

export interface ManagerOptions<S> extends Omit<InstallContext, 'cache'> {
  cache?: ModelCache;
  /** Opens an ONNX session from bytes; defaults to runtime's createSession. */
  sessionFactory?: SessionFactory<S>;
  chooseBackend?: BackendChooser;
}

export interface ModelFilter {
  type?: ModelType;
  baseline?: string;
  nsfw?: boolean;
  inpainting?: boolean;
  /** Models that support every one of these features (none of them in features_not_supported). */
  features?: string[];
  style?: string;
}

export interface LoadOptions {
  precision?: Precision;
  backend?: BackendOverride;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface DownloadResult {
  name: string;
  ok: boolean;
  error?: Error;
}

export class BaseModelManager<S = ModelSession> {
  protected readonly entries = new Map<string, CatalogEntry>();
  protected readonly models = new Map<string, LoadedModel<S>>();
  /** Catalog entries rejected so far, each naming the entry and field. */
  readonly catalogErrors: CatalogError[] = [];
  readonly cache: ModelCache;
  protected readonly context: InstallContext;
  private readonly sessionFactory: SessionFactory<S>;
  private readonly chooser: BackendChooser;
  private persistence: Promise<boolean> | undefined;

  constructor(
    readonly type: ModelType,
    catalog: unknown,
    options: ManagerOptions<S> = {},
  ) {
    this.cache = options.cache ?? createIdbCache();
    this.context = { ...options, cache: this.cache };
    // Without a factory S is ModelSession (the default type argument), which openSession returns.
    this.sessionFactory = options.sessionFactory ?? ((files, choice, modelId) => openSession(files, choice, modelId) as Promise<unknown> as Promise<S>);
    this.chooser = options.chooseBackend ?? defaultChooser;
    if (catalog !== undefined) this.addCatalog(catalog, `${type} catalog`);
  }

  /** Validates and adds entries (later ones replace earlier ones of the same name); returns what was rejected. */
  addCatalog(data: unknown, source: string): CatalogLoad {
    const result = validateCatalog(data, source);
    const added = this.addEntries(result.entries);
    const errors = [...result.errors, ...added.errors];
    this.catalogErrors.push(...errors);
    return { entries: added.entries, errors };
  }

  /** Adds entries that were validated already (the super manager validates once and routes). */
  addEntries(entries: CatalogEntry[]): CatalogLoad {
    const result: CatalogLoad = { entries: [], errors: [] };
    for (const entry of entries) {
      if (entry.type !== this.type) {
        result.errors.push(new CatalogError(JSON.stringify(entry.name), 'type', `is ${entry.type}, but this is the ${this.type} manager`));
      } else {
        this.entries.set(entry.name, entry);
        result.entries.push(entry);
      }
    }
    return result;
  }

  list(): CatalogEntry[] {
    return [...this.entries.values()];
  }

  get(name: string): CatalogEntry | undefined {
    return this.entries.get(name);
  }

  protected require(name: string): CatalogEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new NotFoundError(`No ${this.type} model named ${JSON.stringify(name)} in the catalog. Pick one from the Models page.`);
    return entry;
  }

  /** Port of nataili's get_filtered_models: every given criterion must hold. */
  filter(query: ModelFilter): CatalogEntry[] {
    return this.list().filter(
      (entry) =>
        (query.type === undefined || entry.type === query.type) &&
        (query.baseline === undefined || entry.baseline === query.baseline) &&
        (query.nsfw === undefined || entry.nsfw === query.nsfw) &&
        (query.inpainting === undefined || entry.inpainting === query.inpainting) &&
        (query.style === undefined || entry.style === query.style) &&
        (query.features ?? []).every((feature) => !entry.features_not_supported.includes(feature)),
    );
  }

  /** Precision variants the catalog offers for a model. */
  variants(name: string): Precision[] {
    return variantsOf(this.require(name));
  }

  /** Names of models with at least one complete, verified variant stored. */
  async available(): Promise<string[]> {
    const names: string[] = [];
    for (const entry of this.entries.values()) if ((await manifestsOf(this.cache, entry.name)).length > 0) names.push(entry.name);
    return names;
  }

  async isAvailable(name: string, precision?: Precision): Promise<boolean> {
    if (precision) return (await this.cache.manifests.get(manifestKey(name, precision))) !== undefined;
    return (await manifestsOf(this.cache, name)).length > 0;
  }

  /** Precisions of a model that are stored. */
  async storedVariants(name: string): Promise<Precision[]> {
    return (await manifestsOf(this.cache, name)).map((manifest) => manifest.precision);
  }

  loaded(): string[] {
    return [...this.models.keys()];
  }

  isLoaded(name: string): boolean {
    return this.models.has(name);
  }

  getLoaded(name: string): LoadedModel<S> | undefined {
    return this.models.get(name);
  }

  /** Opens a stored model on the best backend (or the one asked for); loads it once. */
  async load(name: string, options: LoadOptions = {}): Promise<LoadedModel<S>> {
    const entry = this.require(name);
    const already = this.models.get(name);
    if (already && (options.precision === undefined || already.precision === options.precision)) return already;
    const reason = await this.taintReason(name);
    if (reason) throw new TaintedModelError(name, reason);
    const stored = await this.storedVariants(name);
    if (stored.length === 0) throw new NotFoundError(`${name} is not downloaded yet. Download it (or import its files) first.`);
    if (options.precision && !stored.includes(options.precision)) {
      throw new NotFoundError(`${name} has no ${options.precision} variant stored (stored: ${stored.join(', ')}). Download that variant first.`);
    }
    let choice = await this.chooser({ override: options.backend ?? 'auto', variants: stored, precision: options.precision });
    if (!stored.includes(choice.precision)) choice = { ...choice, precision: stored[0]! };
    if (!backendsFor(entry, choice.precision).includes(choice.backend)) {
      throw new BackendUnavailableError(`${name} ${choice.precision} does not run on ${choice.backend}; it suits ${backendsFor(entry, choice.precision).join(', ') || 'no backend'}.`);
    }
    const manifest = (await this.cache.manifests.get(manifestKey(name, choice.precision)))!;
    if (already) await this.unload(name);
    try {
      const model = await openVariant(this.cache, entry, manifest, choice, this.sessionFactory, options.signal);
      this.models.set(name, model);
      options.onProgress?.({ kind: 'load', model: name, backend: choice.backend });
      return model;
    } catch (error) {
      if (error instanceof IntegrityError) await this.taint(name, error.message);
      throw error;
    }
  }

  async unload(name: string): Promise<boolean> {
    const model = this.models.get(name);
    if (!model) return false;
    this.models.delete(name);
    await releaseSessions(model);
    return true;
  }

  async unloadAll(): Promise<void> {
    for (const name of this.loaded()) await this.unload(name);
  }

  /** Port of nataili's taint_model: marks a model unusable (persisted) and unloads it. */
  async taint(name: string, reason = 'it was marked bad.'): Promise<void> {
    await this.unload(name);
    await this.cache.meta.put(taintKey(name), reason);
  }

  async taintReason(name: string): Promise<string | null> {
    return (await this.cache.meta.get(taintKey(name))) ?? null;
  }

  /** Re-hashes every stored variant; a bad one is removed and the model tainted. True when all match. */
  async validate(name: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    this.require(name);
    return withModelLock(name, options.signal, async () => {
      const manifests = await manifestsOf(this.cache, name);
      if (manifests.length === 0) return false;
      for (const manifest of manifests) {
        try {
          await verifyManifest(this.cache, manifest, options.signal);
        } catch (error) {
          if (!(error instanceof IntegrityError)) throw error;
          await removeModel(this.cache, name, manifest.precision);
          await this.taint(name, error.message);
          return false;
        }
      }
      return true;
    });
  }

  /** Precision a download gets when none is asked for: what this device would run best. */
  async defaultPrecision(name: string): Promise<Precision> {
    const variants = this.variants(name);
    const choice = await this.chooser({ override: 'auto', variants });
    return variants.includes(choice.precision) ? choice.precision : variants[0]!;
  }

  /** Downloads one variant (verified, resumable); one tab at a time per model. */
  async download(name: string, options: DownloadOptions = {}): Promise<Manifest> {
    const entry = this.require(name);
    const precision = options.precision ?? (await this.defaultPrecision(name));
    if (!variantsOf(entry).includes(precision)) throw new NotFoundError(`${name} has no ${precision} variant in the catalog.`);
    // Ask once for persistent storage, so the browser does not evict gigabytes under pressure
    // (granted silently or not at all; a worker cannot ask, the page's Models view does).
    if (this.context.storage !== null) this.persistence ??= requestPersistence(this.context.storage ?? undefined);
    return withModelLock(name, options.signal, async () => {
      try {
        return await installVariant(this.context, entry, precision, options);
      } catch (error) {
        if (error instanceof IntegrityError) await this.taint(name, error.message);
        throw error;
      }
    });
  }

  /** Port of nataili's download_all: every model, one after another; failures are reported, not thrown. */
  async downloadAll(options: Omit<DownloadOptions, 'precision'> = {}): Promise<DownloadResult[]> {
    const results: DownloadResult[] = [];
    for (const entry of this.list()) {
      options.signal?.throwIfAborted();
      try {
        await this.download(entry.name, options);
        results.push({ name: entry.name, ok: true });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        results.push({ name: entry.name, ok: false, error: error as Error });
      }
    }
    return results;
  }

  /** Deletes a model (or one variant) and every partial file of it; pinned hashes stay. */
  async remove(name: string, precision?: Precision): Promise<void> {
    await this.unload(name);
    await withModelLock(name, undefined, () => removeModel(this.cache, name, precision));
  }

  /** Stores files the user handed in (picker, drag-drop, folder) through the same hashing path. */
  async importFiles(files: Iterable<ImportSource>, options: ImportOptions = {}): Promise<ImportReport> {
    return importFiles(this.context, this.list(), files, options);
  }
}
