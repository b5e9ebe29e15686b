// Port of nataili model_manager/clip.py: CLIP models for interrogation and aesthetic scoring.
// The type-specific part is only which catalog it reads; everything else is BaseModelManager.

import type { ModelSession } from '../runtime/index.ts';
import { BaseModelManager, type ManagerOptions } from './base.ts';
import { bundledCatalog } from './catalog/index.ts';

export class ClipModelManager<S = ModelSession> extends BaseModelManager<S> {
  constructor(options: ManagerOptions<S> = {}) {
    super('clip', bundledCatalog('clip'), options);
  }
}
