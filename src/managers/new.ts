// Template for adding a model type. Copy this file to src/managers/<type>.ts and follow the steps.
// Port of the shape every nataili model_manager/<type>.py follows: a manager is its catalog plus
// whatever its type loads differently; download, cache, validate and remove are shared.
//
// 1. Name the type. Add it to MODEL_TYPES in catalog/schema.ts ("upscaler_v2"); the validator
//    then accepts entries of that type and rejects every other unknown one.
// 2. Write its catalog: src/managers/catalog/<type>.json, an object keyed by model name (nataili's
//    layout). Each entry needs name, type, description, version, nsfw and config:
//      config.files[]    one per logical file: { path, kind: onnx | onnx_data | json | text | bytes,
//                        inputs and outputs (onnx: the graph names the pipeline feeds and reads),
//                        data_for and location (onnx_data: the graph it belongs to, the name the
//                        graph refers to it by) }
//      config.download[] where each file comes from, per precision: { file_name, file_path,
//                        file_url, precision?, backends?, size, sha256 }
//    sha256 is required. Where it is not published, write "sha256": null with "unverified": true
//    and say why in "note": the user then has to accept the file, and its hash is pinned on the
//    first download. Never guess a hash. Run the catalog unit test: every bundled entry must load.
//    Files no one publishes (a model whose only ONNX export is one you make yourself): give the
//    entry "import_only": { "instructions": how to make and import the files } and leave file_url
//    out of every download; the entry is then refused for download and installed by import only.
//    Upscalers may give "tile_pad" (0..256 input pixels): the tile context their jobs default to.
// 3. Register the catalog in catalog/index.ts (BY_TYPE) so bundledCatalog(type) finds it.
// 4. Copy the class below, rename it, and add it to SuperModelManager's managers in super.ts.
// 5. Override load() only if the type opens its files differently (several graphs that share
//    weights, a session that needs options); call super.load() for the bytes and sessions.
// 6. Add a unit test in tests/unit/managers-<type>.test.ts that loads the catalog, downloads a
//    small generated model from the test server and loads it with an injected session factory.

import type { ModelSession } from '../runtime/index.ts';
import { BaseModelManager, type ManagerOptions } from './base.ts';
import { bundledCatalog } from './catalog/index.ts';
import type { ModelType } from './catalog/schema.ts';

/** Rename to <Type>ModelManager and put the new type in place of TEMPLATE_TYPE. */
const TEMPLATE_TYPE: ModelType = 'esrgan';

export class TemplateModelManager<S = ModelSession> extends BaseModelManager<S> {
  constructor(options: ManagerOptions<S> = {}) {
    super(TEMPLATE_TYPE, bundledCatalog(TEMPLATE_TYPE), options);
  }
}
