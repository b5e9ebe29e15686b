// The PNG encoder checked against Node's own zlib and CRC, with an unfilter written here from
// the PNG spec: what comes out must be the input bytes, exactly.
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePngBytes } from '../../src/shared/image/encode-png.ts';
import { sniffImage } from '../../src/shared/image/sniff.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';

function readPng(file: Uint8Array): { width: number; height: number; colorType: number; pixels: Uint8Array } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Uint8Array[] = [];
  while (at < file.length) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(file.subarray(at + 4, at + 8));
    const body = file.subarray(at + 4, at + 8 + length);
    expect(view.getUint32(at + 8 + length)).toBe(crc32(body));
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      colorType = file[at + 17]!;
    }
    if (type === 'IDAT') idat.push(file.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = colorType === 6 ? 4 : 3;
  const stride = width * bpp;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= bpp ? pixels[y * stride + i - bpp]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = i >= bpp && y > 0 ? pixels[(y - 1) * stride + i - bpp]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      pixels[y * stride + i] = (x + predictor) & 255;
    }
  }
  return { width, height, colorType, pixels };
}

/** Smooth gradients (so every filter type wins somewhere) plus a seeded-noise band. */
function testImage(width: number, height: number, alpha: boolean): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = y > height / 2 ? seed >>> 24 : 0;
      const i = (y * width + x) * 4;
      data.set([(x * 5 + noise) & 255, (y * 3) & 255, (x * y) & 255, alpha ? (x * 17 + y) & 255 : 255], i);
    }
  }
  return { width, height, data };
}

describe('encodePngBytes', () => {
  it('writes RGBA bytes exactly, colour under transparent pixels included', async () => {
    const image = testImage(37, 23, true);
    const file = await encodePngBytes(image);
    expect(sniffImage(file)).toMatchObject({ format: 'png', width: 37, height: 23, hasAlpha: true });
    const png = readPng(file);
    expect(png.colorType).toBe(6);
    expect(Array.from(png.pixels)).toEqual(Array.from(image.data));
  });

  it('writes an opaque image as RGB', async () => {
    const image = testImage(40, 9, false);
    const png = readPng(await encodePngBytes(image));
    expect(png.colorType).toBe(2);
    const rgb = Array.from(image.data).filter((_, i) => i % 4 !== 3);
    expect(Array.from(png.pixels)).toEqual(rgb);
  });

  it('writes 1×1 and rejects inconsistent input', async () => {
    const png = readPng(await encodePngBytes({ width: 1, height: 1, data: Uint8ClampedArray.from([100, 50, 20, 3]) }));
    expect(Array.from(png.pixels)).toEqual([100, 50, 20, 3]);
    await expect(encodePngBytes({ width: 2, height: 2, data: new Uint8ClampedArray(3) })).rejects.toThrow(/must hold 16 bytes/);
  });
});
