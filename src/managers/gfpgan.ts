// Port of nataili model_manager/gfpgan.py: GFPGAN face restoration.
// The type-specific part is only which catalog it reads; everything else is BaseModelManager.

import type { ModelSession } from '../runtime/index.ts';
import { BaseModelManager, type ManagerOptions } from './base.ts';
import { bundledCatalog } from './catalog/index.ts';

export class GfpganModelManager<S = ModelSession> extends BaseModelManager<S> {
  constructor(options: ManagerOptions<S> = {}) {
    super('gfpgan', bundledCatalog('gfpgan'), options);
  }
}
