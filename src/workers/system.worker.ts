import * as Comlink from 'comlink';
import { chooseBackend } from '../runtime/backend-choice.ts';
import { describeGpu, probePlatform } from '../runtime/platform.ts';
import type { SystemApi } from './api.ts';

const api: SystemApi = {
  async probe(override) {
    const platform = await probePlatform();
    return {
      platform,
      gpuName: platform.gpu ? describeGpu(platform.gpu) : null,
      choice: chooseBackend(platform, { override, variants: ['fp32', 'fp16'] }),
    };
  },
};

Comlink.expose(api);
