// The system worker: probes the platform from where models run (a worker, not the page).
import { chooseBackend } from '../runtime/backend-choice.ts';
import { describeGpu, getPlatform } from '../runtime/platform.ts';
import type { SystemApi } from './api.ts';
import { exposeJobs } from './expose.ts';

exposeJobs<SystemApi>({
  async probe(_context, override) {
    const platform = await getPlatform();
    return {
      platform,
      gpuName: platform.gpu ? describeGpu(platform.gpu) : null,
      choice: chooseBackend(platform, { override, variants: ['fp32', 'fp16'] }),
    };
  },
});
