import { describe, expect, it } from 'vitest';
import type { RgbaImage as Pixels } from '../../src/shared/image/types.ts';
import type { Affine } from '../../src/pipelines/face/align.ts';
import { featherWeight, pasteBack, warpToCrop } from '../../src/pipelines/face/warp.ts';

function gradient(width: number, height: number): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data.set([x * 2, y * 3, 100, 255], i);
    }
  }
  return { width, height, data };
}

function solid(size: number, rgb: [number, number, number]): Pixels {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  return { width: size, height: size, data };
}

describe('warpToCrop', () => {
  it('cuts out a translated region exactly', () => {
    const image = gradient(64, 64);
    const shift: Affine = [1, 0, -10, 0, 1, -20]; // image (10, 20) → crop (0, 0)
    const crop = warpToCrop(image, shift, 16);
    expect([...crop.data.slice(0, 4)]).toEqual([20, 60, 100, 255]);
    const i = (5 * 16 + 7) * 4; // crop (7, 5) = image (17, 25)
    expect([...crop.data.slice(i, i + 3)]).toEqual([34, 75, 100]);
  });

  it('interpolates bilinearly at half-pixel offsets and fills outside with the border colour', () => {
    const image = gradient(8, 8);
    const crop = warpToCrop(image, [1, 0, -0.5, 0, 1, 0], 4, [1, 2, 3]);
    // crop (0, 0) = image (0.5, 0): red halfway between 0 and 2.
    expect(crop.data[0]).toBe(1);
    const outside = warpToCrop(image, [1, 0, 20, 0, 1, 20], 4, [1, 2, 3]);
    expect([...outside.data.slice(0, 3)]).toEqual([1, 2, 3]);
  });
});

describe('featherWeight', () => {
  it('ramps from 0 at the edge to 1 at the feather width', () => {
    expect(featherWeight(0, 50, 100, 10)).toBe(0);
    expect(featherWeight(5, 50, 100, 10)).toBe(0.5);
    expect(featherWeight(50, 50, 100, 10)).toBe(1);
    expect(featherWeight(-1, 50, 100, 10)).toBe(0);
    expect(featherWeight(99, 50, 100, 10)).toBe(0);
  });
});

describe('pasteBack', () => {
  it('puts the face where it was cut from, with a soft edge and the rest untouched', () => {
    const target = solid(64, [0, 0, 0]);
    const face = solid(32, [200, 100, 50]);
    const toCrop: Affine = [1, 0, -16, 0, 1, -16]; // face covers image 16..47
    pasteBack(target, face, toCrop, 4);
    const at = (x: number, y: number) => [...target.data.slice((y * 64 + x) * 4, (y * 64 + x) * 4 + 3)];
    expect(at(32, 32)).toEqual([200, 100, 50]);
    expect(at(5, 5)).toEqual([0, 0, 0]);
    // Two crop pixels inside the edge: weight 2/4.
    expect(at(18, 32)).toEqual([100, 50, 25]);
    expect(at(16, 32)).toEqual([0, 0, 0]);
  });

  it('undoes warpToCrop for a scaled face: a round trip keeps the image', () => {
    const image = gradient(80, 80);
    const toCrop: Affine = [2, 0, -40, 0, 2, -40]; // image 20..52 → crop 0..64
    const crop = warpToCrop(image, toCrop, 64);
    const copy: Pixels = { ...image, data: image.data.slice() };
    pasteBack(copy, crop, toCrop, 8);
    let maxDiff = 0;
    for (let i = 0; i < copy.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(copy.data[i]! - image.data[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });
});
