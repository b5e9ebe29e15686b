// JPEG: walk the marker segments up to the first SOFn, which holds the size and the component
// count. On the way, APP1 may hold EXIF (orientation) and APP14 "Adobe" says how a
// four-component image is coded (CMYK or YCCK). Entropy-coded data comes only after SOS, which
// is after SOF, so no scan data is ever read.
import { ascii, u16be, u16le, u32be, u32le, u8 } from './bytes.ts';
import { baseHeader, truncated, type ImageHeader } from './header.ts';

export const JPEG_SIGNATURE = [0xff, 0xd8, 0xff] as const;

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

export function readJpegHeader(b: Uint8Array): ImageHeader {
  let orientation = 1;
  let at = 2;
  for (;;) {
    // Markers may be preceded by any number of 0xFF fill bytes.
    while (u8(b, at) === 0xff && u8(b, at + 1) === 0xff) at++;
    if (u8(b, at) !== 0xff) throw truncated('jpeg', `at byte ${at}, where a marker should start`);
    const marker = u8(b, at + 1);
    if (marker === undefined) throw truncated('jpeg', 'before its frame header (SOF)');
    // Standalone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) throw truncated('jpeg', 'without a frame header (SOF) before its image data');
    const length = u16be(b, at + 2);
    if (length === undefined || length < 2) throw truncated('jpeg', 'inside a marker segment');
    const data = at + 4;
    if (marker === 0xe1 && ascii(b, data, 6) === 'Exif\0\0') orientation = readExifOrientation(b, data + 6) ?? orientation;
    if (isStartOfFrame(marker)) {
      const height = u16be(b, data + 1);
      const width = u16be(b, data + 3);
      const components = u8(b, data + 5);
      if (width === undefined || height === undefined || components === undefined) throw truncated('jpeg', 'inside its frame header (SOF)');
      const header = baseHeader('jpeg', width, height);
      header.orientation = orientation;
      header.hasAlpha = false;
      header.frameCount = 1;
      header.cmyk = components === 4;
      return header;
    }
    at = data + length - 2;
  }
}

/** Orientation tag 0x0112 from IFD0 of the TIFF structure inside APP1, if it is there and valid. */
export function readExifOrientation(b: Uint8Array, tiff: number): number | undefined {
  const order = ascii(b, tiff, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const r16 = (at: number) => (little ? u16le(b, at) : u16be(b, at));
  const r32 = (at: number) => (little ? u32le(b, at) : u32be(b, at));
  const ifd = r32(tiff + 4);
  if (ifd === undefined) return undefined;
  const count = r16(tiff + ifd);
  if (count === undefined) return undefined;
  for (let i = 0; i < count; i++) {
    const entry = tiff + ifd + 2 + i * 12;
    if (r16(entry) !== 0x0112) continue;
    const value = r16(entry + 8);
    return value !== undefined && value >= 1 && value <= 8 ? value : undefined;
  }
  return undefined;
}
