// encodeImage in Chromium: PNG exact with alpha, JPEG and WebP through the browser's encoders.
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/shared/image/decode.ts';
import { encodeImage, type EncodeType } from '../../src/shared/image/encode.ts';
import { sniffImage } from '../../src/shared/image/sniff.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import { maxDifference, pixel, quadrantOf } from './image-helpers.ts';

const W = 32;
const H = 32;
/** Quadrant colours, with the right half's alpha set to `alpha`. */
function quadrants(alpha = 255): RgbaImage {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) data.set([...quadrantOf(x, y, W, H).slice(0, 3), x < W / 2 ? 255 : alpha], (y * W + x) * 4);
  }
  return { width: W, height: H, data };
}

async function bytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

describe('encodeImage in Chromium', () => {
  it('writes PNG that decodes back exactly, alpha included', async () => {
    const image = quadrants(77);
    image.data.set([1, 2, 3, 0], 0); // colour under a transparent pixel
    const blob = await encodeImage(image);
    expect(blob.type).toBe('image/png');
    expect((await decodeImage(blob)).image).toEqual(image);
  });

  it('writes JPEG whose size follows quality, dropping alpha or blending it on a background', async () => {
    const small = await encodeImage(quadrants(), { type: 'image/jpeg', quality: 0.2 });
    const large = await encodeImage(quadrants(), { type: 'image/jpeg', quality: 0.98 });
    expect(small.type).toBe('image/jpeg');
    expect(sniffImage(await bytes(large))).toMatchObject({ format: 'jpeg', width: W, height: H });
    expect(small.size).toBeLessThan(large.size);
    const decoded = (await decodeImage(large)).image;
    expect(maxDifference(pixel(decoded, 4, 4), quadrantOf(4, 4, W, H))).toBeLessThanOrEqual(6);
    // Alpha 0 on the right: dropped keeps the colour; a white background replaces it.
    const transparent = quadrants(0);
    const dropped = (await decodeImage(await encodeImage(transparent, { type: 'image/jpeg', quality: 0.98 }))).image;
    expect(maxDifference(pixel(dropped, 28, 4), quadrantOf(28, 4, W, H))).toBeLessThanOrEqual(6);
    const blended = (await decodeImage(await encodeImage(transparent, { type: 'image/jpeg', quality: 0.98, background: [255, 255, 255] }))).image;
    expect(maxDifference(pixel(blended, 28, 4), [255, 255, 255, 255])).toBeLessThanOrEqual(6);
  });

  it('writes WebP with alpha', async () => {
    const image = quadrants(0);
    for (const quality of [0.9, 1]) {
      const blob = await encodeImage(image, { type: 'image/webp', quality });
      const { image: back, header } = await decodeImage(blob);
      expect(header).toMatchObject({ format: 'webp', hasAlpha: true });
      expect(pixel(back, 28, 4)[3]).toBe(0);
      expect(maxDifference(pixel(back, 4, 4), quadrantOf(4, 4, W, H))).toBeLessThanOrEqual(quality === 1 ? 0 : 10);
    }
  });

  it('refuses a quality outside 0..1 and a type the browser cannot write', async () => {
    await expect(encodeImage(quadrants(), { type: 'image/jpeg', quality: 90 })).rejects.toThrow(/between 0 and 1; got 90/);
    await expect(encodeImage(quadrants(), { type: 'image/avif' as EncodeType })).rejects.toThrow(/cannot encode image\/avif \(it produced image\/png\)/);
  });
});
