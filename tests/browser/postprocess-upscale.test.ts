// The post-process worker's upscaling in real Chromium, through the app's WorkerHost: the built-in
// Real-ESRGAN model (installed from the app's own files into IndexedDB on first use) on a real
// picture on WASM and on WebGPU, tiled against whole-image output, alpha, outscale, progress and
// cancel between tiles. Images stay small: WebGPU here is a software adapter.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/shared/image/decode.ts';
import { CancelledError } from '../../src/shared/errors.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import type { PostProcessResult, ProgressEvent, UpscaleRequest } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { addCatalog, copyImage, fetchBlob, fixtureEntry, maxDiff, pixelAt, psnr, testPicture } from './postprocess-helpers.ts';

const BUILTIN = 'realesr-animevideov3-x4';
const host = new WorkerHost({ idleMs: 120_000 });

async function upscale(image: Blob | RgbaImage, request: UpscaleRequest, onProgress?: (e: ProgressEvent) => void): Promise<PostProcessResult> {
  return host.call('postprocess', 'upscale', [image, request], { onProgress });
}

/** The result's pixels: from the PNG the page gets (decoded exactly), or the raw pixels asked for. */
async function pixelsOf(result: PostProcessResult): Promise<RgbaImage> {
  if (result.pixels) return result.pixels;
  return (await decodeImage(result.png!)).image;
}

function nearest(image: RgbaImage, factor: number): RgbaImage {
  const out = new Uint8ClampedArray(image.width * factor * image.height * factor * 4);
  const width = image.width * factor;
  for (let y = 0; y < image.height * factor; y++) {
    for (let x = 0; x < width; x++) {
      const src = (Math.floor(y / factor) * image.width + Math.floor(x / factor)) * 4;
      out.set(image.data.subarray(src, src + 4), (y * width + x) * 4);
    }
  }
  return { width, height: image.height * factor, data: out };
}

let small: Blob;
let original: RgbaImage;

beforeAll(async () => {
  // troll-32 is troll-head-128 shrunk 4× (tests/fixtures/images/README.md).
  small = await fetchBlob('/tests/fixtures/images/ncnn-reference/troll-32.png');
  original = (await decodeImage(await fetchBlob('/tests/fixtures/images/troll-head-128.png'))).image;
  await host.configure({ backend: 'wasm' });
});

afterAll(() => host.releaseAll());

describe('upscaling in the post-process worker', () => {
  it('lists the built-in upscalers, installable offline, with their factor', async () => {
    const models = await host.call('postprocess', 'models', []);
    expect(models.map((m) => m.name)).not.toContain('fixture-esrgan-x2');
    const builtin = models.find((m) => m.name === BUILTIN)!;
    expect(builtin).toMatchObject({ type: 'esrgan', builtin: true, scale: 4, size: 2491788 });
    expect(models.filter((m) => m.builtin).map((m) => m.name)).toEqual(expect.arrayContaining(['realesr-animevideov3-x2', 'realesr-animevideov3-x3']));
    expect(models.some((m) => m.type === 'gfpgan') && models.some((m) => m.type === 'codeformer') && models.some((m) => m.type === 'face_detector')).toBe(true);
  });

  it('upscales a real picture with the real converted model on WASM, then on WebGPU', async () => {
    const events: ProgressEvent[] = [];
    const wasm = await upscale(small, { model: BUILTIN }, (e) => events.push(e));
    expect(wasm).toMatchObject({ width: 128, height: 128, backend: 'wasm', tiles: 1, largestTile: [32, 32], notices: [] });
    expect(wasm.png!.type).toBe('image/png');
    const kinds = events.map((e) => (e.kind === 'tile' ? `tile ${e.index}/${e.count}` : e.kind));
    expect(kinds.slice(-2)).toEqual(['tile 1/1', 'done']);
    expect(kinds).toContain('load');
    const wasmPixels = await pixelsOf(wasm);
    // Real weights: closer to the picture the input was shrunk from than nearest-neighbour is.
    const input = (await decodeImage(small)).image;
    const model = psnr(wasmPixels, original);
    const baseline = psnr(nearest(input, 4), original);
    expect(model).toBeGreaterThan(baseline + 1);

    await host.configure({ backend: 'webgpu' });
    try {
      const gpu = await upscale(small, { model: BUILTIN });
      expect(gpu.backend).toBe('webgpu');
      expect(gpu.reason).toContain('WebGPU');
      expect(maxDiff(await pixelsOf(gpu), wasmPixels)).toBeLessThanOrEqual(2);
    } finally {
      await host.configure({ backend: 'wasm' });
    }
    console.log(`${BUILTIN} on troll-32: PSNR ${model.toFixed(2)} dB vs nearest ${baseline.toFixed(2)} dB`);
  });

  it('gives the same picture tiled as whole, within 1/255 (real model, tile pad 16 and 20)', async () => {
    const picture = await fetchBlob('/tests/fixtures/images/ncnn-reference/troll-64.png');
    const whole = await upscale(picture, { model: BUILTIN, tileSize: 0, output: 'rgba' });
    expect(whole).toMatchObject({ tiles: 1, largestTile: [64, 64] });
    const tiled = await upscale(picture, { model: BUILTIN, tileSize: 16, output: 'rgba' });
    expect(tiled).toMatchObject({ tiles: 16, largestTile: [48, 48], width: 256, height: 256 });
    expect(maxDiff(tiled.pixels!, whole.pixels!)).toBeLessThanOrEqual(1);
    const wide = await upscale(picture, { model: BUILTIN, tileSize: 16, tilePad: 20, output: 'rgba' });
    expect(maxDiff(wide.pixels!, whole.pixels!)).toBe(0);
  });

  it('resamples to any factor: 3× and 2.5× from the 4× model', async () => {
    const three = await upscale(small, { model: BUILTIN, outscale: 3 });
    expect([three.width, three.height]).toEqual([96, 96]);
    expect((await pixelsOf(three)).width).toBe(96);
    const odd = await upscale(testPicture(10, 7), { model: BUILTIN, outscale: 2.5, output: 'rgba' });
    expect([odd.width, odd.height]).toEqual([25, 18]);
  });

  it('upscales alpha separately and keeps it; colour is what the opaque picture gives', async () => {
    // Left third transparent, a soft ramp, right third opaque; colour under α=0 kept.
    const alpha = (x: number) => (x < 10 ? 0 : x >= 22 ? 255 : Math.round(((x - 10) / 12) * 255));
    const picture = testPicture(32, 32, alpha);
    const opaque = testPicture(32, 32);
    const events: ProgressEvent[] = [];
    const withAlpha = await upscale(copyImage(picture), { model: BUILTIN, tileSize: 16 }, (e) => events.push(e));
    expect(withAlpha.tiles).toBe(8); // 4 colour tiles, 4 alpha tiles
    expect(events.filter((e) => e.kind === 'tile').at(-1)).toEqual({ kind: 'tile', index: 8, count: 8 });
    const result = await pixelsOf(withAlpha);
    const plain = (await upscale(opaque, { model: BUILTIN, tileSize: 16, output: 'rgba' })).pixels!;
    for (const channel of [0, 1, 2]) expect(maxDiff(result, plain, channel)).toBe(0);
    for (const y of [0, 60, 127]) {
      expect(pixelAt(result, 8, y)[3]).toBeLessThanOrEqual(2);
      expect(pixelAt(result, 120, y)[3]).toBeGreaterThanOrEqual(253);
      // Halfway up the ramp (x = 16 in the input), alpha is about half.
      expect(Math.abs(pixelAt(result, 16 * 4 + 2, y)[3]! - alpha(16.5))).toBeLessThanOrEqual(24);
    }
  });

  it('reports progress per tile and stops between tiles when cancelled; the worker goes on', async () => {
    const picture = await fetchBlob('/tests/fixtures/images/ncnn-reference/troll-64.png');
    const controller = new AbortController();
    const tiles: number[] = [];
    const job = host.call('postprocess', 'upscale', [picture, { model: BUILTIN, tileSize: 16 }], {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind !== 'tile') return;
        tiles.push(e.index);
        if (e.index === 3) controller.abort();
      },
    });
    await expect(job).rejects.toBeInstanceOf(CancelledError);
    // The worker stopped at a tile boundary: give late events a moment, then count them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tiles.slice(0, 3)).toEqual([1, 2, 3]);
    expect(tiles.length).toBeLessThan(16);
    const next = await upscale(small, { model: BUILTIN, outscale: 1 });
    expect([next.width, next.height]).toEqual([32, 32]);
  });
});

