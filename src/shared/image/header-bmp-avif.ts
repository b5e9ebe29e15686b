// The two other formats Chromium decodes. BMP keeps its size in the DIB header right after the
// 14-byte file header; AVIF (an ISO-BMFF file) keeps it in an 'ispe' property box inside 'meta',
// which comes before the pixel data ('mdat') in files written by common encoders.
import { ascii, i32le, u16le, u32be, u32le } from './bytes.ts';
import { baseHeader, truncated, type ImageHeader } from './header.ts';

export function isBmp(b: Uint8Array): boolean {
  // 'BM' alone is too weak (text may start with it); the DIB header size must be a known one.
  const dib = u32le(b, 14);
  return ascii(b, 0, 2) === 'BM' && (dib === 12 || dib === 40 || dib === 52 || dib === 56 || dib === 64 || dib === 108 || dib === 124);
}

export function readBmpHeader(b: Uint8Array): ImageHeader {
  const dib = u32le(b, 14);
  // BITMAPCOREHEADER (12 bytes) has 16-bit sizes; every later header has signed 32-bit ones,
  // a negative height meaning rows stored top-down.
  const width = dib === 12 ? u16le(b, 18) : i32le(b, 18);
  const height = dib === 12 ? u16le(b, 20) : i32le(b, 22);
  if (width === undefined || height === undefined) throw truncated('bmp', 'inside its DIB header');
  const header = baseHeader('bmp', Math.abs(width), Math.abs(height));
  header.frameCount = 1;
  return header;
}

/** Brands of an ISO-BMFF 'ftyp' box: the major brand and the compatible ones. */
export function ftypBrands(b: Uint8Array): string[] {
  if (ascii(b, 4, 4) !== 'ftyp') return [];
  const size = Math.min(u32be(b, 0) ?? 0, b.length);
  const brands = [ascii(b, 8, 4)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(b, at, 4));
  return brands;
}

export function isAvif(b: Uint8Array): boolean {
  const brands = ftypBrands(b);
  return brands.includes('avif') || brands.includes('avis');
}

export function readAvifHeader(b: Uint8Array): ImageHeader {
  // Full box: size, 'ispe', version and flags (4 bytes), width, height (32-bit each).
  const limit = Math.min(b.length, 1 << 20);
  for (let at = 4; at + 16 <= limit; at++) {
    if (b[at] !== 0x69 || ascii(b, at, 4) !== 'ispe') continue;
    const header = baseHeader('avif', u32be(b, at + 8)!, u32be(b, at + 12)!);
    // 'avis' marks an image sequence; a still AVIF lists only 'avif'.
    header.animated = ftypBrands(b).includes('avis');
    return header;
  }
  throw truncated('avif', "before its image size ('ispe' box)");
}
