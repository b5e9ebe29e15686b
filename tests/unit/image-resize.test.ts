import { describe, expect, it } from 'vitest';
import { axisWeights, keysCubic, triangle } from '../../src/shared/image/resize-weights.ts';
import { resizeImage, resizeTensor } from '../../src/shared/image/resize.ts';
import type { PlanarTensor, RgbaImage } from '../../src/shared/image/types.ts';

const row = (values: number[]): PlanarTensor => ({ data: Float32Array.from(values), dims: [1, 1, 1, values.length] });
const grid = (h: number, w: number, f: (y: number, x: number) => number): PlanarTensor => {
  const data = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = f(y, x);
  return { data, dims: [1, 1, h, w] };
};
const rows = (t: PlanarTensor): number[][] => {
  const [, , h, w] = t.dims;
  return Array.from({ length: h }, (_, y) => Array.from(t.data.subarray(y * w, (y + 1) * w)));
};
const torchBicubic = { filter: 'bicubic', antialias: false, cubicA: -0.75, edge: 'replicate' } as const;

describe('kernels', () => {
  it('Keys cubic matches hand-computed values for a = −0.5 and −0.75', () => {
    expect(keysCubic(0, -0.5)).toBe(1);
    expect(keysCubic(1, -0.5)).toBeCloseTo(0, 15);
    expect(keysCubic(2, -0.5)).toBeCloseTo(0, 15);
    expect(keysCubic(0.5, -0.5)).toBe(0.5625);
    expect(keysCubic(-1.5, -0.5)).toBe(-0.0625);
    expect(keysCubic(0.25, -0.5)).toBe(0.8671875);
    expect(keysCubic(1.25, -0.5)).toBe(-0.0703125);
    expect(keysCubic(0.5, -0.75)).toBe(0.59375);
    expect(keysCubic(1.5, -0.75)).toBe(-0.09375);
    expect(triangle(0.25)).toBe(0.75);
    expect(triangle(-1)).toBe(0);
  });

  it('weights of every output sum to 1, for up- and downscaling, both filters and edges', () => {
    for (const [from, to] of [[4, 8], [8, 4], [7, 3], [3, 7], [100, 33], [5, 5]]) {
      for (const filter of ['bilinear', 'bicubic'] as const) {
        for (const edge of ['renormalize', 'replicate'] as const) {
          for (const antialias of [true, false]) {
            const w = axisWeights(from!, to!, { filter, edge, antialias });
            for (let i = 0; i < to!; i++) {
              let sum = 0;
              for (let k = 0; k < w.count[i]!; k++) sum += w.weights[i * w.taps + k]!;
              expect(sum).toBeCloseTo(1, 12);
              expect(w.first[i]!).toBeGreaterThanOrEqual(0);
              expect(w.first[i]! + w.count[i]!).toBeLessThanOrEqual(from!);
            }
          }
        }
      }
    }
  });

  it('same size gives one-hot weights', () => {
    const w = axisWeights(5, 5, { filter: 'bicubic' });
    for (let i = 0; i < 5; i++) {
      const taps = Array.from(w.weights.subarray(i * w.taps, i * w.taps + w.count[i]!));
      expect(taps[i - w.first[i]!]).toBe(1);
      expect(taps.reduce((a, b) => a + Math.abs(b), 0)).toBe(1);
    }
  });
});

