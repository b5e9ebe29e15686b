// Port of nataili model_manager/compvis.py and diffusers.py: Stable Diffusion checkpoints (txt2img, img2img, inpainting).
// The type-specific part is only which catalog it reads; everything else is BaseModelManager.

import type { ModelSession } from '../runtime/index.ts';
import { BaseModelManager, type ManagerOptions } from './base.ts';
import { bundledCatalog } from './catalog/index.ts';

export class StableDiffusionModelManager<S = ModelSession> extends BaseModelManager<S> {
  constructor(options: ManagerOptions<S> = {}) {
    super('stable_diffusion', bundledCatalog('stable_diffusion'), options);
  }
}
