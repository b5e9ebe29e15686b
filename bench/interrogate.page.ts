// Browser side of the interrogation benchmark (built by bench/lib/browser.ts, driven by
// bench/interrogate.ts): the app's interrogate worker over a CLIP model and a predictor imported
// into this page's own databases, as a user's catalog. Each call times itself in the page and
// says what the worker embedded, so Node can check the cache did what it claims.

import { createIdbCache } from '../src/managers/cache.ts';
import { SuperModelManager } from '../src/managers/super.ts';
import type { BackendOverride, InterrogateApi } from '../src/workers/api.ts';
import { WorkerHost } from '../src/workers/client.ts';
import { saveUserCatalog } from '../src/workers/models/user-catalogs.ts';

export interface PrepareArgs {
  backend: BackendOverride;
  labels: Record<string, string[]>;
  /** Served file paths of the catalog and the model files. */
  catalogUrl: string;
  fileUrls: string[];
  clip: string;
  predictor: string;
}

export interface Timed {
  ms: number;
  embeddedLabels: number;
  embeddedImage: boolean;
  backend: string;
}

export interface InterrogatePage {
  prepare(args: PrepareArgs): Promise<{ backend: string }>;
  /** Every embedding forgotten first: all labels and the image are embedded. */
  cold(seed: number): Promise<Timed>;
  /** A new image over the same labels: only the image is embedded. */
  warm(seed: number): Promise<Timed>;
  /** The same image again: nothing is embedded. */
  cached(seed: number): Promise<Timed>;
  /** One image embedding alone, through the same worker path (decode, embed, a tiny MLP). */
  single(seed: number): Promise<number>;
}

const databases = `bench-interrogate-${Date.now().toString(36)}`;
const host = new WorkerHost<{ interrogate: InterrogateApi }>({
  spawners: { interrogate: () => new Worker(new URL('../src/workers/interrogate.worker.ts', import.meta.url), { type: 'module', name: `interrogate:${databases}` }) },
  idleMs: 10 * 60_000,
});
const worker = host.client('interrogate');
const images = new Map<number, Blob>();
let args: PrepareArgs;

/** A 512 × 384 noise PNG per seed, made once and off the clock. */
async function image(seed: number): Promise<Blob> {
  const made = images.get(seed);
  if (made) return made;
  const canvas = new OffscreenCanvas(512, 384);
  const context = canvas.getContext('2d')!;
  const pixels = context.createImageData(512, 384);
  let s = seed * 2654435761 || 1;
  for (let i = 0; i < pixels.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    pixels.data[i] = i % 4 === 3 ? 255 : s >>> 24;
  }
  context.putImageData(pixels, 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  images.set(seed, blob);
  return blob;
}

async function interrogate(seed: number): Promise<Timed> {
  const blob = await image(seed);
  const start = performance.now();
  const result = await worker.interrogate(blob, { model: args.clip, labels: args.labels, topCount: 3 });
  return { ms: performance.now() - start, embeddedLabels: result.embeddedLabels, embeddedImage: result.embeddedImage, backend: result.backend };
}

const page: InterrogatePage = {
  async prepare(prepare) {
    args = prepare;
    const cache = createIdbCache(databases);
    const manager = new SuperModelManager({ cache, storage: null });
    const load = manager.addCatalog(await (await fetch(args.catalogUrl)).json(), 'bench');
    if (load.errors.length > 0) throw new Error(load.errors.map((e) => e.message).join('\n'));
    await saveUserCatalog(cache, 'bench', load.entries);
    const files = await Promise.all(args.fileUrls.map(async (url) => ({ file: await (await fetch(url)).blob(), name: url.split('/').pop()! })));
    const report = await manager.importFiles(files);
    if (report.rejected.length > 0) throw new Error(report.rejected.map((r) => r.reason).join('\n'));
    await host.configure({ backend: args.backend });
    // Sessions opened (and on WebGPU, shaders compiled) before anything is timed.
    const first = await worker.interrogate(await image(999), { model: args.clip, labels: { warmup: ['a warm-up label'] } });
    await worker.aesthetic(await image(998), args.predictor);
    return { backend: first.backend };
  },

  async cold(seed) {
    await worker.clearEmbeddings();
    return interrogate(seed);
  },

  warm: interrogate,

  async cached(seed) {
    await interrogate(seed);
    return interrogate(seed);
  },

  async single(seed) {
    const blob = await image(seed);
    const start = performance.now();
    await worker.aesthetic(blob, args.predictor);
    return performance.now() - start;
  },
};

Object.assign(globalThis, { bench: page, benchReady: true });
