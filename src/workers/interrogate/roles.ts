// Which catalog entries the Interrogate page can use, and for what. nataili files CLIP, OpenCLIP,
// CoCa and the aesthetic predictor all under "clip"; the graphs an entry ships tell them apart:
// vision_model + text_model is a CLIP embedder, vision_model + text_decoder a CoCa captioner, a
// 'bytes' predictor file the aesthetic MLP (its baseline names the CLIP model it scores with).

import type { SuperModelManager } from '../../managers/super.ts';
import type { CatalogEntry } from '../../managers/catalog/schema.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import type { InterrogateKind, InterrogateModels, InterrogateRole, RoleModel } from './types.ts';

const ROLE_OF: Record<InterrogateKind, InterrogateRole> = { clip: 'clip', blip: 'caption', coca: 'caption', predictor: 'predictor', safety: 'safety' };

function hasFile(entry: CatalogEntry, path: string, kind: 'onnx' | 'bytes' = 'onnx'): boolean {
  return entry.config.files.some((file) => file.path === path && file.kind === kind);
}

/** The kind of an entry, or null when the Interrogate page has no use for it. */
export function kindOf(entry: CatalogEntry): InterrogateKind | null {
  if (entry.type === 'blip') return hasFile(entry, 'vision_model') && hasFile(entry, 'text_decoder') ? 'blip' : null;
  if (entry.type === 'safety_checker') return hasFile(entry, 'model') ? 'safety' : null;
  if (entry.type !== 'clip') return null;
  if (hasFile(entry, 'predictor', 'bytes')) return 'predictor';
  if (hasFile(entry, 'vision_model') && hasFile(entry, 'text_decoder')) return 'coca';
  if (hasFile(entry, 'vision_model') && hasFile(entry, 'text_model')) return 'clip';
  return null;
}

/** The entry named `name`, checked to be of one of `kinds`; the error says what it is instead. */
export function requireKind(manager: SuperModelManager, name: string, kinds: readonly InterrogateKind[]): { entry: CatalogEntry; kind: InterrogateKind } {
  const entry = manager.get(name);
  if (!entry) throw new InvalidInputError(`No model named ${JSON.stringify(name)} in the catalogs. Pick one the Models page lists.`);
  const kind = kindOf(entry);
  if (!kind || !kinds.includes(kind)) {
    throw new InvalidInputError(`${name} is ${kind ? `a ${kind} model` : 'not a model this page can use'}; this needs ${kinds.join(' or ')}.`);
  }
  return { entry, kind };
}

/** Every usable entry under its role, stored ones first, then by name. */
export async function listRoles(manager: SuperModelManager): Promise<InterrogateModels> {
  const out: InterrogateModels = { clip: [], caption: [], predictor: [], safety: [] };
  for (const entry of manager.list()) {
    const kind = kindOf(entry);
    if (!kind) continue;
    const model: RoleModel = { name: entry.name, kind, description: entry.description, stored: (await manager.managerOf(entry.name).storedVariants(entry.name)).length > 0 };
    if (kind === 'predictor') model.clipModel = entry.baseline;
    out[ROLE_OF[kind]].push(model);
  }
  for (const list of Object.values(out)) list.sort((a, b) => Number(b.stored) - Number(a.stored) || a.name.localeCompare(b.name));
  return out;
}
