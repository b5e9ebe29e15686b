// Port of nataili model_manager/safety_checker.py: the Stable Diffusion safety checker.
// The type-specific part is only which catalog it reads; everything else is BaseModelManager.

import type { ModelSession } from '../runtime/index.ts';
import { BaseModelManager, type ManagerOptions } from './base.ts';
import { bundledCatalog } from './catalog/index.ts';

export class SafetyCheckerModelManager<S = ModelSession> extends BaseModelManager<S> {
  constructor(options: ManagerOptions<S> = {}) {
    super('safety_checker', bundledCatalog('safety_checker'), options);
  }
}
