// Decide from the first bytes what a file is, before handing it to a decoder. Browsers answer
// a non-image with "The source image could not be decoded", which tells the user nothing; a
// saved HTML page or a zip is a common mistake, so we name what the file looks like instead.
import { InvalidInputError } from '../errors.ts';
import { ascii, startsWith, u32le } from './bytes.ts';
import { ftypBrands, isAvif, isBmp, readAvifHeader, readBmpHeader } from './header-bmp-avif.ts';
import { isGif, readGifHeader } from './header-gif.ts';
import { JPEG_SIGNATURE, readJpegHeader } from './header-jpeg.ts';
import { PNG_SIGNATURE, readPngHeader } from './header-png.ts';
import { isWebp, readWebpHeader } from './header-webp.ts';
import type { ImageFormat, ImageHeader } from './header.ts';

export const SUPPORTED_FORMATS_TEXT = 'a PNG, JPEG, WebP, GIF, BMP or AVIF image';

export function identifyImageFormat(b: Uint8Array): ImageFormat | undefined {
  if (startsWith(b, PNG_SIGNATURE)) return 'png';
  if (startsWith(b, JPEG_SIGNATURE)) return 'jpeg';
  if (isWebp(b)) return 'webp';
  if (isGif(b)) return 'gif';
  if (isBmp(b)) return 'bmp';
  if (isAvif(b)) return 'avif';
  return undefined;
}

/**
 * The header of a supported image, or an InvalidInputError naming what the bytes look like.
 * Pass the whole file where possible: GIF frames and late JPEG frame headers need more than
 * the first few bytes.
 */
export function sniffImage(b: Uint8Array): ImageHeader {
  switch (identifyImageFormat(b)) {
    case 'png':
      return readPngHeader(b);
    case 'jpeg':
      return readJpegHeader(b);
    case 'webp':
      return readWebpHeader(b);
    case 'gif':
      return readGifHeader(b);
    case 'bmp':
      return readBmpHeader(b);
    case 'avif':
      return readAvifHeader(b);
    case undefined:
      throw notAnImage(b);
  }
}

export function notAnImage(b: Uint8Array): InvalidInputError {
  if (b.length === 0) return new InvalidInputError(`The file is empty (0 bytes). Choose ${SUPPORTED_FORMATS_TEXT}.`);
  return new InvalidInputError(`This file is not an image: it looks like ${describeNonImage(b)}. Choose ${SUPPORTED_FORMATS_TEXT}.`);
}

const SIGNATURES: readonly (readonly [readonly number[], string])[] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty zip archive'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x52, 0x61, 0x72, 0x21], 'a RAR archive'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7z archive'],
  [[0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module'],
  [[0x7f, 0x45, 0x4c, 0x46], 'a program (ELF executable)'],
  [[0x1a, 0x45, 0xdf, 0xa3], 'a WebM/Matroska video'],
  [[0x4f, 0x67, 0x67, 0x53], 'an Ogg audio or video file'],
  [[0x49, 0x44, 0x33], 'an MP3 audio file'],
  [[0x49, 0x49, 0x2a, 0x00], 'a TIFF image, which browsers cannot decode (convert it to PNG or JPEG first)'],
  [[0x4d, 0x4d, 0x00, 0x2a], 'a TIFF image, which browsers cannot decode (convert it to PNG or JPEG first)'],
  [[0xff, 0x0a], 'a JPEG XL image, which this browser cannot decode (convert it to PNG or JPEG first)'],
  [[0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20], 'a JPEG XL image, which this browser cannot decode (convert it to PNG or JPEG first)'],
  [[0x00, 0x00, 0x01, 0x00], 'a Windows icon (ICO); save it as PNG first'],
  [[0x38, 0x42, 0x50, 0x53], 'a Photoshop document (PSD); export it as PNG first'],
];

/** A short phrase for what the bytes look like: "an HTML page", "a zip archive", … */
export function describeNonImage(b: Uint8Array): string {
  for (const [magic, name] of SIGNATURES) if (startsWith(b, magic)) return name;
  if (ascii(b, 0, 2) === 'MZ') return 'a Windows program';
  if (ascii(b, 0, 4) === 'RIFF') {
    const kind = ascii(b, 8, 4);
    return kind === 'WAVE' ? 'a WAV audio file' : kind === 'AVI ' ? 'an AVI video' : 'a RIFF file that is not WebP';
  }
  const brands = ftypBrands(b);
  if (brands.some((brand) => ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand))) {
    return 'a HEIC/HEIF photo, which browsers cannot decode (export it as JPEG or PNG first)';
  }
  if (brands.length > 0) return 'an MP4/MOV video';
  // safetensors: an 8-byte little-endian header length, then the JSON header.
  if (b.length > 9 && b[8] === 0x7b && u32le(b, 4) === 0 && ascii(b, 9, 1) === '"') return 'a safetensors model file';
  if (looksLikeText(b)) return describeText(b);
  const first = Array.from(b.subarray(0, 8), (v) => v.toString(16).padStart(2, '0')).join(' ');
  return `unrecognised binary data (it starts with bytes ${first})`;
}

function looksLikeText(b: Uint8Array): boolean {
  const head = b.subarray(0, 512);
  let odd = 0;
  for (const v of head) {
    if (v === 0) return false;
    // Control characters other than tab, newline, carriage return, form feed.
    if (v < 0x20 && v !== 0x09 && v !== 0x0a && v !== 0x0d && v !== 0x0c) odd++;
  }
  return odd <= head.length / 50;
}

function describeText(b: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart();
  const lower = text.toLowerCase();
  if (lower.startsWith('<!doctype html') || lower.startsWith('<html') || /<(head|body)[\s>]/.test(lower)) {
    return 'an HTML page (perhaps a web page saved instead of the image itself; open the image alone and save that)';
  }
  if (lower.startsWith('<svg') || (lower.startsWith('<?xml') && lower.includes('<svg'))) {
    return 'an SVG drawing, which cannot be decoded here (export it as PNG first)';
  }
  if (lower.startsWith('<?xml')) return 'an XML document';
  if (text.startsWith('{') || text.startsWith('[')) return 'a JSON file';
  if (text.startsWith('data:image/')) return 'a data: URL written as text (decode the base64 part and save the bytes instead)';
  return 'a text file';
}
