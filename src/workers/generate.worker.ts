// The generate worker: Stable Diffusion (txt2img, img2img, inpainting, depth2img), the x4
// upscaler and LoRAs. Thin: each method hands its job's signal and progress to generate/jobs.ts.
import type { GenerateApi } from './api.ts';
import { exposeJobs } from './expose.ts';
import { addLora, generateJob, listModels, upscaleJob, useFiles } from './generate/jobs.ts';

exposeJobs<GenerateApi>({
  models: () => listModels(),
  useFiles: (_context, name, files, options) => useFiles(name, files, options),
  addLora: (_context, name, data) => addLora(name, data),
  generate: ({ signal, progress }, job) => generateJob(job, { signal, progress }),
  upscale: ({ signal, progress }, job) => upscaleJob(job, { signal, progress }),
});
