// The post-process worker: Real-ESRGAN upscaling and GFPGAN / CodeFormer face restoration
// (nataili esrgan, gfpgan, codeformer). Thin: the jobs live in ./postprocess/.
import type { PostProcessApi } from './postprocess/types.ts';
import { exposeJobs } from './expose.ts';
import { restoreJob, upscaleJob } from './postprocess/jobs.ts';
import { downloadModel, listModels } from './postprocess/models.ts';

exposeJobs<PostProcessApi>({
  models: () => listModels(),
  download: (context, name) => downloadModel(name, context),
  upscale: (context, image, request) => upscaleJob(context, image, request),
  restoreFaces: (context, image, request) => restoreJob(context, image, request),
});
