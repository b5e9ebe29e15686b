// Decoding real files in Chromium: files written by Chromium's own encoders (PNG, JPEG, WebP)
// and by our exact PNG encoder, with expected pixels taken from the colours the test painted.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { decodeImage } from '../../src/shared/image/decode.ts';
import { encodePngBytes } from '../../src/shared/image/encode-png.ts';
import { concat, exifSegment, pngHeader } from '../unit/image-builders.ts';
import { canvasFile, insertAfterSoi, maxDifference, paint, pixel, QUADRANTS, quadrantOf } from './image-helpers.ts';

const W = 32;
const H = 16;
const quadrantCanvas = () => paint(W, H, (x, y) => quadrantOf(x, y, W, H), 8);

/** Pixels at least `margin` away from the quadrant borders (JPEG blurs colour across them). */
function* interior(width: number, height: number, margin: number): Generator<[number, number]> {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (Math.abs(x + 0.5 - width / 2) >= margin && Math.abs(y + 0.5 - height / 2) >= margin) yield [x, y];
    }
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('decodeImage in Chromium', () => {
  it('decodes a Chromium PNG exactly', async () => {
    const { image, header, readback } = await decodeImage(await canvasFile(quadrantCanvas(), 'image/png'));
    expect(header).toMatchObject({ format: 'png', width: W, height: H, animated: false });
    expect(readback).toBe('webgl');
    expect([image.width, image.height]).toEqual([W, H]);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(pixel(image, x, y)).toEqual([...quadrantOf(x, y, W, H)]);
  });

  it('keeps alpha exactly through an encodePng → decode round trip, colour under α=0 included', async () => {
    const rgba = Uint8ClampedArray.from([100, 50, 20, 3, 200, 100, 50, 128, 10, 20, 30, 0, 255, 128, 1, 255, 0, 0, 0, 0, 1, 2, 3, 254]);
    const source = { width: 3, height: 2, data: rgba };
    const decoded = await decodeImage(new Blob([await encodePngBytes(source)], { type: 'image/png' }));
    expect(decoded.readback).toBe('webgl');
    expect(Array.from(decoded.image.data)).toEqual(Array.from(rgba));
    // Why WebGL readback: the 2D canvas premultiplies, so low-alpha colour does not survive it.
    const viaCanvas = await decodeImage(await encodePngBytes(source), { readback: { prefer: 'canvas2d' } });
    expect(viaCanvas.readback).toBe('canvas2d');
    expect(pixel(viaCanvas.image, 0, 0)).not.toEqual([100, 50, 20, 3]);
    expect(pixel(viaCanvas.image, 2, 0)).toEqual([0, 0, 0, 0]);
  });

  it('reads an image larger than one texture in tiles, still exactly', async () => {
    const width = 21;
    const height = 13;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) data.set([(i * 7) & 255, (i * 13) & 255, (i * 29) & 255, (i * 5) & 255], i * 4);
    const file = await encodePngBytes({ width, height, data });
    const tiled = await decodeImage(file, { readback: { tileSize: 8 } });
    expect(tiled.readback).toBe('webgl');
    expect(Array.from(tiled.image.data)).toEqual(Array.from(data));
  });

  it('decodes a Chromium JPEG within tolerance', async () => {
    const file = await canvasFile(quadrantCanvas(), 'image/jpeg', 0.95);
    const { image, header } = await decodeImage(file);
    expect(header).toMatchObject({ format: 'jpeg', width: W, height: H, cmyk: false, orientation: 1 });
    for (const [x, y] of interior(W, H, 4)) expect(maxDifference(pixel(image, x, y), quadrantOf(x, y, W, H))).toBeLessThanOrEqual(8);
    // Both readback paths see the same decoded JPEG.
    const viaCanvas = await decodeImage(file, { readback: { prefer: 'canvas2d' } });
    expect(Array.from(viaCanvas.image.data)).toEqual(Array.from(image.data));
  });

  it('decodes Chromium WebP: lossless (quality 1) exactly, lossy within tolerance', async () => {
    const lossless = await canvasFile(quadrantCanvas(), 'image/webp', 1);
    const exact = await decodeImage(lossless);
    expect(exact.header).toMatchObject({ format: 'webp', width: W, height: H, animated: false });
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(pixel(exact.image, x, y)).toEqual([...quadrantOf(x, y, W, H)]);
    const lossy = await decodeImage(await canvasFile(quadrantCanvas(), 'image/webp', 0.9));
    for (const [x, y] of interior(W, H, 4)) expect(maxDifference(pixel(lossy.image, x, y), quadrantOf(x, y, W, H))).toBeLessThanOrEqual(10);
  });

  it('decodes a 1×1 image from a Blob and from an ArrayBuffer', async () => {
    const file = await canvasFile(paint(1, 1, () => QUADRANTS[1]!), 'image/png');
    for (const input of [new Blob([file]), file.buffer, file]) {
      const { image } = await decodeImage(input);
      expect([image.width, image.height, ...image.data]).toEqual([1, 1, ...QUADRANTS[1]!]);
    }
  });

  it('applies EXIF orientation 1..8 to a JPEG', async () => {
    const jpeg = await canvasFile(quadrantCanvas(), 'image/jpeg', 0.95);
    // Displayed (x, y) → stored (x, y), per the EXIF orientation definitions.
    const toStored: Record<number, (x: number, y: number) => [number, number]> = {
      1: (x, y) => [x, y],
      2: (x, y) => [W - 1 - x, y],
      3: (x, y) => [W - 1 - x, H - 1 - y],
      4: (x, y) => [x, H - 1 - y],
      5: (x, y) => [y, x],
      6: (x, y) => [y, H - 1 - x],
      7: (x, y) => [W - 1 - y, H - 1 - x],
      8: (x, y) => [W - 1 - y, x],
    };
    for (let orientation = 1; orientation <= 8; orientation++) {
      const { image, header } = await decodeImage(insertAfterSoi(jpeg, exifSegment(orientation)));
      expect(header.orientation).toBe(orientation);
      const turned = orientation >= 5;
      expect([image.width, image.height]).toEqual(turned ? [H, W] : [W, H]);
      // The centre of each displayed quadrant shows the stored quadrant it maps to.
      for (const [fx, fy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const) {
        const x = Math.floor(image.width * fx);
        const y = Math.floor(image.height * fy);
        const [sx, sy] = toStored[orientation]!(x, y);
        expect(maxDifference(pixel(image, x, y), quadrantOf(sx, sy, W, H)), `orientation ${orientation} at ${x},${y}`).toBeLessThanOrEqual(8);
      }
    }
  });

  it('rejects 0×0 and 20000×20000 headers, giving the size and the limit', async () => {
    const empty = await rejection(decodeImage(pngHeader(0, 0)));
    expect(empty).toBeInstanceOf(InvalidInputError);
    expect(empty.message).toMatch(/0×0 pixels, which is empty/);
    const started = performance.now();
    const huge = await rejection(decodeImage(pngHeader(20000, 20000), { maxPixels: 4096 * 4096, maxSide: 20000 }));
    expect(huge.message).toMatch(/20000×20000 pixels \(400,000,000 in all\); at most 16,777,216 pixels fit here/);
    const side = await rejection(decodeImage(new Blob([pngHeader(20000, 20000)]), { maxSide: 8192 }));
    expect(side.message).toMatch(/20000×20000 pixels; at most 8,192 pixels per side/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects a text file, an HTML page and a corrupt PNG with what they are', async () => {
    const textFile = await rejection(decodeImage(new Blob(['a photo of a cat, trending on artstation\n'], { type: 'text/plain' })));
    expect(textFile).toBeInstanceOf(InvalidInputError);
    expect(textFile.message).toMatch(/not an image: it looks like a text file/);
    const html = await rejection(decodeImage(new Blob(['<!doctype html><html><body><img src="cat.png"></body></html>'])));
    expect(html.message).toMatch(/HTML page/);
    const corrupt = await rejection(decodeImage(concat(pngHeader(4, 4), new Uint8Array(64).fill(7))));
    expect(corrupt).toBeInstanceOf(InvalidInputError);
    expect(corrupt.message).toMatch(/This PNG file could not be decoded/);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(decodeImage(pngHeader(1, 1), { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('decodes inside a dedicated worker, exactly', async () => {
    const worker = new Worker(new URL('./image-worker.ts', import.meta.url), { type: 'module' });
    try {
      const file = await encodePngBytes({ width: 2, height: 1, data: Uint8ClampedArray.from([100, 50, 20, 3, 9, 8, 7, 0]) });
      const reply = await new Promise<{ image?: { data: Uint8ClampedArray }; readback?: string; error?: string }>((resolve) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.postMessage(file.buffer, [file.buffer]);
      });
      expect(reply.error).toBeUndefined();
      expect(reply.readback).toBe('webgl');
      expect(Array.from(reply.image!.data)).toEqual([100, 50, 20, 3, 9, 8, 7, 0]);
    } finally {
      worker.terminate();
    }
  });
});