describe('memory is bounded by the tile size', () => {
  const source = 'postprocess-upscale-fixtures.json';
  beforeAll(async () => {
    const entry = await fixtureEntry('fixture-esrgan-x2', 'esrgan', 'esrgan-x2', { inputs: ['input'], outputs: ['output'] });
    expect(await addCatalog(host, source, [entry])).toEqual(['fixture-esrgan-x2']);
    // A catalog model is not stored until downloaded: a job says so instead of downloading it.
    await expect(upscale(testPicture(8, 8), { model: 'fixture-esrgan-x2' })).rejects.toThrow(/not downloaded yet/);
    const events: ProgressEvent[] = [];
    await host.call('postprocess', 'download', ['fixture-esrgan-x2'], { onProgress: (e) => events.push(e) });
    expect(events.some((e) => e.kind === 'download')).toBe(true);
  });
  afterAll(() => host.call('models', 'removeCatalog', [source]));

  it('tiled output equals whole-image output on the fixture model', async () => {
    const picture = testPicture(40, 24);
    const whole = await upscale(copyImage(picture), { model: 'fixture-esrgan-x2', tileSize: 0, output: 'rgba' });
    const tiled = await upscale(copyImage(picture), { model: 'fixture-esrgan-x2', tileSize: 16, tilePad: 10, output: 'rgba' });
    expect(tiled.tiles).toBe(6);
    expect(maxDiff(tiled.pixels!, whole.pixels!)).toBeLessThanOrEqual(1);
  });

  it('hands the session the same largest tensor for a 256² and a 4096² image', async () => {
    const sizes: Record<number, PostProcessResult> = {};
    for (const side of [256, 4096]) {
      // The 4096² result (8192² at ×2) is resampled to 1024² so only a small image comes back.
      sizes[side] = await upscale(testPicture(side, side), { model: 'fixture-esrgan-x2', tileSize: 128, outscale: 1024 / side, output: 'rgba' });
    }
    expect(sizes[256]).toMatchObject({ tiles: 4, largestTile: [160, 160], width: 1024 });
    expect(sizes[4096]).toMatchObject({ tiles: 1024, largestTile: [160, 160], width: 1024 });
    // The default tile on WASM is 128 (+16 context each side), whatever the image.
    const byDefault = await upscale(testPicture(300, 200), { model: 'fixture-esrgan-x2', output: 'rgba' });
    expect(byDefault).toMatchObject({ tiles: 6, largestTile: [160, 160] });
  }, 180_000);

  it('refuses a result too large for a tab before tiling', async () => {
    const error = await upscale(testPicture(4097, 4096), { model: 'fixture-esrgan-x2', output: 'rgba' }).then(() => new Error('no error'), (e: unknown) => e as Error);
    expect(error.message).toMatch(/would be 8194×8192 pixels; at most 67 million/);
  });
});
