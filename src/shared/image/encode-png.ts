// RgbaImage → PNG, written by hand rather than by OffscreenCanvas.convertToBlob: the canvas
// stores pixels premultiplied, so convertToBlob turns (100, 50, 20, α=3) into (85, 85, 0, 3)
// and loses every colour under α=0. Here the bytes go into the file untouched, and the same
// code runs in Node. Compression is the platform's zlib (CompressionStream('deflate') writes
// the zlib format PNG's IDAT wants); filters are chosen per row by libpng's heuristic.
import { concatBytes } from '../bytes.ts';
import { encodeChunk, PNG_SIGNATURE } from '../png/chunks.ts';
import { assertRgbaImage, hasTransparency, type RgbaImage } from './types.ts';

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Scanlines, each prefixed with the filter (0 none, 1 sub, 2 up, 3 average, 4 Paeth) whose
 * output has the smallest sum of absolute signed bytes: libpng's default choice.
 */
function filterRows(pixels: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(stride));
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : zero;
    let best = 0;
    let bestCost = Infinity;
    for (let f = 0; f < 5; f++) {
      const line = candidates[f]!;
      let cost = 0;
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? row[i - bpp]! : 0;
        const above = up[i]!;
        const upLeft = i >= bpp ? up[i - bpp]! : 0;
        const predictor = f === 0 ? 0 : f === 1 ? left : f === 2 ? above : f === 3 ? (left + above) >> 1 : paeth(left, above, upLeft);
        const v = (row[i]! - predictor) & 0xff;
        line[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = f;
      }
    }
    out[y * (stride + 1)] = best;
    out.set(candidates[best]!, y * (stride + 1) + 1);
  }
  return out;
}

async function zlibDeflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** PNG file bytes: 8-bit RGB when every pixel is opaque (smaller), 8-bit RGBA otherwise. */
export async function encodePngBytes(image: RgbaImage): Promise<Uint8Array<ArrayBuffer>> {
  assertRgbaImage(image);
  const { width, height, data } = image;
  const alpha = hasTransparency(image);
  const bpp = alpha ? 4 : 3;
  let pixels: Uint8Array;
  if (alpha) {
    pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } else {
    pixels = new Uint8Array(width * height * 3);
    for (let i = 0, j = 0; i < data.length; i += 4, j += 3) {
      pixels[j] = data[i]!;
      pixels[j + 1] = data[i + 1]!;
      pixels[j + 2] = data[i + 2]!;
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = alpha ? 6 : 2; // colour type: RGBA or RGB; compression, filter, interlace stay 0
  const idat = await zlibDeflate(filterRows(pixels, width, height, bpp) as Uint8Array<ArrayBuffer>);
  return concatBytes([new Uint8Array(PNG_SIGNATURE), encodeChunk('IHDR', ihdr), encodeChunk('IDAT', idat), encodeChunk('IEND', new Uint8Array(0))]);
}

export async function encodePng(image: RgbaImage): Promise<Blob> {
  return new Blob([await encodePngBytes(image)], { type: 'image/png' });
}
