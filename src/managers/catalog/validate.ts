// Validates a catalog from anywhere (bundled, fetched, imported by the user) before use.
// Each entry stands alone: an invalid one is rejected with a message naming it and the field,
// and the rest still load.

import { CatalogError } from '../errors.ts';
import { LIMITS, Reader, isObject, preview, typeName, type Json } from './reader.ts';
import {
  BACKENDS,
  FILE_KINDS,
  MAX_TILE_PAD,
  MODEL_TYPES,
  PRECISIONS,
  variantsOf,
  type Backend,
  type CatalogDownload,
  type CatalogEntry,
  type CatalogFile,
  type CatalogImportOnly,
  type FileKind,
  type ModelType,
  type Precision,
} from './schema.ts';

export { LIMITS };

export interface CatalogLoad {
  entries: CatalogEntry[];
  errors: CatalogError[];
}

function readFile(reader: Reader, object: Json, index: number): CatalogFile {
  const r = reader.child(object, `config.files[${index}].`);
  const path = r.name('path');
  const kind: FileKind = r.oneOf('kind', FILE_KINDS);
  const note = r.string('note', { optional: true });
  const file: CatalogFile = { path, kind };
  if (note) file.note = note;
  if (kind === 'onnx_data') {
    file.data_for = r.name('data_for');
    file.location = r.name('location');
    if (/[\\/]|\.\./.test(file.location)) r.fail('location', 'must be a plain file name');
  }
  if (kind !== 'onnx') return file;
  file.inputs = r.strings('inputs');
  file.outputs = r.strings('outputs');
  if (file.inputs.length === 0) r.fail('inputs', 'must name at least one ONNX input');
  if (file.outputs.length === 0) r.fail('outputs', 'must name at least one ONNX output');
  return file;
}

function readDownload(reader: Reader, object: Json, index: number, paths: Set<string>, importOnly: boolean): CatalogDownload {
  const r = reader.child(object, `config.download[${index}].`);
  const file_name = r.name('file_name');
  if (file_name.includes('..') || file_name.startsWith('/') || file_name.includes('\\')) r.fail('file_name', 'must be a plain relative name');
  const file_path = r.name('file_path');
  if (!paths.has(file_path)) r.fail('file_path', `names ${preview(file_path)}, which is not in config.files`);
  // An import-only entry has nowhere to download from; any other entry must say where.
  if (importOnly && object.file_url !== undefined) r.fail('file_url', 'must be left out: the entry is import_only, so its files are imported, never downloaded');
  const file_url = importOnly ? undefined : r.url('file_url', { relative: true });
  const precision: Precision | undefined = r.oneOf('precision', PRECISIONS, true);
  const backends = object.backends === undefined ? undefined : (r.strings('backends', { allowed: BACKENDS }) as Backend[]);
  if (backends && backends.length === 0) r.fail('backends', 'must name at least one backend (or be left out)');
  const size = r.size('size');
  const sha256 = r.sha256('sha256');
  const unverified = r.boolean('unverified', true);
  // A file is verified by its hash; an unknown size only costs the up-front quota check.
  if (sha256 === null && !unverified) r.fail('sha256', 'is null, which is allowed only with "unverified": true');
  if (unverified && sha256 !== null) r.fail('unverified', 'is true but a sha256 is given; drop one of them');
  const note = r.string('note', { optional: true });
  const download: CatalogDownload = { file_name, file_path, size, sha256 };
  if (file_url !== undefined) download.file_url = file_url;
  if (precision) download.precision = precision;
  if (backends) download.backends = backends;
  if (unverified) download.unverified = true;
  if (note) download.note = note;
  return download;
}

/** import_only: how a person gets the files no one publishes; it must say something. */
function readImportOnly(reader: Reader): CatalogImportOnly {
  const r = reader.child(reader.object('import_only'), 'import_only.');
  const instructions = r.string('instructions');
  if (instructions.trim() === '') r.fail('instructions', 'must say how to get the files');
  return { instructions };
}

