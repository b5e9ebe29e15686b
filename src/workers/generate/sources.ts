// Where a Stable Diffusion model's bytes come from: the catalog (verified, in IndexedDB, read
// through the managers) or files the user handed over (kept in this worker's memory). Either
// way the pipeline gets each role's graph (text_encoder, unet, vae_decoder, vae_encoder, and
// for handed-over bundles depth and safety_checker) as ModelFiles it may write into (LoRA).

import { createIdbCache } from '../../managers/cache.ts';
import type { CatalogEntry } from '../../managers/catalog/schema.ts';
import { NotFoundError } from '../../managers/errors.ts';
import { SuperModelManager } from '../../managers/super.ts';
import { readUserCatalogs, userCatalogKeys } from '../models/user-catalogs.ts';
import { describeUnet, sdRoleOf, textHiddenSize, type SdRole } from '../../pipelines/stable-diffusion/onnx/describe.ts';
import { graphInput, readOnnxGraph, type OnnxGraph } from '../../pipelines/stable-diffusion/onnx/model.ts';
import { sessions, type ModelFiles, type Precision } from '../../runtime/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import type { SdFile, SdModelInfo, SdModelKind, UseFilesOptions } from './types.ts';

export type Role = SdRole | 'safety_checker';

export interface ModelSource {
  name: string;
  family: 'sd1' | 'sd2';
  prediction: 'epsilon' | 'v';
  vaeScale?: number;
  variants: Precision[];
  roles: Role[];
  /** One role's bytes; `writable` asks for a copy the caller may change (LoRA merging). */
  read(role: Role, precision: Precision, writable: boolean, signal?: AbortSignal): Promise<ModelFiles>;
  /** Drops bytes held only for opening sessions. */
  done(): Promise<void>;
}

const workerName = typeof self !== 'undefined' && typeof self.name === 'string' ? self.name : '';
// The worker's name picks the databases, as the models worker's does: "generate" uses the app's,
// "generate:<prefix>" (tests) its own.
const cache = createIdbCache(workerName.startsWith('generate:') ? workerName.slice('generate:'.length) : 'nataili');
let current: { manager: SuperModelManager<ModelFiles>; signature: string } | undefined;

/**
 * The manager over the bundled catalogs and those the user added on the Models page (kept in
 * IndexedDB by the models worker, re-read when they change); its "sessions" are the stored bytes,
 * opened by the runtime's cache. When the catalogs change, a name may now mean other bytes, so
 * the sessions of catalog models are released (handed-over models keep theirs: `keep`).
 */
export async function modelManager(keep: (modelId: string) => boolean = () => false): Promise<SuperModelManager<ModelFiles>> {
  const keys = await userCatalogKeys(cache);
  const signature = keys.join('\n');
  if (current?.signature === signature) return current.manager;
  const manager = new SuperModelManager<ModelFiles>({ cache, sessionFactory: async (files) => files });
  for (const catalog of await readUserCatalogs(cache, keys)) manager.addCatalog(catalog.entries, catalog.source);
  if (current) for (const info of sessions.list()) if (!keep(info.modelId)) await sessions.unload(info.modelId);
  current = { manager, signature };
  return manager;
}

function roleOf(graph: OnnxGraph): Role | null {
  if (graphInput(graph, 'clip_input')) return 'safety_checker';
  return sdRoleOf(graph);
}

/** What a model is for, from its UNet graph. */
export function kindOfUnet(graph: OnnxGraph): SdModelKind {
  const info = describeUnet(graph);
  if (info.classLabels || info.inChannels === 7) return 'upscaler';
  if (info.inChannels === 9) return 'inpainting';
  if (info.inChannels === 5) return 'depth';
  return 'txt2img';
}

/** SD 2 by baseline; 768-v models predict v, the 512 "base" ones ε (nataili: "stable diffusion 2" is v). */
export function familyOfEntry(entry: CatalogEntry): { family: 'sd1' | 'sd2'; prediction: 'epsilon' | 'v' } {
  const sd2 = /2/.test(entry.baseline);
  const base = /base|512|inpaint|depth|upscal/i.test(`${entry.name} ${entry.version}`);
  return { family: sd2 ? 'sd2' : 'sd1', prediction: sd2 && !base ? 'v' : 'epsilon' };
}

