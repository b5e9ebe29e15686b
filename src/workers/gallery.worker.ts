// The gallery worker: results and their parameters in IndexedDB (gallery/), thumbnails, search,
// zip export and import, and the embedding-cache reset of Settings → Storage. Thin: each method
// hands its job to GalleryStore or the archive functions.
import { IdbEmbeddingCache } from '../pipelines/clip/cache.ts';
import type { GalleryApi } from './api.ts';
import { exposeJobs } from './expose.ts';
import { exportZip, importFiles } from './gallery/archive.ts';
import { galleryChannelName, type GalleryMessage } from './gallery/channel.ts';
import { GalleryDb } from './gallery/db.ts';
import { GalleryStore } from './gallery/store.ts';
import { browserThumbnail } from './gallery/thumbnail.ts';

// The worker's name picks its databases: the app spawns "gallery" (the app's own), a test spawns
// "gallery:<prefix>" to work on databases of its own without touching the app's results.
const name = typeof self.name === 'string' ? self.name : '';
const prefix = name.startsWith('gallery:') ? name.slice('gallery:'.length) : 'nataili';
const channel = new BroadcastChannel(galleryChannelName(prefix));
const changed: GalleryMessage = { type: 'changed' };
const store = new GalleryStore(new GalleryDb(`${prefix}-gallery`), { thumbnail: browserThumbnail, notify: () => channel.postMessage(changed) });

exposeJobs<GalleryApi>({
  addResult: ({ signal }, result) => store.add(result, undefined, signal),
  list: (_context, query) => store.list(query),
  get: (_context, id) => store.get(id),
  download: (_context, id) => store.download(id),
  remove: (_context, id) => store.remove(id),
  clear: () => store.clear(),
  exportZip: () => exportZip(store),
  importFiles: ({ signal }, files) => importFiles(store, files, signal),
  usage: () => store.db.usage(),
  clearEmbeddings: () => new IdbEmbeddingCache(prefix).clear(),
});
