// The interrogate worker: captions (BLIP, CoCa), CLIP interrogation with cached label embeddings,
// the aesthetic score and the safety checker. Thin: each method hands its job's signal and
// progress to InterrogateJobs.
import { createIdbCache } from '../managers/cache.ts';
import { IdbEmbeddingCache } from '../pipelines/clip/cache.ts';
import type { InterrogateApi } from './api.ts';
import { exposeJobs } from './expose.ts';
import { ModelHolder } from './interrogate/holder.ts';
import { TieredEmbeddingCache } from './interrogate/cache.ts';
import { InterrogateJobs } from './interrogate/jobs.ts';

// The worker's name picks its databases, as the models worker's does: the app spawns
// "interrogate" (the app's own models), a test "interrogate:<prefix>" for databases of its own.
const name = typeof self.name === 'string' ? self.name : '';
const prefix = name.startsWith('interrogate:') ? name.slice('interrogate:'.length) : 'nataili';
const jobs = new InterrogateJobs(new ModelHolder(createIdbCache(prefix)), new TieredEmbeddingCache(new IdbEmbeddingCache(prefix)));

exposeJobs<InterrogateApi>({
  models: () => jobs.models(),
  defaultLabels: () => jobs.defaultLabels(),
  caption: ({ signal, progress }, image, request) => jobs.caption(image, request, { signal, onProgress: progress }),
  interrogate: ({ signal, progress }, image, request) => jobs.interrogate(image, request, { signal, onProgress: progress }),
  aesthetic: ({ signal, progress }, image, predictor) => jobs.aesthetic(image, predictor, { signal, onProgress: progress }),
  safety: ({ signal, progress }, image, checker) => jobs.safety(image, checker, { signal, onProgress: progress }),
  analyze: ({ signal, progress }, image, request) => jobs.analyze(image, request, { signal, onProgress: progress }),
  checkSafety: ({ signal, progress }, images, checker) => jobs.checkSafety(images, checker, { signal, onProgress: progress }),
  clearEmbeddings: () => jobs.clearEmbeddings(),
});