export function catalogSource(manager: SuperModelManager<ModelFiles>, entry: CatalogEntry, variants: Precision[]): ModelSource {
  const owner = manager.managers.stable_diffusion;
  let loading: Promise<Record<string, ModelFiles>> | undefined;
  const roles = entry.config.files.filter((file) => file.kind === 'onnx').map((file) => file.path as Role);
  return {
    name: entry.name,
    ...familyOfEntry(entry),
    variants,
    roles,
    async read(role, precision, _writable, signal) {
      // One read of the stored variant serves every role (fresh bytes, so they may be written).
      loading ??= owner.load(entry.name, { precision, signal }).then((loaded) => loaded.sessions);
      const files = (await loading)[role];
      if (!files) throw new NotFoundError(`${entry.name} has no ${role} file in its catalog entry.`);
      return files;
    },
    async done() {
      loading = undefined;
      await owner.unload(entry.name);
    },
  };
}

export interface LocalModel {
  source: ModelSource;
  info: SdModelInfo;
}

function copy(files: ModelFiles): ModelFiles {
  return { model: files.model.slice(), ...(files.externalData ? { externalData: files.externalData.map((f) => ({ path: f.path, data: f.data.slice() })) } : {}) };
}

/** A model made of files the user picked: roles from the graphs' inputs, external data by the names the graphs use. */
export function localSource(name: string, files: readonly SdFile[], options: UseFilesOptions = {}): LocalModel {
  const graphs = new Map<Role, ModelFiles>();
  const data = files.filter((file) => !file.name.toLowerCase().endsWith('.onnx'));
  let kind: SdModelKind = 'txt2img';
  let family = options.family;
  for (const file of files.filter((f) => f.name.toLowerCase().endsWith('.onnx'))) {
    const graph = readOnnxGraph(file.data);
    const role = roleOf(graph);
    if (!role) throw new InvalidInputError(`${file.name} is no part of a Stable Diffusion model (inputs ${graph.inputs.map((i) => i.name).join(', ')}).`);
    if (graphs.has(role)) throw new InvalidInputError(`Two files are a ${role}; hand over one of each.`);
    const locations = new Set([...graph.initializers.values()].flatMap((init) => (init.data?.kind === 'external' ? [init.data.location] : [])));
    const external = [...locations].map((location) => {
      const found = data.find((d) => d.name === location || d.name.endsWith(`/${location}`));
      if (!found) throw new InvalidInputError(`${file.name} keeps its weights in "${location}"; add that file too.`);
      return { path: location, data: found.data };
    });
    graphs.set(role, { model: file.data, ...(external.length ? { externalData: external } : {}) });
    if (role === 'unet') kind = kindOfUnet(graph);
    if (role === 'text_encoder' && !family) family = (textHiddenSize(graph) ?? 768) >= 1024 ? 'sd2' : 'sd1';
  }
  const needed: Role[] = ['text_encoder', 'unet', 'vae_decoder'];
  const missing = needed.filter((role) => !graphs.has(role));
  if (missing.length) throw new InvalidInputError(`The files lack a ${missing.join(', ')}; a Stable Diffusion model needs a text encoder, a UNet and a VAE decoder.`);
  const source: ModelSource = {
    name,
    family: family ?? 'sd1',
    prediction: options.prediction ?? (kind === 'upscaler' ? 'v' : 'epsilon'),
    vaeScale: options.vaeScale,
    variants: ['fp32'],
    roles: [...graphs.keys()],
    async read(role, _precision, writable) {
      const files = graphs.get(role);
      if (!files) throw new NotFoundError(`${name} has no ${role}.`);
      return writable ? copy(files) : files;
    },
    async done() {},
  };
  return { source, info: { name, description: `Model files: ${[...graphs.keys()].join(', ')}`, kind, baseline: family === 'sd2' ? 'stable diffusion 2' : 'stable diffusion 1', ready: true, local: true } };
}
