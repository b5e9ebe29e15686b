// WebP: a RIFF container whose first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended:
// canvas size, alpha and animation flags, then ANMF frame chunks). Sizes sit in the first
// 30 bytes; frames are counted by hopping over chunk headers, never into pixel data.
import { ascii, u16le, u24le, u32le, u8 } from './bytes.ts';
import { baseHeader, truncated, type ImageHeader } from './header.ts';

const ANIMATION_FLAG = 0x02;
const ALPHA_FLAG = 0x10;

export function isWebp(b: Uint8Array): boolean {
  return ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP';
}

export function readWebpHeader(b: Uint8Array): ImageHeader {
  const chunk = ascii(b, 12, 4);
  const data = 20;
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height (2 bits of scale).
    const width = u16le(b, data + 6);
    const height = u16le(b, data + 8);
    if (width === undefined || height === undefined) throw truncated('webp', 'inside its VP8 frame header');
    if (u8(b, data + 3) !== 0x9d || u8(b, data + 4) !== 0x01 || u8(b, data + 5) !== 0x2a) {
      throw truncated('webp', 'where the VP8 start code should be');
    }
    return still(baseHeader('webp', width & 0x3fff, height & 0x3fff), false);
  }
  if (chunk === 'VP8L') {
    // Signature 0x2F, then 14 bits width−1, 14 bits height−1, 1 bit alpha, packed little-endian.
    const b1 = u8(b, data + 1);
    const b2 = u8(b, data + 2);
    const b3 = u8(b, data + 3);
    const b4 = u8(b, data + 4);
    if (u8(b, data) !== 0x2f || b1 === undefined || b2 === undefined || b3 === undefined || b4 === undefined) {
      throw truncated('webp', 'inside its VP8L header');
    }
    const width = 1 + (((b2 & 0x3f) << 8) | b1);
    const height = 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6));
    return still(baseHeader('webp', width, height), ((b4 >> 4) & 1) === 1);
  }
  if (chunk === 'VP8X') {
    const flags = u8(b, data);
    const widthMinusOne = u24le(b, data + 4);
    const heightMinusOne = u24le(b, data + 7);
    if (flags === undefined || widthMinusOne === undefined || heightMinusOne === undefined) {
      throw truncated('webp', 'inside its VP8X header');
    }
    const header = baseHeader('webp', widthMinusOne + 1, heightMinusOne + 1);
    header.hasAlpha = (flags & ALPHA_FLAG) !== 0;
    if (flags & ANIMATION_FLAG) {
      const frames = countChunks(b, 'ANMF');
      header.frameCount = frames > 0 ? frames : undefined;
      // A file cut short may show no ANMF chunk yet: trust the flag then.
      header.animated = frames !== 1;
    } else {
      header.frameCount = 1;
    }
    return header;
  }
  throw truncated('webp', `where its first chunk should be VP8, VP8L or VP8X (found "${chunk}")`);
}

function still(header: ImageHeader, hasAlpha: boolean): ImageHeader {
  header.hasAlpha = hasAlpha;
  header.frameCount = 1;
  return header;
}

function countChunks(b: Uint8Array, fourcc: string): number {
  let count = 0;
  let at = 12;
  while (at + 8 <= b.length) {
    if (ascii(b, at, 4) === fourcc) count++;
    // Chunk payloads are padded to an even length.
    const size = u32le(b, at + 4)!;
    at += 8 + size + (size & 1);
  }
  return count;
}