describe('resizeTensor', () => {
  it('bilinear 2×2 → 4×4 gives PyTorch align_corners=False numbers', () => {
    // 1-D: [a, b] → [a, ¾a + ¼b, ¼a + ¾b, b] (output centres at −0.25, 0.25, 0.75, 1.25, clamped).
    const out = resizeTensor(grid(2, 2, (y, x) => y * 8 + x * 4), 4, 4, { filter: 'bilinear' });
    expect(out.dims).toEqual([1, 1, 4, 4]);
    expect(rows(out)).toEqual([
      [0, 1, 3, 4],
      [2, 3, 5, 6],
      [6, 7, 9, 10],
      [8, 9, 11, 12],
    ]);
  });

  it('bicubic 4 → 8 matches hand-computed taps inside and at the border', () => {
    const input = row([0, 10, 20, 40]);
    // Output 3: centre 1.75 → taps 0..3 at distances 1.25, 0.25, 0.75, 1.75.
    const interior = -0.0703125 * 0 + 0.8671875 * 10 + 0.2265625 * 20 - 0.0234375 * 40;
    const pil = resizeTensor(input, 8, 1, { filter: 'bicubic' });
    expect(pil.data[3]).toBeCloseTo(interior, 5);
    // Output 0, PIL: taps −2, −1 fall outside and are dropped; 0 and 1 are renormalised.
    expect(pil.data[0]).toBeCloseTo((0.8671875 * 0 - 0.0703125 * 10) / (0.8671875 - 0.0703125), 5);
    // Output 0, PyTorch (a = −0.75, edge replicated): taps −2, −1, 0 read 0, tap 1 weighs −0.10546875.
    const torch = resizeTensor(input, 8, 1, torchBicubic);
    expect(torch.data[0]).toBeCloseTo(-1.0546875, 5);
    // Inside, replicate and renormalise agree once the kernel is the same.
    const sameKernel = resizeTensor(input, 8, 1, { filter: 'bicubic', edge: 'replicate' });
    expect(sameKernel.data[3]).toBeCloseTo(interior, 5);
  });

  it('keeps the input when the size does not change, in a new buffer', () => {
    const input = grid(3, 5, (y, x) => Math.sin(y * 5 + x));
    const out = resizeTensor(input, 5, 3, { filter: 'bicubic' });
    expect(out.data).toEqual(input.data);
    expect(out.data.buffer).not.toBe(input.data.buffer);
  });

  it('resizes each plane of a batch on its own', () => {
    const data = new Float32Array(2 * 3 * 2 * 2);
    for (let p = 0; p < 6; p++) data.fill(p, p * 4, p * 4 + 4);
    const out = resizeTensor({ data, dims: [2, 3, 2, 2] }, 5, 3, { filter: 'bicubic' });
    expect(out.dims).toEqual([2, 3, 3, 5]);
    for (let p = 0; p < 6; p++) for (const v of out.data.subarray(p * 15, (p + 1) * 15)) expect(v).toBeCloseTo(p, 5);
  });

  it('antialiased downscale averages a checkerboard to grey; plain sampling aliases', () => {
    const board = (n: number) => grid(n, n, (y, x) => (x + y) % 2);
    // Factor 4: inside, the stretched triangle puts exactly half its weight on each colour.
    const even = resizeTensor(board(32), 8, 8, { filter: 'bilinear', antialias: true });
    for (let y = 1; y < 7; y++) for (let x = 1; x < 7; x++) expect(even.data[y * 8 + x]).toBeCloseTo(0.5, 6);
    for (const v of even.data) expect(Math.abs(v - 0.5)).toBeLessThan(0.05);
    // Factor 3: the window (weights ⅓ ⅔ 1 ⅔ ⅓ per axis) is centred on a pixel: 41/81 on its colour.
    const odd = resizeTensor(board(27), 9, 9, { filter: 'bilinear', antialias: true });
    const centreColour = (y: number, x: number) => (3 * y + 1 + 3 * x + 1) % 2;
    for (let y = 1; y < 8; y++) {
      for (let x = 1; x < 8; x++) expect(odd.data[y * 9 + x]).toBeCloseTo(centreColour(y, x) ? 41 / 81 : 40 / 81, 5);
    }
    const aliased = resizeTensor(board(27), 9, 9, { filter: 'bilinear', antialias: false });
    for (let y = 0; y < 9; y++) for (let x = 0; x < 9; x++) expect(aliased.data[y * 9 + x]).toBeCloseTo(centreColour(y, x), 6);
  });
});

describe('resizeImage', () => {
  const image = (width: number, height: number, pixels: number[][]): RgbaImage => ({ width, height, data: Uint8ClampedArray.from(pixels.flat()) });

  it('returns an equal copy at the same size', () => {
    const input = image(2, 1, [[1, 2, 3, 4], [5, 6, 7, 8]]);
    const out = resizeImage(input, 2, 1, { filter: 'bicubic' });
    expect(out).toEqual(input);
    expect(out.data).not.toBe(input.data);
  });

  it('does not bleed the colour of transparent pixels (premultiplied resize)', () => {
    const input = image(2, 1, [[255, 0, 0, 255], [0, 255, 0, 0]]);
    const out = resizeImage(input, 4, 1, { filter: 'bilinear' });
    // Alpha 255, 191.25, 63.75, 0; premultiplied red divides back to 255; no green anywhere.
    expect(Array.from(out.data)).toEqual([255, 0, 0, 255, 255, 0, 0, 191, 255, 0, 0, 64, 0, 0, 0, 0]);
  });

  it('averages colours by their alpha', () => {
    // Half-transparent white beside opaque black, shrunk to one pixel: alpha (128 + 255)/2 =
    // 191.5 → 192; colour (255·128/255 / 2) / 191.5 · 255 = 85.2 → 85 (not the naive 127.5).
    const out = resizeImage(image(2, 1, [[255, 255, 255, 128], [0, 0, 0, 255]]), 1, 1, { filter: 'bilinear' });
    expect(Array.from(out.data)).toEqual([85, 85, 85, 192]);
  });

  it('upscales a 1×1 image to a flat image and keeps opaque images opaque under bicubic overshoot', () => {
    const out = resizeImage(image(1, 1, [[10, 20, 30, 255]]), 3, 2, { filter: 'bicubic' });
    expect(Array.from(out.data)).toEqual(new Array(6).fill([10, 20, 30, 255]).flat());
    const edge = resizeImage(image(4, 1, [[0, 0, 0, 255], [0, 0, 0, 255], [255, 255, 255, 255], [255, 255, 255, 255]]), 16, 1, { filter: 'bicubic' });
    for (let i = 0; i < 16; i++) expect(edge.data[i * 4 + 3]).toBe(255);
    // Overshoot past 0 and 255 is clamped, not wrapped.
    expect(Math.min(...edge.data)).toBe(0);
    expect(Math.max(...edge.data)).toBe(255);
  });

  it('rejects a bad filter or size with a clear message', () => {
    const input = image(1, 1, [[0, 0, 0, 255]]);
    expect(() => resizeImage(input, 0, 4, { filter: 'bilinear' })).toThrow(/positive whole width and height; got 0×4/);
    expect(() => resizeImage(input, 2, 2, { filter: 'lanczos' as 'bilinear' })).toThrow(/'bilinear' or 'bicubic'/);
    expect(() => resizeImage({ width: 2, height: 2, data: new Uint8ClampedArray(4) }, 1, 1, { filter: 'bilinear' })).toThrow(/must hold 16 bytes/);
  });
});
