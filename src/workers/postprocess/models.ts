// The post-process worker's models. Catalog entries (the bundled catalogs plus those the user
// added on the Models page, re-read when they change) and verified bytes come from the managers;
// sessions come from the runtime's session cache, so the Settings backend and the builtin
// `unload` reach them like every other worker's. The manager's session factory therefore hands
// back the bytes it read instead of opening a session: each model gets one session per backend,
// opened by the cache, and its bytes are read from IndexedDB only when one is opened.

import { createIdbCache } from '../../managers/cache.ts';
import type { CatalogEntry, ModelType } from '../../managers/catalog/schema.ts';
import { DEFAULT_TILE_PAD, variantSize, variantsOf } from '../../managers/catalog/schema.ts';
import { CatalogError, NotFoundError } from '../../managers/errors.ts';
import { SuperModelManager } from '../../managers/super.ts';
import { sessions, type ModelFiles, type ModelSession } from '../../runtime/index.ts';
import type { ProgressCallback } from '../../shared/progress.ts';
import { readUserCatalogs, userCatalogKeys } from '../models/user-catalogs.ts';
import type { PostProcessModel, PostProcessModelType } from './types.ts';

export const postProcessTypes: readonly PostProcessModelType[] = ['esrgan', 'gfpgan', 'codeformer', 'face_detector'];

export interface JobEnv {
  signal: AbortSignal;
  progress: ProgressCallback;
}

export interface OpenedModel {
  entry: CatalogEntry;
  session: ModelSession;
  /** The graph's input and output names the pipeline feeds and reads, catalog order first. */
  inputs: string[];
  outputs: string[];
}

const cache = createIdbCache();
let current: { manager: SuperModelManager<ModelFiles>; signature: string } | undefined;
const catalogListeners: (() => void)[] = [];

/** Called when the user's catalogs changed, so cached facts about models (their scale) are dropped. */
export function onCatalogsChanged(listener: () => void): void {
  catalogListeners.push(listener);
}

/** The manager over the bundled and the user's catalogs as stored now; its "sessions" are the stored bytes. */
export async function modelManager(): Promise<SuperModelManager<ModelFiles>> {
  const keys = await userCatalogKeys(cache);
  const signature = keys.join('\n');
  if (current?.signature === signature) return current.manager;
  const manager = new SuperModelManager<ModelFiles>({ cache, sessionFactory: async (files) => files });
  for (const catalog of await readUserCatalogs(cache, keys)) manager.addCatalog(catalog.entries, catalog.source);
  if (current) {
    // An entry may now name other bytes under the same model name: open everything afresh.
    await sessions.unload();
    for (const listener of catalogListeners) listener();
  }
  current = { manager, signature };
  return manager;
}

const isAbsolute = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url);

/** Shipped with the app (relative file_urls): installing it reads the app's own, precached files. */
export function isBuiltin(entry: CatalogEntry): boolean {
  return !entry.import_only && entry.config.download.length > 0 && entry.config.download.every((download) => download.file_url !== undefined && !isAbsolute(download.file_url));
}

/** The factor a model's name states ("x4", "4x", "_x2"); the worker measures the real one before use. */
export function scaleFromName(name: string): number | null {
  const digit = /(?:^|[^a-z])x([1-8])(?!\d)/i.exec(name)?.[1] ?? /(?:^|[^a-z0-9])([1-8])x(?![a-z0-9])/i.exec(name)?.[1];
  return digit ? Number(digit) : null;
}

function sizeOf(entry: CatalogEntry): number | null {
  const variants = variantsOf(entry);
  const precision = variants.includes('fp32') ? 'fp32' : variants[0];
  return precision ? variantSize(entry, precision) : null;
}

export async function listModels(): Promise<PostProcessModel[]> {
  const sm = await modelManager();
  const stored = new Set(await sm.available());
  return postProcessTypes.flatMap((type) =>
    sm.managers[type].list().map((entry) => ({
      name: entry.name,
      type,
      description: entry.description,
      builtin: isBuiltin(entry),
      stored: stored.has(entry.name),
      size: sizeOf(entry),
      scale: type === 'esrgan' ? scaleFromName(entry.name) : null,
      tilePad: type === 'esrgan' ? (entry.tile_pad ?? DEFAULT_TILE_PAD) : null,
    })),
  );
}

