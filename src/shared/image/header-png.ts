// PNG: the IHDR chunk must come first (fixed offsets); acTL (APNG) and tRNS come before IDAT,
// so walking chunk headers up to the first IDAT is enough and never inflates anything.
import { ascii, u32be, u8 } from './bytes.ts';
import { baseHeader, truncated, type ImageHeader } from './header.ts';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

export function readPngHeader(b: Uint8Array): ImageHeader {
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  const colorType = u8(b, 25);
  if (ascii(b, 12, 4) !== 'IHDR' || width === undefined || height === undefined || colorType === undefined) {
    throw truncated('png', 'before its IHDR header is complete');
  }
  const header = baseHeader('png', width, height);
  // Colour types 4 (grey + alpha) and 6 (RGBA) carry alpha; others may gain it from tRNS.
  header.hasAlpha = colorType === 4 || colorType === 6;
  header.frameCount = 1;
  let at = 8;
  while (at + 8 <= b.length) {
    const length = u32be(b, at)!;
    const type = ascii(b, at + 4, 4);
    if (type === 'IDAT' || type === 'IEND') break;
    if (type === 'tRNS') header.hasAlpha = true;
    if (type === 'acTL') {
      const frames = u32be(b, at + 8);
      if (frames !== undefined) header.frameCount = frames;
    }
    at += 12 + length;
  }
  header.animated = (header.frameCount ?? 1) > 1;
  return header;
}
