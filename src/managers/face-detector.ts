// Manager for the face detection models nataili's gfpgan and codeformer managers load through facexlib.
// The type-specific part is only which catalog it reads; everything else is BaseModelManager.

import type { ModelSession } from '../runtime/index.ts';
import { BaseModelManager, type ManagerOptions } from './base.ts';
import { bundledCatalog } from './catalog/index.ts';

export class FaceDetectorModelManager<S = ModelSession> extends BaseModelManager<S> {
  constructor(options: ManagerOptions<S> = {}) {
    super('face_detector', bundledCatalog('face_detector'), options);
  }
}
