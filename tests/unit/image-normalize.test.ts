import { describe, expect, it } from 'vitest';
import { alphaToGray, grayToAlpha, mergeAlpha, splitAlpha } from '../../src/shared/image/alpha.ts';
import { centerCropImage, centerCropRect, cropImage, resizeAndCenterCrop, shortestSideSize } from '../../src/shared/image/crop.ts';
import { batchTensors, CLIP_MEAN, CLIP_STD, imagesToTensor, imageToTensor, tensorToImage } from '../../src/shared/image/normalize.ts';
import { clipPreprocess } from '../../src/shared/image/preprocess.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';

const image = (width: number, height: number, pixels: number[][]): RgbaImage => ({ width, height, data: Uint8ClampedArray.from(pixels.flat()) });
const solid = (width: number, height: number, rgba: number[]): RgbaImage => image(width, height, new Array(width * height).fill(rgba));
/** Every byte value appears in each channel: 256 pixels. */
const ramp = (): RgbaImage => image(16, 16, Array.from({ length: 256 }, (_, i) => [i, 255 - i, (i * 7) % 256, (i * 3) % 256]));

describe('imageToTensor', () => {
  const pixels = image(2, 1, [[255, 0, 128, 255], [0, 255, 64, 10]]);

  it('scales to [0, 1] in NCHW planes, dropping alpha', () => {
    const t = imageToTensor(pixels);
    expect(t.dims).toEqual([1, 3, 1, 2]);
    const expected = [1, 0, 0, 1, 128 / 255, 64 / 255];
    expected.forEach((v, i) => expect(t.data[i]).toBeCloseTo(v, 6));
  });

  it('maps to [−1, 1]', () => {
    const t = imageToTensor(pixels, { range: '-1..1' });
    const expected = [1, -1, -1, 1, 128 / 127.5 - 1, 64 / 127.5 - 1];
    expected.forEach((v, i) => expect(t.data[i]).toBeCloseTo(v, 6));
  });

  it("applies CLIP's mean and std after scaling", () => {
    const t = imageToTensor(pixels, { mean: CLIP_MEAN, std: CLIP_STD });
    // R plane: (1 − 0.48145466) / 0.26862954 = 1.9303361…, (0 − 0.48145466) / 0.26862954 = −1.7922626…
    expect(t.data[0]).toBeCloseTo(1.9303361, 5);
    expect(t.data[1]).toBeCloseTo(-1.7922626, 5);
    expect(t.data[5]).toBeCloseTo((64 / 255 - 0.40821073) / 0.27577711, 6);
  });

  it('rejects bad mean/std', () => {
    expect(() => imageToTensor(pixels, { mean: [0.5, 0.5] })).toThrow(/mean needs three finite numbers/);
    expect(() => imageToTensor(pixels, { std: [1, 0, 1] })).toThrow(/std must not contain 0/);
  });

  it('batches images of one size and refuses mixed sizes', () => {
    const batch = imagesToTensor([solid(2, 2, [255, 0, 0, 255]), solid(2, 2, [0, 0, 255, 255])]);
    expect(batch.dims).toEqual([2, 3, 2, 2]);
    expect(Array.from(batch.data)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(() => imagesToTensor([solid(2, 2, [0, 0, 0, 255]), solid(3, 2, [0, 0, 0, 255])])).toThrow(/image 0 is 2×2, image 1 is 3×2. Resize or crop/);
    const joined = batchTensors([imageToTensor(solid(2, 2, [255, 255, 255, 255])), batch]);
    expect(joined.dims).toEqual([3, 3, 2, 2]);
    expect(Array.from(joined.data.subarray(0, 12))).toEqual(new Array(12).fill(1));
    expect(Array.from(joined.data.subarray(12))).toEqual(Array.from(batch.data));
    expect(() => batchTensors([imageToTensor(solid(1, 1, [0, 0, 0, 255])), batch])).toThrow(/share C, H, W: \[1, 3, 1, 1\] vs \[2, 3, 2, 2\]/);
  });
});

describe('tensorToImage', () => {
  it('round-trips every byte value through both ranges', () => {
    const src = ramp();
    for (const range of ['0..1', '-1..1'] as const) {
      const back = tensorToImage(imageToTensor(src, { range }), { range });
      for (let i = 0; i < 256; i++) {
        expect([back.data[i * 4], back.data[i * 4 + 1], back.data[i * 4 + 2], back.data[i * 4 + 3]]).toEqual([i, 255 - i, (i * 7) % 256, 255]);
      }
    }
  });

  it('clamps, rounds, and turns NaN into 0', () => {
    const t = { data: Float32Array.from([-0.5, 1.5, Number.NaN, 0.5 / 255 + 1e-6, 0.4 / 255, 1.2 / 255]), dims: [1, 1, 1, 6] as [number, number, number, number] };
    const out = tensorToImage(t);
    expect(Array.from(out.data).filter((_, i) => i % 4 === 0)).toEqual([0, 255, 0, 1, 0, 1]);
    const signed = tensorToImage({ data: Float32Array.from([-2, 0, 2]), dims: [1, 1, 1, 3] }, { range: '-1..1' });
    expect(Array.from(signed.data).filter((_, i) => i % 4 === 0)).toEqual([0, 128, 255]);
  });

  it('picks a batch item, reads 1 and 4 channels, and attaches an alpha plane', () => {
    const batch = imagesToTensor([solid(1, 1, [255, 0, 0, 255]), solid(1, 1, [0, 255, 0, 255])]);
    expect(Array.from(tensorToImage(batch, { index: 1 }).data)).toEqual([0, 255, 0, 255]);
    expect(() => tensorToImage(batch, { index: 2 })).toThrow(/Batch index 2 is outside 0..1/);
    expect(Array.from(tensorToImage({ data: Float32Array.from([0.2]), dims: [1, 1, 1, 1] }).data)).toEqual([51, 51, 51, 255]);
    expect(Array.from(tensorToImage({ data: Float32Array.from([1, 0, 0, 0.2]), dims: [1, 4, 1, 1] }).data)).toEqual([255, 0, 0, 51]);
    const alpha = { width: 1, height: 1, data: Uint8ClampedArray.from([7]) };
    expect(Array.from(tensorToImage(batch, { alpha }).data)).toEqual([255, 0, 0, 7]);
    expect(() => tensorToImage(batch, { alpha: { width: 2, height: 1, data: new Uint8ClampedArray(2) } })).toThrow(/alpha plane is 2×1; the image is 1×1/);
    expect(() => tensorToImage({ data: new Float32Array(2), dims: [1, 2, 1, 1] })).toThrow(/1, 3 or 4 channels; this one has 2/);
  });
});

describe('crops', () => {
  it("centre-crops on torchvision's offsets (Python rounding: halves to even)", () => {
    expect(centerCropRect(5, 5, 2, 2)).toMatchObject({ x: 2, y: 2 }); // round(1.5) = 2
    expect(centerCropRect(7, 4, 2, 1)).toMatchObject({ x: 2, y: 2 }); // round(2.5) = 2, round(1.5) = 2
    expect(centerCropRect(9, 6, 2, 3)).toMatchObject({ x: 4, y: 2 }); // round(3.5) = 4, round(1.5) = 2
    expect(centerCropRect(2, 2, 5, 2)).toMatchObject({ x: -1, y: 0 }); // pad 1 left, 2 right
  });

  it('copies the right pixels and pads outside with transparent black', () => {
    const src = image(3, 2, [[1, 1, 1, 255], [2, 2, 2, 255], [3, 3, 3, 255], [4, 4, 4, 255], [5, 5, 5, 255], [6, 6, 6, 255]]);
    expect(Array.from(cropImage(src, { x: 1, y: 1, width: 2, height: 1 }).data)).toEqual([5, 5, 5, 255, 6, 6, 6, 255]);
    expect(Array.from(cropImage(src, { x: -1, y: 1, width: 2, height: 2 }).data)).toEqual([0, 0, 0, 0, 4, 4, 4, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(centerCropImage(src, 1, 2).data)).toEqual([2, 2, 2, 255, 5, 5, 5, 255]);
  });

  it('sizes the shortest side and truncates the longer like torchvision', () => {
    expect(shortestSideSize(640, 480, 224)).toEqual({ width: 298, height: 224 }); // int(298.67)
    expect(shortestSideSize(480, 640, 224)).toEqual({ width: 224, height: 298 });
    expect(shortestSideSize(300, 300, 224)).toEqual({ width: 224, height: 224 });
    expect(shortestSideSize(10000, 10, 5)).toEqual({ width: 5000, height: 5 });
  });

  it('resize-then-crop keeps the centre of a wide image', () => {
    // 90×20 in red, green, blue thirds → 45×10 → crop x = round(17.5) = 18..27, which reads
    // source columns 36..55 plus the stretched kernel's ±4: all inside the green 30..59.
    const wide = image(90, 20, Array.from({ length: 1800 }, (_, i) => (i % 90 < 30 ? [255, 0, 0, 255] : i % 90 < 60 ? [0, 255, 0, 255] : [0, 0, 255, 255])));
    const out = resizeAndCenterCrop(wide, 10);
    expect(out.width).toBe(10);
    expect(out.height).toBe(10);
    for (let i = 0; i < 100; i++) expect(Array.from(out.data.subarray(i * 4, i * 4 + 4))).toEqual([0, 255, 0, 255]);
  });
});

describe('clipPreprocess', () => {
  it('gives [n, 3, 224, 224] with the CLIP normalisation of each pixel', () => {
    const colour = [200, 100, 50];
    const t = clipPreprocess([solid(64, 48, [...colour, 255]), solid(30, 90, [...colour, 255])]);
    expect(t.dims).toEqual([2, 3, 224, 224]);
    const plane = 224 * 224;
    for (let n = 0; n < 2; n++) {
      for (let c = 0; c < 3; c++) {
        const expected = (colour[c]! / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!;
        const at = (n * 3 + c) * plane;
        for (const i of [0, 1, 223, plane / 2 + 112, plane - 1]) expect(t.data[at + i]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('honours another size', () => {
    expect(clipPreprocess([solid(50, 40, [0, 0, 0, 255])], { size: 336 }).dims).toEqual([1, 3, 336, 336]);
  });
});

describe('alpha helpers', () => {
  it('splits and merges back exactly, keeping colour under transparent pixels', () => {
    const src = ramp();
    const { rgb, alpha } = splitAlpha(src);
    expect(alpha.data.length).toBe(256);
    for (let i = 0; i < 256; i++) {
      expect(alpha.data[i]).toBe(src.data[i * 4 + 3]);
      expect(rgb.data[i * 4 + 3]).toBe(255);
      expect(rgb.data[i * 4]).toBe(src.data[i * 4]);
    }
    expect(mergeAlpha(rgb, alpha)).toEqual(src);
    expect(() => mergeAlpha(rgb, { width: 1, height: 1, data: new Uint8ClampedArray(1) })).toThrow(/alpha plane is 1×1 but the image is 16×16/);
  });

  it('turns alpha into a grey image and back (0.299 + 0.587 + 0.114 = 1)', () => {
    const alpha = { width: 256, height: 1, data: Uint8ClampedArray.from({ length: 256 }, (_, i) => i) };
    const gray = alphaToGray(alpha);
    expect(Array.from(gray.data.subarray(40, 44))).toEqual([10, 10, 10, 255]);
    expect(grayToAlpha(gray)).toEqual(alpha);
    // OpenCV's weights on a coloured pixel: 0.299·200 + 0.587·100 + 0.114·50 = 124.2 → 124.
    expect(grayToAlpha(image(1, 1, [[200, 100, 50, 255]])).data[0]).toBe(124);
  });
});
