// Port of nataili model_manager/esrgan.py: Real-ESRGAN upscalers, including the ones shipped with the app.
// The type-specific part is only which catalog it reads; everything else is BaseModelManager.

import type { ModelSession } from '../runtime/index.ts';
import { BaseModelManager, type ManagerOptions } from './base.ts';
import { bundledCatalog } from './catalog/index.ts';

export class EsrganModelManager<S = ModelSession> extends BaseModelManager<S> {
  constructor(options: ManagerOptions<S> = {}) {
    super('esrgan', bundledCatalog('esrgan'), options);
  }
}