/** Validates one entry; throws a CatalogError naming the entry and field. */
export function validateEntry(value: unknown, label: string): CatalogEntry {
  if (!isObject(value)) throw new CatalogError(label, '(entry)', `must be an object, not ${typeName(value)}`);
  const r = new Reader(label, value, '');
  const name = r.name('name');
  const entryLabel = JSON.stringify(name.slice(0, 80));
  const reader = new Reader(entryLabel, value, '');
  const type: ModelType = reader.oneOf('type', MODEL_TYPES);
  const config = reader.object('config');
  const configReader = reader.child(config, 'config.');
  const files = configReader.list('files', LIMITS.files).map((file, index) => readFile(reader, file, index));
  const paths = new Set<string>();
  files.forEach((file, index) => {
    if (paths.has(file.path)) reader.fail(`config.files[${index}].path`, `repeats ${preview(file.path)}`);
    paths.add(file.path);
  });
  files.forEach((file, index) => {
    if (file.kind === 'onnx_data' && !files.some((other) => other.kind === 'onnx' && other.path === file.data_for)) {
      reader.fail(`config.files[${index}].data_for`, `names ${preview(file.data_for)}, which is not an onnx file of this entry`);
    }
  });
  const importOnly = value.import_only === undefined ? undefined : readImportOnly(reader);
  const download = configReader.list('download', LIMITS.downloads).map((item, index) => readDownload(reader, item, index, paths, importOnly !== undefined));
  const seen = new Set<string>();
  download.forEach((item, index) => {
    const variantKey = `${item.file_path}@${item.precision ?? '*'}`;
    if (seen.has(item.file_name)) reader.fail(`config.download[${index}].file_name`, `repeats ${preview(item.file_name)}`);
    if (seen.has(variantKey)) reader.fail(`config.download[${index}]`, `is a second download of ${item.file_path} for the same precision`);
    seen.add(item.file_name);
    seen.add(variantKey);
  });
  const entry: CatalogEntry = {
    name,
    type,
    description: reader.string('description'),
    version: reader.string('version', { max: LIMITS.name }),
    style: reader.string('style', { max: LIMITS.name, optional: true }),
    nsfw: reader.boolean('nsfw'),
    baseline: reader.string('baseline', { max: LIMITS.name, optional: true }),
    inpainting: reader.boolean('inpainting', true),
    trigger: reader.strings('trigger', { optional: true }),
    homepage: reader.url('homepage', { optional: true }),
    features_not_supported: reader.strings('features_not_supported', { optional: true }),
    config: { files, download },
  };
  if (value.license !== undefined) {
    const license = reader.child(reader.object('license'), 'license.');
    entry.license = { spdx: license.name('spdx'), notice: license.string('notice') };
    const file = license.string('file', { max: LIMITS.url, optional: true });
    const text = license.string('text', { max: LIMITS.license, optional: true });
    if (file) entry.license.file = file;
    if (text) entry.license.text = text;
  }
  if (importOnly) entry.import_only = importOnly;
  if (value.tile_pad !== undefined) {
    const pad: unknown = value.tile_pad;
    if (type !== 'esrgan') reader.fail('tile_pad', `is for upscalers (type esrgan) only; a ${type} model is not run in tiles`);
    if (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0 && pad <= MAX_TILE_PAD) entry.tile_pad = pad;
    else reader.fail('tile_pad', `must be a whole number of pixels from 0 to ${MAX_TILE_PAD}, not ${preview(pad)}`);
  }
  if (variantsOf(entry).length === 0) reader.fail('config.download', 'gives no precision in which every file of config.files can be downloaded');
  return entry;
}

/**
 * Validates a whole catalog: nataili's object keyed by model name, or a list of entries.
 * Never throws for a bad entry; a catalog that is not an object or list at all gives one error.
 */
export function validateCatalog(data: unknown, source = 'catalog'): CatalogLoad {
  const entries: CatalogEntry[] = [];
  const errors: CatalogError[] = [];
  let items: [label: string, key: string | null, item: unknown][];
  if (Array.isArray(data)) items = data.map((item, index) => [`#${index} in ${source}`, null, item]);
  else if (isObject(data)) items = Object.entries(data).map(([key, item]) => [JSON.stringify(key.slice(0, 80)), key, item]);
  else return { entries, errors: [new CatalogError(source, '(catalog)', `must be an object keyed by model name or a list, not ${typeName(data)}`)] };
  if (items.length > LIMITS.entries) {
    errors.push(new CatalogError(source, '(catalog)', `has ${items.length} entries; only the first ${LIMITS.entries} are read`));
    items = items.slice(0, LIMITS.entries);
  }
  const names = new Set<string>();
  for (const [label, key, item] of items) {
    try {
      const entry = validateEntry(item, label);
      if (key !== null && key !== entry.name) {
        // nataili keys entries by name; a key that disagrees with the name is a copy-paste mistake.
        throw new CatalogError(label, 'name', `is ${preview(entry.name)}, but the entry is keyed ${label}`);
      }
      if (names.has(entry.name)) throw new CatalogError(label, 'name', 'repeats a model already in this catalog');
      names.add(entry.name);
      entries.push(entry);
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      errors.push(error);
    }
  }
  return { entries, errors };
}

/**
 * Whether parsed JSON has a catalog's shape: entries (keyed by model name, or a list) of which at
 * least one is an object with a `config` holding `files` or `download`. A model's own JSON (a
 * tokenizer, a config, a vocabulary) never has it, so an import can tell the two apart without
 * guessing from file names; what looks like a catalog is then validated entry by entry.
 */
export function looksLikeCatalog(data: unknown): boolean {
  const items = Array.isArray(data) ? data : isObject(data) ? Object.values(data) : [];
  return items.some((item) => isObject(item) && isObject(item.config) && (Array.isArray(item.config.files) || Array.isArray(item.config.download)));
}
