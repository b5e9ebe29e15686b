// PNG files built byte by byte for the png-* tests, with CRCs from Node's zlib (an implementation
// independent of ours), so a test never checks our code against itself.
import { crc32 } from 'node:zlib';

export const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

export const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

/** length, type, data, CRC — the CRC corrupted on request. */
export function chunk(type: string, data: number[] | Uint8Array, options: { badCrc?: boolean } = {}): number[] {
  const body = [...ascii(type), ...data];
  const crc = crc32(Uint8Array.from(body)) ^ (options.badCrc ? 1 : 0);
  return [...u32(data.length), ...body, ...u32(crc >>> 0)];
}

// IHDR of a 2×1 RGBA image, and an IDAT holding its two filter-0 rows, deflated by hand-picked
// zlib bytes (stored block): 78 01, then BFINAL=1 BTYPE=00, LEN 9, NLEN, the 9 raw bytes, Adler-32.
export const IHDR = chunk('IHDR', [...u32(2), ...u32(1), 8, 6, 0, 0, 0]);
const raw = [0, 255, 0, 0, 255, 0, 0, 255, 255];
const adler = (() => {
  let a = 1;
  let b = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
})();
export const IDAT = chunk('IDAT', [0x78, 0x01, 0x01, 9, 0, 0xf6, 0xff, ...raw, ...u32(adler)]);
export const IEND = chunk('IEND', []);

export function png(...chunks: number[][]): Uint8Array {
  return Uint8Array.from([...SIGNATURE, ...chunks.flat()]);
}

/** tEXt: keyword NUL Latin-1 text. */
export function tEXt(keyword: string, text: string, options: { badCrc?: boolean } = {}): number[] {
  return chunk('tEXt', [...ascii(keyword), 0, ...ascii(text)], options);
}

/** iTXt: keyword NUL flag method language NUL translated NUL UTF-8 text (already compressed if flag 1). */
export function iTXt(keyword: string, body: Uint8Array, compressed = false): number[] {
  return chunk('iTXt', [...ascii(keyword), 0, compressed ? 1 : 0, 0, ...ascii('en'), 0, 0, ...body]);
}

/** The chunk types of a file, walking lengths by hand, with every CRC checked against zlib's. */
export function typesOf(file: Uint8Array): string[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const types: string[] = [];
  for (let at = 8; at < file.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    if (view.getUint32(at + 8 + length) !== crc32(file.subarray(at + 4, at + 8 + length))) throw new Error(`bad CRC in ${type}`);
    types.push(type);
    at += 12 + length;
  }
  return types;
}
