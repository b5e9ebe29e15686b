import { isCancelled } from '../../shared/errors.ts';
import type {
  CatalogResult,
  ModelFileSource,
  ModelImportResult,
  ModelInfo,
  ModelListing,
  Precision,
  ProgressEvent,
  StorageAudit,
  StorageInfo,
} from '../../workers/api.ts';
import { WorkerHost, workers } from '../../workers/client.ts';
import { Failure } from './failure.svelte.ts';

export type DownloadProgress = Extract<ProgressEvent, { kind: 'download' }>;

export interface RunningDownload {
  precision: Precision;
  /** Null until the first bytes arrive (the worker starts, the model's lock is taken). */
  progress: DownloadProgress | null;
}

export interface RunningImport {
  count: number;
  progress: DownloadProgress | null;
}

/** The Models page's state: the catalog, downloads in flight, imports, storage and what went wrong. */
export class ModelsState {
  listing: ModelListing | null = $state(null);
  storage: StorageInfo | null = $state(null);
  /** Whether the browser keeps the app's storage under pressure; null until known. */
  persisted: boolean | null = $state(null);
  downloads: Record<string, RunningDownload> = $state({});
  importing: RunningImport | null = $state(null);
  lastImport: ModelImportResult | null = $state(null);
  lastCatalog: CatalogResult | null = $state(null);
  loadingCatalog = $state(false);
  audit: StorageAudit | null = $state(null);
  /** The last failure, its message saying what to do, with a way on where the job can run again. */
  readonly failure = new Failure();
  /** The last success or notice; shown in a status region. */
  message: string | null = $state(null);

  // Not state: the page never renders these, it only aborts them.
  private readonly controllers = new Map<string, AbortController>();
  private importController: AbortController | null = null;
  private askedPersistence = false;

  get error(): string | null {
    return this.failure.message;
  }
  set error(message: string | null) {
    this.failure.say(message);
  }

  async load(): Promise<void> {
    await Promise.all([this.refresh(), this.refreshStorage()]);
  }

  async refresh(): Promise<void> {
    try {
      this.listing = await workers.call('models', 'list', []);
    } catch (error) {
      this.fail(error, () => this.refresh());
    }
  }

  async refreshStorage(): Promise<void> {
    try {
      this.storage = await workers.call('models', 'storage', []);
      this.persisted = this.storage?.persisted ?? (await navigator.storage?.persisted?.()) ?? false;
    } catch (error) {
      this.fail(error, () => this.refreshStorage());
    }
  }

  /** navigator.storage.persist() is a page API (workers cannot ask), so the page asks here. */
  async requestPersistence(quiet = false): Promise<void> {
    if (!navigator.storage?.persist) {
      if (!quiet) this.message = 'This browser cannot make storage persistent; it may evict models when the disk runs low.';
      return;
    }
    try {
      this.persisted = await navigator.storage.persist();
      if (quiet) return;
      this.message = this.persisted
        ? 'Persistent storage granted: the browser will not evict your models to free space.'
        : 'The browser did not grant persistent storage. Chromium grants it to installed apps and to sites used often: installing the app usually helps.';
    } catch (error) {
      if (!quiet) this.fail(error);
    }
  }

  async download(model: ModelInfo, precision: Precision, acceptUnverified: boolean): Promise<void> {
    if (this.downloads[model.name]) return;
    const controller = new AbortController();
    this.controllers.set(model.name, controller);
    this.downloads[model.name] = { precision, progress: null };
    this.error = null;
    // Asked once, on the first download: the moment keeping gigabytes starts to matter.
    if (!this.askedPersistence && this.persisted === false) {
      this.askedPersistence = true;
      void this.requestPersistence(true);
    }
    // A worker of its own per download: a worker runs one job at a time, and the page's models
    // worker must keep answering (list, remove, import) while gigabytes stream in. It is released
    // when idle, after the job has seen the cancel and let go of the model's lock.
    const host = new WorkerHost({ idleMs: 5_000 });
    try {
      await host.call('models', 'download', [model.name, precision, acceptUnverified], {
        signal: controller.signal,
        onProgress: (event) => {
          const running = this.downloads[model.name];
          if (event.kind === 'download' && running) running.progress = event;
        },
      });
      this.message = `${model.name} (${precision}) is downloaded, verified and stored.`;
    } catch (error) {
      if (isCancelled(error)) this.message = `Download of ${model.name} cancelled. What was stored is kept: Download resumes from there.`;
      // Again resumes from the last stored chunk.
      else this.fail(error, () => this.download(model, precision, acceptUnverified));
    } finally {
      this.controllers.delete(model.name);
      delete this.downloads[model.name];
      await this.load();
    }
  }