const typeLabels: Record<PostProcessModelType, string> = {
  esrgan: 'upscaler',
  gfpgan: 'GFPGAN face restorer',
  codeformer: 'CodeFormer face restorer',
  face_detector: 'face detector',
};

export async function entryOf(name: string, types: readonly PostProcessModelType[]): Promise<{ entry: CatalogEntry; type: PostProcessModelType }> {
  const sm = await modelManager();
  for (const type of types) {
    const entry = sm.managers[type].get(name);
    if (entry) return { entry, type };
  }
  const wanted = types.map((type) => typeLabels[type]).join(' or ');
  throw new NotFoundError(`No ${wanted} named ${JSON.stringify(name)} in the catalog. Pick one from the Model list.`);
}

/**
 * Makes sure the model is stored. A built-in model is installed from the app's own files (the
 * service worker has them offline) and checked against its sha256; any other model must have been
 * downloaded first, because a job never starts a download of hundreds of megabytes on its own.
 */
export async function ensureStored(name: string, env: JobEnv): Promise<void> {
  const sm = await modelManager();
  const owner = sm.managerOf(name);
  if (await owner.isAvailable(name)) return;
  if (!isBuiltin(owner.get(name)!)) {
    throw new NotFoundError(`${name} is not downloaded yet. Press its Download button (or import its files on the Models page), then try again.`);
  }
  await sm.download(name, { signal: env.signal, onProgress: env.progress });
}

/** Downloads (or installs) a model with progress; already stored models return at once. */
export async function downloadModel(name: string, env: JobEnv): Promise<void> {
  const sm = await modelManager();
  if (await sm.managerOf(name).isAvailable(name)) return;
  await sm.download(name, { signal: env.signal, onProgress: env.progress });
}

/** Names the catalog declares, checked against the graph; the graph's own names where it declares none. */
function ioNames(entry: CatalogEntry, session: ModelSession): { inputs: string[]; outputs: string[] } {
  const info = session.info;
  const file = entry.config.files.find((item) => item.kind === 'onnx');
  const inputs = file?.inputs?.length ? file.inputs : info.inputs;
  const outputs = file?.outputs?.length ? file.outputs : info.outputs;
  const missing = [...inputs.filter((name) => !info.inputs.includes(name)), ...outputs.filter((name) => !info.outputs.includes(name))];
  if (missing.length > 0) {
    throw new CatalogError(
      JSON.stringify(entry.name),
      'config.files',
      `names ${missing.join(', ')}, which the graph lacks (it has inputs ${info.inputs.join(', ')}; outputs ${info.outputs.join(', ')})`,
    );
  }
  return { inputs: [...inputs], outputs: [...outputs] };
}

/** The model's session on the backend the Settings (or the machine) choose, opened once per worker. */
export async function openModel(name: string, types: readonly PostProcessModelType[], env: JobEnv): Promise<OpenedModel> {
  const { entry, type } = await entryOf(name, types);
  await ensureStored(name, env);
  const owner = (await modelManager()).managers[type as ModelType];
  const onnxPath = entry.config.files.find((file) => file.kind === 'onnx')?.path;
  if (!onnxPath) throw new CatalogError(JSON.stringify(name), 'config.files', 'has no onnx file');
  const session = await sessions.get({
    modelId: name,
    variants: await owner.storedVariants(name),
    onProgress: env.progress,
    files: async (precision) => {
      try {
        const loaded = await owner.load(name, { precision, signal: env.signal });
        return loaded.sessions[onnxPath]!;
      } finally {
        // The session holds the graph now; the manager need not keep a second copy of the bytes.
        await owner.unload(name);
      }
    },
  });
  return { entry, session, ...ioNames(entry, session) };
}
