// The less common inputs in Chromium: animations (first frame kept, flagged), GIF
// transparency, BMP, and four-component (CMYK / YCCK) JPEGs, built by hand so the stored values
// are known.
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/shared/image/decode.ts';
import { gif } from '../unit/image-builders.ts';
import { flatJpeg } from '../unit/image-jpeg-builder.ts';
import { animatedWebp, bmp24, canvasFile, maxDifference, paint, pixel } from './image-helpers.ts';

/** What ImageDecoder (WebCodecs) says about the file, as a second opinion on our header reading. */
async function webCodecsTrack(bytes: Uint8Array<ArrayBuffer>, type: string): Promise<{ frameCount: number; animated: boolean } | undefined> {
  if (!('ImageDecoder' in self)) return undefined;
  const decoder = new ImageDecoder({ data: bytes, type });
  await decoder.tracks.ready;
  const track = decoder.tracks.selectedTrack!;
  const info = { frameCount: track.frameCount, animated: track.animated };
  decoder.close();
  return info;
}

describe('animated and unusual images in Chromium', () => {
  const palette = [[255, 0, 0], [0, 0, 255], [0, 255, 0]] as const;

  it('decodes the first frame of an animated GIF and flags it', async () => {
    const file = gif(3, 2, palette, [[0, 1, 2, 2, 1, 0], [1, 1, 1, 1, 1, 1]]);
    const { image, header } = await decodeImage(file);
    expect(header).toMatchObject({ format: 'gif', animated: true, frameCount: 2 });
    expect([image.width, image.height]).toEqual([3, 2]);
    const expected = [0, 1, 2, 2, 1, 0].map((i) => [...palette[i]!, 255]);
    for (let i = 0; i < 6; i++) expect(pixel(image, i % 3, Math.floor(i / 3))).toEqual(expected[i]);
    expect(await webCodecsTrack(file, 'image/gif')).toMatchObject({ frameCount: 2, animated: true });
  });

  it('keeps GIF transparency as alpha 0', async () => {
    const { image, header } = await decodeImage(gif(2, 1, palette, [[0, 1]], 1));
    expect(header).toMatchObject({ animated: false, hasAlpha: true });
    expect(pixel(image, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(pixel(image, 1, 0)[3]).toBe(0);
  });

  it('decodes the first frame of an animated WebP and flags it', async () => {
    const red = await canvasFile(paint(4, 4, () => [255, 0, 0, 255]), 'image/webp', 1);
    const blue = await canvasFile(paint(4, 4, () => [0, 0, 255, 255]), 'image/webp', 1);
    const file = animatedWebp(4, 4, [red, blue]);
    const { image, header } = await decodeImage(file);
    expect(header).toMatchObject({ format: 'webp', animated: true, frameCount: 2, width: 4, height: 4 });
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(pixel(image, x, y)).toEqual([255, 0, 0, 255]);
    expect(await webCodecsTrack(file, 'image/webp')).toMatchObject({ frameCount: 2, animated: true });
    // A still WebP is not flagged.
    expect((await decodeImage(red)).header.animated).toBe(false);
  });

  it('decodes a 24-bit BMP exactly', async () => {
    const colour = (x: number, y: number) => [x * 60, y * 100, 7] as const;
    const { image, header } = await decodeImage(bmp24(5, 3, colour));
    expect(header).toMatchObject({ format: 'bmp', width: 5, height: 3 });
    for (let y = 0; y < 3; y++) for (let x = 0; x < 5; x++) expect(pixel(image, x, y)).toEqual([...colour(x, y), 255]);
  });

  describe('four-component JPEG', () => {
    // Stored samples of two flat 8×8 blocks.
    const blocks = [[200, 100, 50, 220], [30, 240, 160, 100]];
    // Adobe (Photoshop) CMYK is stored inverted (255 = no ink), so R = C'·K'/255 with no colour
    // profile: the naive conversion Chromium documents for its JPEG decoder.
    const invertedCmyk = ([c, m, y, k]: number[]) => [c! * k!, m! * k!, y! * k!].map((v) => v / 255);

    it('decodes CMYK with the Adobe inverted-CMYK convention and flags it', async () => {
      for (const adobeTransform of [0, undefined]) {
        const { image, header } = await decodeImage(flatJpeg({ blocksX: 2, blocksY: 1, blocks, adobeTransform }));
        expect(header).toMatchObject({ format: 'jpeg', cmyk: true, width: 16, height: 8 });
        blocks.forEach((block, b) => {
          const [r, g, bl, a] = pixel(image, b * 8 + 3, 4);
          expect(a).toBe(255);
          expect(maxDifference([r!, g!, bl!], invertedCmyk(block))).toBeLessThanOrEqual(1);
        });
      }
    });

    it('decodes YCCK (Adobe transform 2) as YCbCr → inverted CMY, times K', async () => {
      const { image, header } = await decodeImage(flatJpeg({ blocksX: 2, blocksY: 1, blocks, adobeTransform: 2 }));
      expect(header.cmyk).toBe(true);
      blocks.forEach(([y, cb, cr, k], b) => {
        // JFIF YCbCr → RGB, clamped; that RGB is the inverted CMY.
        const rgb = [y! + 1.402 * (cr! - 128), y! - 0.344136 * (cb! - 128) - 0.714136 * (cr! - 128), y! + 1.772 * (cb! - 128)];
        const expected = rgb.map((v) => (255 - Math.round(Math.min(255, Math.max(0, v)))) * k! / 255);
        expect(maxDifference(pixel(image, b * 8 + 3, 4).slice(0, 3), expected)).toBeLessThanOrEqual(1.5);
      });
    });

    it('decodes the 3-component controls exactly (the test encoder is right)', async () => {
      const rgb = [[200, 100, 50], [30, 240, 160]];
      const { image, header } = await decodeImage(flatJpeg({ blocksX: 2, blocksY: 1, blocks: rgb, adobeTransform: 0 }));
      expect(header.cmyk).toBe(false);
      expect(pixel(image, 3, 4)).toEqual([200, 100, 50, 255]);
      expect(pixel(image, 11, 4)).toEqual([30, 240, 160, 255]);
      const grey = await decodeImage(flatJpeg({ blocksX: 1, blocksY: 1, blocks: [[77]] }));
      expect(pixel(grey.image, 0, 0)).toEqual([77, 77, 77, 255]);
    });
  });
});
