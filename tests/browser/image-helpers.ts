// Browser-side builders for the image tests: images painted on an OffscreenCanvas with known
// colours (so expected pixels come from the test, not from the decoder), and files a canvas
// cannot write directly, assembled from canvas output (animated WebP, EXIF-rotated JPEG).
import { concat, le16, le24, le32, riffChunk, riffWebp, text, type Rgb } from '../unit/image-builders.ts';

export type Rgba = readonly [number, number, number, number];

/** A canvas filled by fillRect in solid colours; returns it and a function giving each pixel's colour. */
export function paint(width: number, height: number, colourAt: (x: number, y: number) => Rgba, cell = 1): OffscreenCanvas {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  for (let y = 0; y < height; y += cell) {
    for (let x = 0; x < width; x += cell) {
      const [r, g, b, a] = colourAt(x, y);
      context.fillStyle = `rgba(${r}, ${g}, ${b}, ${a / 255})`;
      context.fillRect(x, y, cell, cell);
    }
  }
  return canvas;
}

export async function canvasFile(canvas: OffscreenCanvas, type: string, quality?: number): Promise<Uint8Array<ArrayBuffer>> {
  const blob = await canvas.convertToBlob(quality === undefined ? { type } : { type, quality });
  if (blob.type !== type) throw new Error(`Chromium wrote ${blob.type}, not ${type}`);
  return new Uint8Array(await blob.arrayBuffer());
}

export function pixel(image: { width: number; data: Uint8ClampedArray }, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(i, i + 4));
}

export function maxDifference(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

/** Four solid quadrants: red, green / blue, white. */
export const QUADRANTS: readonly Rgba[] = [
  [220, 30, 40, 255],
  [30, 200, 60, 255],
  [40, 50, 210, 255],
  [250, 250, 250, 255],
];

export function quadrantOf(x: number, y: number, width: number, height: number): Rgba {
  return QUADRANTS[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]!;
}

/** A JPEG with `segment` inserted right after SOI (where EXIF APP1 belongs). */
export function insertAfterSoi(jpeg: Uint8Array, segment: Uint8Array): Uint8Array<ArrayBuffer> {
  return concat(jpeg.subarray(0, 2), segment, jpeg.subarray(2));
}

/** A bottom-up 24-bit BMP (BGR rows padded to 4 bytes). */
export function bmp24(width: number, height: number, colourAt: (x: number, y: number) => Rgb): Uint8Array<ArrayBuffer> {
  const stride = (width * 3 + 3) & ~3;
  const rows: number[] = [];
  for (let y = height - 1; y >= 0; y--) {
    const row: number[] = [];
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colourAt(x, y);
      row.push(b, g, r);
    }
    while (row.length < stride) row.push(0);
    rows.push(...row);
  }
  const header = concat(le32(40), le32(width), le32(height), le16(1), le16(24), le32(0), le32(rows.length), le32(2835), le32(2835), le32(0), le32(0));
  return concat(text('BM'), le32(14 + header.length + rows.length), le32(0), le32(14 + header.length), header, rows);
}

/** The chunks of a still WebP after its RIFF header (a VP8X, if any, left out). */
function frameChunks(webp: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 12; at + 8 <= webp.length; ) {
    const fourcc = String.fromCharCode(...webp.subarray(at, at + 4));
    const size = webp[at + 4]! | (webp[at + 5]! << 8) | (webp[at + 6]! << 16) | (webp[at + 7]! << 24);
    const end = at + 8 + size + (size & 1);
    if (fourcc === 'VP8 ' || fourcc === 'VP8L' || fourcc === 'ALPH') parts.push(webp.subarray(at, end));
    at = end;
  }
  return concat(...parts);
}

/** An animated WebP whose frames are the given still WebPs (all width × height, 100 ms each). */
export function animatedWebp(width: number, height: number, stills: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const vp8x = riffChunk('VP8X', [0x02 | 0x10, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)]);
  const anim = riffChunk('ANIM', [0, 0, 0, 0, ...le16(0)]);
  // Frame header: x/2, y/2, width−1, height−1, duration (24 bits each), then flags: do not blend.
  const frames = stills.map((still) => riffChunk('ANMF', concat(le24(0), le24(0), le24(width - 1), le24(height - 1), le24(100), [0x02], frameChunks(still))));
  return riffWebp(vp8x, anim, ...frames);
}
