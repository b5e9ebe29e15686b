// Image files built byte by byte for the image tests, from the format specs, independently of
// src/shared/image (its own CRC, chunk and LZW code is not reused here). Pure: Node and browser.

export function concat(...parts: (Uint8Array | readonly number[])[]): Uint8Array<ArrayBuffer> {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export const text = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
export const be16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
export const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
export const le16 = (v: number): number[] => [v & 255, (v >> 8) & 255];
export const le24 = (v: number): number[] => [v & 255, (v >> 8) & 255, (v >> 16) & 255];
export const le32 = (v: number): number[] => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

// Bitwise CRC-32 (slow and obviously right, unlike a table).
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, payload: readonly number[] | Uint8Array = []): Uint8Array {
  const body = concat(text(type), payload);
  return concat(be32(body.length - 4), body, be32(crc32(body)));
}

/** PNG signature, IHDR and optional acTL / tRNS, without pixel data: enough for header tests. */
export function pngHeader(width: number, height: number, options: { colorType?: number; frames?: number; trns?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const ihdr = [...be32(width), ...be32(height), 8, options.colorType ?? 6, 0, 0, 0];
  return concat(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    pngChunk('IHDR', ihdr),
    options.frames ? pngChunk('acTL', [...be32(options.frames), ...be32(0)]) : [],
    options.trns ? pngChunk('tRNS', [0, 0]) : [],
    pngChunk('IDAT', [0x78, 0x9c]),
  );
}

/** APP1 EXIF with only an orientation tag, big- or little-endian TIFF. */
export function exifSegment(orientation: number, little = false): Uint8Array {
  const w16 = little ? le16 : be16;
  const w32 = little ? le32 : be32;
  const tiff = [...text(little ? 'II' : 'MM'), ...w16(42), ...w32(8), ...w16(1), ...w16(0x0112), ...w16(3), ...w32(1), ...w16(orientation), 0, 0, ...w32(0)];
  const payload = [...text('Exif'), 0, 0, ...tiff];
  return concat([0xff, 0xe1], be16(payload.length + 2), payload);
}

/** Adobe APP14; transform 0 = CMYK (or RGB), 1 = YCbCr, 2 = YCCK. */
export function adobeSegment(transform: number): Uint8Array {
  const payload = [...text('Adobe'), 0, 100, 0, 0, 0, 0, transform];
  return concat([0xff, 0xee], be16(payload.length + 2), payload);
}

/** SOI, optional APP segments, then a baseline SOF0 with `components` components; no scan. */
export function jpegHeader(width: number, height: number, components: number, segments: Uint8Array[] = []): Uint8Array<ArrayBuffer> {
  const sof = [8, ...be16(height), ...be16(width), components];
  for (let c = 1; c <= components; c++) sof.push(c, 0x11, 0);
  return concat([0xff, 0xd8], ...segments, [0xff, 0xc0], be16(sof.length + 2), sof);
}

export function riffWebp(...chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const body = concat(text('WEBP'), ...chunks);
  return concat(text('RIFF'), le32(body.length), body);
}

export function riffChunk(fourcc: string, payload: readonly number[] | Uint8Array): Uint8Array {
  const data = concat(payload);
  return concat(text(fourcc), le32(data.length), data, data.length % 2 ? [0] : []);
}

/** VP8X with the given flags and canvas size, then `frames` ANMF chunks with dummy payloads. */
export function webpVp8x(width: number, height: number, options: { animated?: boolean; alpha?: boolean; frames?: number } = {}): Uint8Array<ArrayBuffer> {
  const flags = (options.animated ? 0x02 : 0) | (options.alpha ? 0x10 : 0);
  const chunks = [riffChunk('VP8X', [flags, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)])];
  if (options.animated) chunks.push(riffChunk('ANIM', [0, 0, 0, 0, 0, 0]));
  for (let i = 0; i < (options.frames ?? 0); i++) chunks.push(riffChunk('ANMF', [...le24(0), ...le24(0), ...le24(width - 1), ...le24(height - 1), ...le24(100), 0]));
  return riffWebp(...chunks);
}

export function webpVp8(width: number, height: number): Uint8Array<ArrayBuffer> {
  return riffWebp(riffChunk('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(width), ...le16(height), 0, 0]));
}

export function webpVp8l(width: number, height: number, alpha: boolean): Uint8Array<ArrayBuffer> {
  // 14 bits width−1, 14 bits height−1, 1 bit alpha, 3 bits version, little-endian bit order.
  const bits = (width - 1) | ((height - 1) << 14) | ((alpha ? 1 : 0) << 28);
  return riffWebp(riffChunk('VP8L', [0x2f, ...le32(bits >>> 0)]));
}

export function bmpHeader(width: number, height: number): Uint8Array<ArrayBuffer> {
  return concat(text('BM'), le32(54 + width * height * 4), le32(0), le32(54), le32(40), le32(width), le32(height), le16(1), le16(32), le32(0), le32(0), le32(0), le32(0), le32(0), le32(0));
}

export function avifHeader(width: number, height: number, brand = 'avif'): Uint8Array<ArrayBuffer> {
  const ftyp = concat(be32(24), text('ftyp'), text(brand), be32(0), text('mif1'), text(brand));
  const ispe = concat(be32(20), text('ispe'), be32(0), be32(width), be32(height));
  return concat(ftyp, be32(8 + ispe.length), text('meta'), ispe);
}

export type Rgb = readonly [number, number, number];

/**
 * A complete GIF89a: a global palette, then each frame as palette indices (width·height),
 * with a graphic control extension (100 ms) and a looping NETSCAPE extension when animated.
 * LZW sends a clear code every 2^minCode − 2 pixels, so the code width never grows: valid, simple.
 */
export function gif(width: number, height: number, palette: readonly Rgb[], frames: readonly (readonly number[])[], transparentIndex?: number): Uint8Array<ArrayBuffer> {
  let bits = 1;
  while (1 << bits < palette.length) bits++;
  const table: number[] = [];
  for (let i = 0; i < 1 << bits; i++) table.push(...(palette[i] ?? [0, 0, 0]));
  const minCode = Math.max(2, bits);
  const parts: (Uint8Array | number[])[] = [text('GIF89a'), [...le16(width), ...le16(height), 0x80 | (bits - 1), 0, 0], table];
  if (frames.length > 1) parts.push([0x21, 0xff, 11, ...text('NETSCAPE2.0'), 3, 1, 0, 0, 0]);
  for (const frame of frames) {
    const transparent = transparentIndex !== undefined;
    parts.push([0x21, 0xf9, 4, (1 << 2) | (transparent ? 1 : 0), ...le16(10), transparentIndex ?? 0, 0]);
    parts.push([0x2c, ...le16(0), ...le16(0), ...le16(width), ...le16(height), 0, minCode]);
    const codes: number[] = [];
    const clear = 1 << minCode;
    const run = clear - 2;
    frame.forEach((index, i) => {
      if (i % run === 0) codes.push(clear);
      codes.push(index);
    });
    codes.push(clear + 1);
    const data: number[] = [];
    let acc = 0;
    let n = 0;
    for (const code of codes) {
      acc |= code << n;
      n += minCode + 1;
      while (n >= 8) {
        data.push(acc & 255);
        acc >>= 8;
        n -= 8;
      }
    }
    if (n > 0) data.push(acc & 255);
    for (let i = 0; i < data.length; i += 255) {
      const block = data.slice(i, i + 255);
      parts.push([block.length, ...block]);
    }
    parts.push([0]);
  }
  parts.push([0x3b]);
  return concat(...parts);
}
