// The base models the train worker trains on: catalog Stable Diffusion models stored on the
// Models page (read through the managers, fp32 preferred: training widens fp16 anyway) and models
// handed over as ONNX files (the generate worker's localSource). The worker's name picks the
// databases: "train" the app's, "train:<prefix>" a test's own.

import { createIdbCache, type ModelCache } from '../../managers/cache.ts';
import { NotFoundError } from '../../managers/errors.ts';
import { SuperModelManager } from '../../managers/super.ts';
import type { ModelFiles } from '../../runtime/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { localSource, type LocalModel } from '../generate/sources.ts';
import type { SdFile } from '../generate/types.ts';
import { readUserCatalogs, userCatalogKeys } from '../models/user-catalogs.ts';
import type { TrainBaseModel } from './types.ts';

export type TrainRole = 'unet' | 'text_encoder' | 'vae_encoder';

/** A base model's graphs by role, as bytes. */
export interface BaseModel {
  name: string;
  family: 'sd1' | 'sd2';
  prediction: 'epsilon' | 'v';
  read(role: TrainRole, signal?: AbortSignal): Promise<ModelFiles>;
  /** Drops bytes held for this run. */
  done(): Promise<void>;
}

const workerName = typeof self !== 'undefined' && typeof self.name === 'string' ? self.name : '';
export const databasePrefix = workerName.startsWith('train:') ? workerName.slice('train:'.length) : 'nataili';

let cache: ModelCache | undefined;
export const trainCache = (): ModelCache => (cache ??= createIdbCache(databasePrefix));

const local = new Map<string, LocalModel>();
let current: { manager: SuperModelManager<ModelFiles>; signature: string } | undefined;

async function catalogs(): Promise<SuperModelManager<ModelFiles>> {
  const keys = await userCatalogKeys(trainCache());
  const signature = keys.join('\n');
  if (current?.signature === signature) return current.manager;
  const manager = new SuperModelManager<ModelFiles>({ cache: trainCache(), sessionFactory: async (files) => files });
  for (const catalog of await readUserCatalogs(trainCache(), keys)) manager.addCatalog(catalog.entries, catalog.source);
  current = { manager, signature };
  return manager;
}

export function useFiles(name: string, files: SdFile[]): TrainBaseModel {
  const model = localSource(name, files);
  if (!model.source.roles.includes('vae_encoder')) throw new InvalidInputError('Training needs the VAE encoder too (vae_encoder/model.onnx): add it to the files.');
  local.set(name, model);
  return { name, description: model.info.description, ready: true, local: true };
}

export async function listModels(): Promise<TrainBaseModel[]> {
  const owner = (await catalogs()).managers.stable_diffusion;
  const stored = new Set(await owner.available());
  const catalog = owner
    .list()
    .filter((entry) => !entry.inpainting && entry.config.files.some((f) => f.path === 'vae_encoder'))
    .map((entry) => ({ name: entry.name, description: entry.description, ready: stored.has(entry.name), local: false }));
  return [...[...local.keys()].map((name) => ({ name, description: local.get(name)!.info.description, ready: true, local: true })), ...catalog];
}

export async function baseModel(name: string): Promise<BaseModel> {
  const handed = local.get(name);
  if (handed) {
    const { source } = handed;
    return { name, family: source.family, prediction: source.prediction, read: (role) => source.read(role, 'fp32', false), done: async () => undefined };
  }
  const manager = await catalogs();
  const owner = manager.managers.stable_diffusion;
  const entry = owner.get(name);
  if (!entry) throw new NotFoundError(`No Stable Diffusion model named ${JSON.stringify(name)}. Pick one from the list, or open its files.`);
  const variants = await owner.storedVariants(name);
  if (variants.length === 0) throw new NotFoundError(`${name} is not downloaded yet. Download it on the Models page, then train.`);
  const precision = variants.includes('fp32') ? 'fp32' : variants[0]!;
  let loading: Promise<Record<string, ModelFiles>> | undefined;
  const sd2 = /2/.test(entry.baseline);
  return {
    name,
    family: sd2 ? 'sd2' : 'sd1',
    prediction: sd2 && !/base|512/i.test(`${entry.name} ${entry.version}`) ? 'v' : 'epsilon',
    async read(role, signal) {
      loading ??= owner.load(name, { precision, signal }).then((loaded) => loaded.sessions);
      const files = (await loading)[role];
      if (!files) throw new NotFoundError(`${name} has no ${role} file in its catalog entry.`);
      return files;
    },
    async done() {
      loading = undefined;
      await owner.unload(name);
    },
  };
}
