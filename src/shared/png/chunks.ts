// A PNG file as its list of chunks (PNG spec §5): read with every length and CRC checked, and
// written back with a chunk inserted. The pixels are never decoded here.
import { concatBytes } from '../bytes.ts';
import { InvalidInputError } from '../errors.ts';
import { crc32 } from './crc32.ts';

export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface PngChunk {
  /** Four ASCII letters: IHDR, IDAT, tEXt, iTXt, IEND… */
  type: string;
  /** The chunk's data (a view into the file, not a copy). */
  data: Uint8Array;
  /** Byte offset of the chunk's length field in the file. */
  offset: number;
  /** Whether the stored CRC matches the type and data. */
  crcOk: boolean;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((value, i) => bytes[i] === value);
}

/**
 * Every chunk up to and including IEND; bytes after IEND are ignored (some tools append data).
 * A file that is not a PNG, or is cut short, throws InvalidInputError. A chunk whose CRC does
 * not match is returned with `crcOk: false`: the caller decides whether to trust it.
 */
export function readPngChunks(bytes: Uint8Array): PngChunk[] {
  if (!isPng(bytes)) throw new InvalidInputError('This file is not a PNG (its first bytes are not the PNG signature).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    // The spec caps a chunk at 2^31 - 1 bytes; a larger length is a damaged file, not a big chunk.
    if (length > 0x7fffffff || at + 12 + length > bytes.length) break;
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    const crcOk = view.getUint32(at + 8 + length) === crc32(bytes.subarray(at + 4, at + 8 + length));
    chunks.push({ type, data, offset: at, crcOk });
    at += 12 + length;
    if (type === 'IEND') return chunks;
  }
  throw new InvalidInputError('This PNG is cut short or damaged: it ends before its IEND chunk. Save or export it again.');
}

/** One chunk as file bytes: length, type, data, CRC. */
export function encodeChunk(type: string, data: Uint8Array): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new InvalidInputError(`A PNG chunk type is four letters; got "${type}".`);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * A new file: the chunks of `png` for which `keep` is true, with `added` (encoded chunks)
 * inserted just before IEND. The original bytes of every kept chunk are copied unchanged.
 * Throws when a chunk of `png` fails its CRC: writing on top of a damaged file would hide it.
 */
export function rewritePng(png: Uint8Array, added: readonly Uint8Array[], keep: (chunk: PngChunk) => boolean = () => true): Uint8Array<ArrayBuffer> {
  const chunks = readPngChunks(png);
  const broken = chunks.find((chunk) => !chunk.crcOk);
  if (broken) throw new InvalidInputError(`This PNG is damaged: its ${broken.type} chunk fails its CRC check. Save or export it again.`);
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  for (const chunk of chunks) {
    if (chunk.type === 'IEND') parts.push(...added);
    if (chunk.type === 'IEND' || keep(chunk)) parts.push(png.subarray(chunk.offset, chunk.offset + 12 + chunk.data.length));
  }
  return concatBytes(parts);
}

/** Width and height from IHDR, which the spec puts first; reads only that chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (!isPng(png)) throw new InvalidInputError('This file is not a PNG (its first bytes are not the PNG signature).');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const ok = png.length >= 33 && view.getUint32(8) === 13 && String.fromCharCode(...png.subarray(12, 16)) === 'IHDR' && view.getUint32(29) === crc32(png.subarray(12, 29));
  if (!ok) throw new InvalidInputError('This PNG has no valid IHDR chunk first, so its size is unknown. Save or export it again.');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
