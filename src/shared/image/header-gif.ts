// GIF: the logical screen gives the size; frames are image descriptors (0x2C) between
// extensions (0x21) and the trailer (0x3B). Each is followed by length-prefixed sub-blocks
// that we hop over, so counting frames costs one pass over the block lengths.
import { ascii, u16le, u8 } from './bytes.ts';
import { baseHeader, truncated, type ImageHeader } from './header.ts';

export function isGif(b: Uint8Array): boolean {
  const magic = ascii(b, 0, 6);
  return magic === 'GIF87a' || magic === 'GIF89a';
}

/** Index just past a chain of sub-blocks, or undefined when the file ends inside it. */
function skipSubBlocks(b: Uint8Array, at: number): number | undefined {
  for (;;) {
    const size = u8(b, at);
    if (size === undefined) return undefined;
    at += 1 + size;
    if (size === 0) return at;
  }
}

function colorTableBytes(packed: number): number {
  return packed & 0x80 ? 3 * (1 << ((packed & 0x07) + 1)) : 0;
}

export function readGifHeader(b: Uint8Array): ImageHeader {
  const width = u16le(b, 6);
  const height = u16le(b, 8);
  const packed = u8(b, 10);
  if (width === undefined || height === undefined || packed === undefined) throw truncated('gif', 'inside its screen descriptor');
  const header = baseHeader('gif', width, height);
  header.hasAlpha = false;
  let frames = 0;
  let at = 13 + colorTableBytes(packed);
  for (;;) {
    const block = u8(b, at);
    if (block === 0x2c) {
      frames++;
      const local = u8(b, at + 9);
      if (local === undefined) break;
      // Descriptor (10 bytes), local colour table, LZW minimum code size, then data sub-blocks.
      const next = skipSubBlocks(b, at + 10 + colorTableBytes(local) + 1);
      if (next === undefined) break;
      at = next;
    } else if (block === 0x21) {
      // A graphic control extension with its transparency bit set makes pixels transparent.
      if (u8(b, at + 1) === 0xf9 && ((u8(b, at + 3) ?? 0) & 1) === 1) header.hasAlpha = true;
      const next = skipSubBlocks(b, at + 2);
      if (next === undefined) break;
      at = next;
    } else {
      // The trailer, the end of the data, or junk after the last frame (browsers stop there too).
      break;
    }
  }
  if (frames === 0) throw truncated('gif', 'before its first frame');
  header.frameCount = frames;
  header.animated = frames > 1;
  return header;
}
