// What the models worker does, over one SuperModelManager: the bundled catalogs plus the user's
// (kept in IndexedDB, see user-catalogs.ts). Several workers may run this at once (the page's
// models worker, one worker per download, other tabs), so nothing lives only in memory: storage
// is read on every call, and the manager is rebuilt when the set of user catalogs changed.

import { audit, modelPrefix, sweep, type ModelCache } from '../../managers/cache.ts';
import { fetchCatalog, readCatalogFile } from '../../managers/catalog/index.ts';
import { MODEL_TYPES, type Precision } from '../../managers/catalog/schema.ts';
import type { CatalogLoad } from '../../managers/catalog/validate.ts';
import { manifestsOf, removeModel } from '../../managers/install.ts';
import { withModelLock } from '../../managers/locks.ts';
import { SuperModelManager, sortImport } from '../../managers/super.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import type { ProgressCallback } from '../../shared/progress.ts';
import { describeModel } from './describe.ts';
import type { CatalogResult, ModelFileSource, ModelImportResult, ModelListing, StorageAudit, StorageInfo } from './types.ts';
import { forgetUserCatalog, readUserCatalogs, saveUserCatalog, userCatalogKeys } from './user-catalogs.ts';

export interface JobOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

function result(source: string, load: CatalogLoad): CatalogResult {
  return { source, added: load.entries.map((entry) => entry.name), errors: load.errors.map((error) => error.message) };
}

/** "ViT-B%2F32@fp16" (a manifest key) as a person reads it: "ViT-B/32 (fp16)". */
function manifestLabel(key: string): string {
  const at = key.lastIndexOf('@');
  return `${decodeURIComponent(key.slice(0, at))} (${key.slice(at + 1)})`;
}

export class ModelStore {
  private manager: SuperModelManager | undefined;
  private signature = '';
  private catalogs: { source: string; addedAt: number; models: string[] }[] = [];

  constructor(readonly cache: ModelCache) {}

  /** The manager over the bundled catalogs and every user catalog stored now. */
  async current(): Promise<SuperModelManager> {
    const keys = await userCatalogKeys(this.cache);
    const signature = keys.join('\n');
    if (this.manager && signature === this.signature) return this.manager;
    const manager = new SuperModelManager({ cache: this.cache });
    const stored = await readUserCatalogs(this.cache, keys);
    this.catalogs = stored.map((catalog) => ({ source: catalog.source, addedAt: catalog.addedAt, models: manager.addCatalog(catalog.entries, catalog.source).entries.map((e) => e.name) }));
    this.manager = manager;
    this.signature = signature;
    return manager;
  }

  async list(): Promise<ModelListing> {
    const manager = await this.current();
    const groups = [];
    for (const type of MODEL_TYPES) {
      const sub = manager.managers[type];
      const models = await Promise.all(sub.list().map((entry) => describeModel(sub, entry)));
      if (models.length > 0) groups.push({ type, models });
    }
    return { groups, catalogs: this.catalogs.map((catalog) => ({ ...catalog, models: [...catalog.models] })) };
  }

  async download(name: string, precision: Precision | undefined, acceptUnverified: boolean, options: JobOptions): Promise<{ name: string; precision: Precision }> {
    const manifest = await (await this.current()).download(name, { precision, acceptUnverified, ...options });
    return { name, precision: manifest.precision };
  }

  async remove(name: string, precision?: Precision): Promise<void> {
    await (await this.current()).remove(name, precision);
  }

  /** Validates a catalog and keeps what passed; a catalog with no valid entry is not kept. */
  private async addCatalog(data: unknown, source: string): Promise<CatalogResult> {
    const load = (await this.current()).addCatalog(data, source);
    if (load.entries.length > 0) await saveUserCatalog(this.cache, source, load.entries);
    return result(source, load);
  }

  async addCatalogFromUrl(url: string, options: JobOptions): Promise<CatalogResult> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidInputError(`${JSON.stringify(url.slice(0, 200))} is not a URL. Give the full address of a catalog file, starting with https://.`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new InvalidInputError(`A catalog URL must start with https:// (or http://), not ${parsed.protocol}.`);
    return this.addCatalog(await fetchCatalog(parsed.href, { signal: options.signal }), parsed.href);
  }

  async addCatalogFile(file: Blob, name: string): Promise<CatalogResult> {
    return this.addCatalog(await readCatalogFile(file, name), name);
  }

  /**
   * Forgets a user catalog. Models that leave the list with it (no other catalog has them) lose
   * their stored files too: nothing could list, load or remove them any more.
   */
  async removeCatalog(source: string): Promise<string[]> {
    const before = (await this.current()).list().map((entry) => entry.name);
    if (!(await forgetUserCatalog(this.cache, source))) throw new InvalidInputError(`No catalog ${JSON.stringify(source)} was added; nothing to forget.`);
    const after = await this.current();
    const fileKeys = await this.cache.files.keys();
    const removed: string[] = [];
    for (const name of before) {
      if (after.get(name)) continue;
      const stored = (await manifestsOf(this.cache, name)).length > 0 || fileKeys.some((key) => key.startsWith(modelPrefix(name)));
      if (!stored) continue;
      await withModelLock(name, undefined, () => removeModel(this.cache, name));
      removed.push(name);
    }
    return removed;
  }

  /**
   * Catalog files first (a .json with a catalog's shape, see sortImport), so a catalog and the
   * model files it describes can be dropped together; then every other file (the models' own
   * .json files among them), hashed and stored against the catalogs as they are now.
   */
  async importFiles(files: ModelFileSource[], acceptUnverified: boolean, options: JobOptions): Promise<ModelImportResult> {
    const sorted = await sortImport(files, options.signal);
    const catalogs: CatalogResult[] = [];
    for (const catalog of sorted.catalogs) catalogs.push(await this.addCatalog(catalog.data, catalog.source.path || catalog.source.name));
    const manager = await this.current();
    const report = sorted.models.length > 0 ? await manager.importModelFiles(sorted.models, { acceptUnverified, ...options }) : { stored: [], completed: [], rejected: [] };
    return { stored: report.stored, completed: report.completed, rejected: report.rejected, catalogs };
  }

  async storage(): Promise<StorageInfo | null> {
    return (await this.current()).storage();
  }

  async audit(): Promise<StorageAudit> {
    const report = await audit(this.cache);
    return { orphanChunks: report.orphanChunks.length, brokenModels: report.brokenManifests.map(manifestLabel), chunkCount: report.chunkCount };
  }

  sweep(): Promise<number> {
    return sweep(this.cache);
  }
}
