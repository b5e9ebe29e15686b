// A catalog entry and what storage holds of it, as the plain data the Models page renders:
// per precision its size, whether it is verified, stored, or partly downloaded.

import type { BaseModelManager } from '../../managers/base.ts';
import { fileKey, type ModelCache } from '../../managers/cache.ts';
import { backendsFor, downloadsFor, variantSize, variantsOf, type CatalogEntry, type Precision } from '../../managers/catalog/schema.ts';
import { expectedHash } from '../../managers/install.ts';
import type { ModelImportOnlyInfo, ModelInfo, ModelVariantInfo } from './types.ts';

// Same test as install.ts's resolveUrl: a URL with a scheme is fetched from elsewhere.
const isAbsolute = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url);

async function describeVariant(cache: ModelCache, entry: CatalogEntry, precision: Precision, stored: Precision[]): Promise<ModelVariantInfo> {
  const downloads = downloadsFor(entry, precision);
  let needsAccept = false;
  let partialBytes = 0;
  for (const download of downloads) {
    if ((await expectedHash(cache, entry, download)) === null) needsAccept = true;
    const record = await cache.files.get(fileKey(entry.name, download.file_name));
    if (record) partialBytes += record.bytes;
  }
  const isStored = stored.includes(precision);
  return {
    precision,
    size: variantSize(entry, precision),
    verified: downloads.every((download) => download.sha256 !== null),
    needsAccept,
    stored: isStored,
    // Files shared with a stored variant (a tokenizer) are not a partial download of this one.
    partialBytes: isStored ? 0 : partialBytes,
    backends: backendsFor(entry, precision),
  };
}

export async function describeModel<S>(manager: BaseModelManager<S>, entry: CatalogEntry): Promise<ModelInfo> {
  const stored = await manager.storedVariants(entry.name);
  const variants = await Promise.all(variantsOf(entry).map((precision) => describeVariant(manager.cache, entry, precision, stored)));
  let recommended: Precision;
  try {
    recommended = await manager.defaultPrecision(entry.name);
  } catch {
    // The platform probe failing must not hide the catalog: the first variant will do.
    recommended = variants[0]!.precision;
  }
  const notes = [...entry.config.files.map((file) => file.note), ...entry.config.download.map((download) => download.note)];
  return {
    name: entry.name,
    type: entry.type,
    description: entry.description,
    version: entry.version,
    style: entry.style,
    nsfw: entry.nsfw,
    baseline: entry.baseline,
    inpainting: entry.inpainting,
    homepage: entry.homepage,
    license: entry.license ? { spdx: entry.license.spdx, notice: entry.license.notice, ...(entry.license.file ? { file: entry.license.file } : {}) } : null,
    builtIn: !entry.import_only && entry.config.download.every((download) => download.file_url !== undefined && !isAbsolute(download.file_url)),
    variants,
    recommended,
    tainted: await manager.taintReason(entry.name),
    notes: [...new Set(notes.filter((note): note is string => Boolean(note)))],
    importOnly: entry.import_only ? importOnlyInfo(entry, entry.import_only.instructions) : null,
  };
}

function importOnlyInfo(entry: CatalogEntry, instructions: string): ModelImportOnlyInfo {
  const files = entry.config.download.map((download) => {
    const file = entry.config.files.find((candidate) => candidate.path === download.file_path);
    return { fileName: download.file_name, inputs: file?.inputs ?? [], outputs: file?.outputs ?? [] };
  });
  return { instructions, files };
}
