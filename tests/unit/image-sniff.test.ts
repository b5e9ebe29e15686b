import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { decodeImage, readImageHeader } from '../../src/shared/image/decode.ts';
import { orientedSize } from '../../src/shared/image/header.ts';
import { checkImageSize, DEFAULT_MAX_PIXELS } from '../../src/shared/image/limits.ts';
import { describeNonImage, identifyImageFormat, sniffImage } from '../../src/shared/image/sniff.ts';
import {
  adobeSegment,
  avifHeader,
  bmpHeader,
  concat,
  exifSegment,
  gif,
  jpegHeader,
  le16,
  le32,
  pngHeader,
  text,
  webpVp8,
  webpVp8l,
  webpVp8x,
} from './image-builders.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('image headers', () => {
  it('reads PNG size, alpha from the colour type or tRNS, and APNG frames', () => {
    expect(sniffImage(pngHeader(640, 480))).toMatchObject({ format: 'png', width: 640, height: 480, hasAlpha: true, animated: false, frameCount: 1 });
    expect(sniffImage(pngHeader(3, 2, { colorType: 2 })).hasAlpha).toBe(false);
    expect(sniffImage(pngHeader(3, 2, { colorType: 2, trns: true })).hasAlpha).toBe(true);
    expect(sniffImage(pngHeader(8, 8, { frames: 5 }))).toMatchObject({ animated: true, frameCount: 5 });
    expect(sniffImage(pngHeader(8, 8, { frames: 1 })).animated).toBe(false);
  });

  it('reads JPEG SOF0 size and tells 3 components from 4 (CMYK)', () => {
    expect(sniffImage(jpegHeader(1920, 1080, 3))).toMatchObject({ format: 'jpeg', width: 1920, height: 1080, cmyk: false, orientation: 1 });
    expect(sniffImage(jpegHeader(100, 50, 4, [adobeSegment(0)]))).toMatchObject({ width: 100, height: 50, cmyk: true });
    expect(sniffImage(jpegHeader(100, 50, 1)).cmyk).toBe(false);
  });

  it('finds the SOF after fill bytes and other segments, and progressive SOF2 too', () => {
    const b = jpegHeader(33, 44, 3, [adobeSegment(1)]);
    const withFill = concat(b.subarray(0, 2), [0xff, 0xff], b.subarray(2));
    expect(sniffImage(withFill)).toMatchObject({ width: 33, height: 44 });
    const progressive = jpegHeader(7, 9, 3);
    const sof = progressive.findIndex((v, i) => v === 0xff && progressive[i + 1] === 0xc0);
    progressive[sof + 1] = 0xc2;
    expect(sniffImage(progressive)).toMatchObject({ width: 7, height: 9 });
  });

  it('reads EXIF orientation (both byte orders) and swaps the oriented size for 5..8', () => {
    const rotated = sniffImage(jpegHeader(400, 300, 3, [exifSegment(6)]));
    expect(rotated.orientation).toBe(6);
    expect(orientedSize(rotated)).toEqual({ width: 300, height: 400 });
    expect(sniffImage(jpegHeader(400, 300, 3, [exifSegment(3, true)])).orientation).toBe(3);
    expect(orientedSize(sniffImage(jpegHeader(400, 300, 3, [exifSegment(3)])))).toEqual({ width: 400, height: 300 });
  });

  it('reads WebP VP8, VP8L (with its alpha bit) and VP8X (animation flag, frames counted)', () => {
    expect(sniffImage(webpVp8(321, 123))).toMatchObject({ format: 'webp', width: 321, height: 123, animated: false, hasAlpha: false });
    expect(sniffImage(webpVp8l(16384, 1, true))).toMatchObject({ width: 16384, height: 1, hasAlpha: true });
    expect(sniffImage(webpVp8l(5, 7, false))).toMatchObject({ width: 5, height: 7, hasAlpha: false });
    expect(sniffImage(webpVp8x(1000, 2000, { alpha: true }))).toMatchObject({ width: 1000, height: 2000, hasAlpha: true, animated: false });
    expect(sniffImage(webpVp8x(64, 32, { animated: true, frames: 2 }))).toMatchObject({ width: 64, height: 32, animated: true, frameCount: 2 });
    // The flag alone (a file cut before its frames) is still reported as animated.
    expect(sniffImage(webpVp8x(64, 32, { animated: true, frames: 0 })).animated).toBe(true);
  });

  it('counts GIF frames', () => {
    const palette = [[255, 0, 0], [0, 0, 255]] as const;
    const still = gif(2, 2, palette, [[0, 1, 1, 0]]);
    const animated = gif(2, 2, palette, [[0, 0, 0, 0], [1, 1, 1, 1]]);
    expect(sniffImage(still)).toMatchObject({ format: 'gif', width: 2, height: 2, animated: false, frameCount: 1, hasAlpha: false });
    expect(sniffImage(animated)).toMatchObject({ animated: true, frameCount: 2 });
    expect(sniffImage(gif(2, 2, palette, [[0, 1, 1, 0]], 1)).hasAlpha).toBe(true);
  });

  it('reads BMP and AVIF sizes', () => {
    expect(sniffImage(bmpHeader(31, 17))).toMatchObject({ format: 'bmp', width: 31, height: 17 });
    expect(sniffImage(avifHeader(4032, 3024))).toMatchObject({ format: 'avif', width: 4032, height: 3024, animated: false });
    expect(sniffImage(avifHeader(10, 10, 'avis')).animated).toBe(true);
  });

  it('says a truncated header is truncated', () => {
    expect(() => sniffImage(pngHeader(5, 5).subarray(0, 20))).toThrow(/PNG file is cut short/);
    expect(() => sniffImage(jpegHeader(5, 5, 3).subarray(0, 10))).toThrow(/JPEG file is cut short/);
    expect(() => sniffImage(webpVp8x(5, 5).subarray(0, 22))).toThrow(/WebP file is cut short/);
    expect(() => sniffImage(gif(1, 1, [[0, 0, 0]], [[0]]).subarray(0, 20))).toThrow(/GIF file is cut short.*first frame/);
    expect(() => sniffImage(concat([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toThrow(/without a frame header/);
  });
});

describe('non-images', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /file is empty \(0 bytes\)/],
    ['HTML', utf8('\uFEFF  <!DOCTYPE html><html><head><title>cat.png</title>'), /looks like an HTML page/],
    ['HTML without doctype', utf8('<meta charset="utf-8"><body>hello</body>'), /HTML page/],
    ['zip', concat([0x50, 0x4b, 0x03, 0x04], new Uint8Array(40)), /looks like a zip archive/],
    ['PDF', utf8('%PDF-1.7\n'), /PDF document/],
    ['gzip', concat([0x1f, 0x8b, 0x08], new Uint8Array(10)), /gzip archive/],
    ['SVG', utf8('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'), /SVG drawing.*export it as PNG/],
    ['JSON', utf8('{"prompt": "a cat"}'), /JSON file/],
    ['plain text', utf8('a photo of a cat\n'), /text file/],
    ['HEIC', concat(le32(0x18000000), text('ftypheic'), new Uint8Array(12)), /HEIC\/HEIF photo/],
    ['TIFF', concat([0x49, 0x49, 0x2a, 0x00], new Uint8Array(8)), /TIFF image/],
    ['binary', Uint8Array.from([0, 1, 2, 3, 0xfe, 0xed, 0, 0, 9]), /unrecognised binary data \(it starts with bytes 00 01 02 03 fe ed 00 00\)/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`rejects ${name} with a message naming it`, () => {
      expect(identifyImageFormat(bytes)).toBeUndefined();
      let error: unknown;
      try {
        sniffImage(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/Choose a PNG, JPEG, WebP, GIF, BMP or AVIF image/);
    });
  }

  it('does not take text that starts with BM for a bitmap', () => {
    expect(describeNonImage(utf8('BMW owners manual'))).toBe('a text file');
  });
});