  cancel(name: string): void {
    this.controllers.get(name)?.abort();
  }

  async remove(name: string, precision?: Precision): Promise<void> {
    this.error = null;
    try {
      await workers.call('models', 'remove', [name, precision]);
      this.message = `${name}${precision ? ` (${precision})` : ''} removed.`;
    } catch (error) {
      this.fail(error);
    }
    await this.load();
  }

  async importFiles(sources: ModelFileSource[], acceptUnverified: boolean): Promise<void> {
    if (sources.length === 0 || this.importing) return;
    const controller = new AbortController();
    this.importController = controller;
    this.importing = { count: sources.length, progress: null };
    this.error = null;
    try {
      const result = await workers.call('models', 'importFiles', [sources, acceptUnverified], {
        signal: controller.signal,
        // Files are cloned to the worker (a File is a handle, not its bytes); nothing to move.
        transfer: 'none',
        onProgress: (event) => {
          if (event.kind === 'download' && this.importing) this.importing.progress = event;
        },
      });
      this.lastImport = result;
      this.message = importSummary(result);
    } catch (error) {
      if (isCancelled(error)) this.message = 'Import cancelled. Nothing partial was kept.';
      else this.fail(error, () => this.importFiles(sources, acceptUnverified));
    } finally {
      this.importing = null;
      this.importController = null;
      await this.load();
    }
  }

  cancelImport(): void {
    this.importController?.abort();
  }

  async addCatalog(from: { url: string } | { file: File }): Promise<void> {
    this.loadingCatalog = true;
    this.error = null;
    try {
      const result = 'url' in from ? await workers.call('models', 'addCatalogFromUrl', [from.url.trim()]) : await workers.call('models', 'addCatalogFile', [from.file]);
      this.lastCatalog = result;
      this.message = catalogSummary(result);
    } catch (error) {
      this.fail(error);
    } finally {
      this.loadingCatalog = false;
    }
    await this.refresh();
  }

  async removeCatalog(source: string): Promise<void> {
    try {
      const removed = await workers.call('models', 'removeCatalog', [source]);
      this.message = `Catalog ${source} forgotten${removed.length > 0 ? `; removed its stored models: ${removed.join(', ')}` : ''}.`;
    } catch (error) {
      this.fail(error);
    }
    await this.load();
  }

  async checkStorage(): Promise<void> {
    try {
      this.audit = await workers.call('models', 'audit', []);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Deletes leaked chunks. Only when nothing downloads in this tab (the sweep must not race a writer). */
  async cleanUp(): Promise<void> {
    if (Object.keys(this.downloads).length > 0 || this.importing) {
      this.message = 'Clean-up waits until downloads and imports finish.';
      return;
    }
    try {
      const removed = await workers.call('models', 'sweep', []);
      this.message = removed === 0 ? 'Nothing to clean up.' : `Removed ${removed} leftover pieces of interrupted downloads.`;
    } catch (error) {
      this.fail(error);
    }
    await Promise.all([this.checkStorage(), this.refreshStorage()]);
  }

  dismissError(): void {
    this.failure.clear();
  }

  private fail(error: unknown, retry?: () => Promise<void>): void {
    this.failure.show(error, { page: 'models' }, retry);
  }
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

function importSummary(result: ModelImportResult): string {
  const parts: string[] = [];
  if (result.catalogs.length > 0) parts.push(`${plural(result.catalogs.length, 'catalog')} read`);
  parts.push(`${plural(result.stored.length, 'file')} stored`);
  if (result.completed.length > 0) parts.push(`ready: ${result.completed.map((c) => `${c.model} (${c.precision})`).join(', ')}`);
  if (result.rejected.length > 0) parts.push(`${plural(result.rejected.length, 'file')} not imported (see below)`);
  return `Import finished: ${parts.join('; ')}.`;
}

function catalogSummary(result: CatalogResult): string {
  const added = result.added.length > 0 ? `${plural(result.added.length, 'model')} added` : 'no model added';
  const rejected = result.errors.length > 0 ? `; ${plural(result.errors.length, 'entry', 'entries')} rejected (see below)` : '';
  return `Catalog ${result.source}: ${added}${rejected}.`;
}
