// The models worker: the Models page's catalog, downloads, imports and storage report, over the
// managers. Thin: each method hands its job's signal and progress to ModelStore.
import { createIdbCache } from '../managers/cache.ts';
import type { ModelsApi } from './api.ts';
import { exposeJobs } from './expose.ts';
import { ModelStore } from './models/store.ts';

// The worker's name picks its databases: the app spawns "models" (the app's own), a test spawns
// "models:<prefix>" to work on databases of its own without touching the app's models.
const name = typeof self.name === 'string' ? self.name : '';
const store = new ModelStore(createIdbCache(name.startsWith('models:') ? name.slice('models:'.length) : 'nataili'));

exposeJobs<ModelsApi>({
  list: () => store.list(),
  download: ({ signal, progress }, name, precision, acceptUnverified) => store.download(name, precision, acceptUnverified ?? false, { signal, onProgress: progress }),
  remove: (_context, name, precision) => store.remove(name, precision),
  importFiles: ({ signal, progress }, files, acceptUnverified) => store.importFiles(files, acceptUnverified ?? false, { signal, onProgress: progress }),
  addCatalogFromUrl: ({ signal }, url) => store.addCatalogFromUrl(url, { signal }),
  addCatalogFile: (_context, file) => store.addCatalogFile(file, file.name),
  removeCatalog: (_context, source) => store.removeCatalog(source),
  storage: () => store.storage(),
  audit: () => store.audit(),
  sweep: () => store.sweep(),
});