describe('size limits', () => {
  it('rejects 0×0 and says the file is corrupt', () => {
    expect(() => checkImageSize(0, 0)).toThrow(/0×0 pixels, which is empty/);
    expect(() => sniffImageChecked(pngHeader(0, 0))).toThrow(/0×0/);
  });

  it('rejects an oversize side or pixel count, giving the limit and the image size', () => {
    expect(() => checkImageSize(20000, 20000, { maxSide: 8192 })).toThrow(/20000×20000 pixels; at most 8,192 pixels per side/);
    expect(() => checkImageSize(5000, 5000, { maxPixels: 1024 * 1024 })).toThrow(/5000×5000 pixels \(25,000,000 in all\); at most 1,048,576 pixels fit here \(about 1024×1024\)/);
    expect(() => checkImageSize(8192, 8192)).not.toThrow();
    expect(() => checkImageSize(8192, 8193)).toThrow(new RegExp(DEFAULT_MAX_PIXELS.toLocaleString('en-US')));
    expect(() => checkImageSize(16385, 1)).toThrow(/16,384 pixels per side/);
  });

  it('rejects a 20000×20000 header before any decode (Node has no decoder at all)', async () => {
    // If decodeImage got past the header check, it would fail differently: no createImageBitmap here.
    expect(typeof globalThis.createImageBitmap).toBe('undefined');
    const bigGif = gif(2, 2, [[0, 0, 0]], [[0, 0, 0, 0]]);
    bigGif.set([...le16(20000), ...le16(20000)], 6);
    for (const bytes of [pngHeader(20000, 20000), jpegHeader(20000, 20000, 3), webpVp8x(20000, 20000), bigGif, avifHeader(20000, 20000)]) {
      await expect(decodeImage(bytes, { maxPixels: 4096 * 4096, maxSide: 65536 })).rejects.toThrow(/at most 16,777,216 pixels fit here/);
    }
    await expect(decodeImage(new Blob([pngHeader(20000, 20000)]), { maxSide: 4096 })).rejects.toThrow(/20000×20000 pixels; at most 4,096 pixels per side/);
    await expect(decodeImage(pngHeader(0, 0))).rejects.toThrow(InvalidInputError);
    await expect(decodeImage(utf8('<html>'))).rejects.toThrow(/HTML page/);
  });

  it('checks the oriented size and reports the header', async () => {
    await expect(readImageHeader(jpegHeader(4000, 100, 3, [exifSegment(8)]), { maxSide: 3000 })).rejects.toThrow(/100×4000 pixels/);
    await expect(readImageHeader(new Blob([webpVp8x(64, 32, { animated: true, frames: 3 })]))).resolves.toMatchObject({ animated: true, frameCount: 3 });
  });

  it('passes a good header through to the decoder', async () => {
    await expect(decodeImage(pngHeader(4, 4))).rejects.toThrow(/needs createImageBitmap/);
  });
});

function sniffImageChecked(bytes: Uint8Array): void {
  const header = sniffImage(bytes);
  checkImageSize(header.width, header.height);
}
