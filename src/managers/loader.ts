// Reads a stored variant back and opens it: ONNX files become sessions (runtime's openSession,
// or an injected factory in tests), with their external-data files attached; JSON and text files
// are parsed; 'bytes' files are handed over as they are stored.

import { chooseBackend, getPlatform, type BackendChoice, type ChoiceRequest, type ExternalDataFile, type ModelFiles } from '../runtime/index.ts';
import type { CatalogEntry, CatalogFile, Precision } from './catalog/schema.ts';
import type { Manifest, ModelCache } from './cache.ts';
import { CatalogError, IntegrityError } from './errors.ts';
import { readStoredFile } from './writer.ts';

export type { ModelFiles };
/** Opens one ONNX graph; `modelId` names it in messages ("ViT-B/32 vision_model"). */
export type SessionFactory<S> = (files: ModelFiles, choice: BackendChoice, modelId: string) => Promise<S>;
export type BackendChooser = (request: ChoiceRequest) => Promise<BackendChoice>;

export interface LoadedModel<S> {
  name: string;
  entry: CatalogEntry;
  precision: Precision;
  choice: BackendChoice;
  /** One session per ONNX file, keyed by config.files[].path ("unet", "vision_model"). */
  sessions: Record<string, S>;
  /** Parsed JSON files (tokenizers, configs), keyed by path. */
  json: Record<string, unknown>;
  texts: Record<string, string>;
  /** Files of kind 'bytes' (safetensors weights), keyed by path. */
  bytes: Record<string, Uint8Array>;
}

/** Probes this platform once (runtime caches it); in Node it reports WASM only. */
export const defaultChooser: BackendChooser = async (request) => chooseBackend(await getPlatform(), request);

interface NamedSession {
  inputNames?: readonly string[];
  outputNames?: readonly string[];
  info?: { inputs: readonly string[]; outputs: readonly string[] };
}

/** Catalog input/output names the graph lacks: a catalog written against another export. */
function missingNames(file: CatalogFile, session: unknown): string | null {
  const named = session as NamedSession | null;
  const inputNames = named?.info?.inputs ?? named?.inputNames;
  const outputNames = named?.info?.outputs ?? named?.outputNames;
  if (!inputNames || !outputNames) return null;
  const missing = [...(file.inputs ?? []).filter((name) => !inputNames.includes(name)), ...(file.outputs ?? []).filter((name) => !outputNames.includes(name))];
  if (missing.length === 0) return null;
  return `names ${missing.join(', ')}, which the graph lacks (it has inputs ${inputNames.join(', ')}; outputs ${outputNames.join(', ')})`;
}

export async function openVariant<S>(
  cache: ModelCache,
  entry: CatalogEntry,
  manifest: Manifest,
  choice: BackendChoice,
  createSession: SessionFactory<S>,
  signal?: AbortSignal,
): Promise<LoadedModel<S>> {
  const loaded: LoadedModel<S> = { name: entry.name, entry, precision: manifest.precision, choice, sessions: {}, json: {}, texts: {}, bytes: {} };
  const read = async (path: string): Promise<Uint8Array> => {
    const stored = manifest.files.find((item) => item.filePath === path);
    if (!stored) throw new IntegrityError(`${entry.name}: the stored ${manifest.precision} variant lacks ${path}. Download the model again.`);
    const bytes = await readStoredFile(cache, entry.name, stored, signal);
    signal?.throwIfAborted();
    return bytes;
  };
  try {
    for (const [index, file] of entry.config.files.entries()) {
      if (file.kind === 'onnx_data') continue;
      if (file.kind === 'bytes') {
        loaded.bytes[file.path] = await read(file.path);
        continue;
      }
      if (file.kind !== 'onnx') {
        const text = new TextDecoder().decode(await read(file.path));
        if (file.kind === 'json') loaded.json[file.path] = JSON.parse(text) as unknown;
        else loaded.texts[file.path] = text;
        continue;
      }
      const externalData: ExternalDataFile[] = [];
      for (const data of entry.config.files.filter((item) => item.kind === 'onnx_data' && item.data_for === file.path)) {
        externalData.push({ path: data.location!, data: await read(data.path) });
      }
      const files: ModelFiles = { model: await read(file.path), ...(externalData.length ? { externalData } : {}) };
      const session = await createSession(files, choice, `${entry.name} ${file.path}`);
      loaded.sessions[file.path] = session;
      const problem = missingNames(file, session);
      if (problem) throw new CatalogError(JSON.stringify(entry.name), `config.files[${index}]`, problem);
    }
  } catch (error) {
    await releaseSessions(loaded);
    throw error;
  }
  return loaded;
}

/** Frees sessions that can be released (ORT's can; a test double may not). */
export async function releaseSessions<S>(model: LoadedModel<S>): Promise<void> {
  for (const session of Object.values(model.sessions)) {
    const release = (session as { release?: () => Promise<void> } | null)?.release;
    if (typeof release === 'function') await release.call(session).catch(() => undefined);
  }
}
