// RgbaImage → image file. PNG is written exactly by encode-png.ts; JPEG and WebP are lossy
// anyway, so the browser's own encoders (OffscreenCanvas.convertToBlob) do those.
import { InvalidInputError } from '../errors.ts';
import { encodePng } from './encode-png.ts';
import { assertRgbaImage, type RgbaImage } from './types.ts';

export type EncodeType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface EncodeOptions {
  type?: EncodeType;
  /** 0..1 for JPEG and WebP (browser default when omitted); ignored for PNG. */
  quality?: number;
  /**
   * JPEG has no alpha. Without a background, alpha is simply dropped (the colour under a
   * transparent pixel shows), as PIL's convert('RGB') does; with one, pixels are blended onto it.
   */
  background?: readonly [r: number, g: number, b: number];
}

function flatten(image: RgbaImage, background: EncodeOptions['background']): Uint8ClampedArray<ArrayBuffer> {
  const out = image.data.slice();
  for (let i = 0; i < out.length; i += 4) {
    if (background) {
      const a = out[i + 3]! / 255;
      out[i] = out[i]! * a + background[0] * (1 - a);
      out[i + 1] = out[i + 1]! * a + background[1] * (1 - a);
      out[i + 2] = out[i + 2]! * a + background[2] * (1 - a);
    }
    out[i + 3] = 255;
  }
  return out;
}

export async function encodeImage(image: RgbaImage, options: EncodeOptions = {}): Promise<Blob> {
  assertRgbaImage(image);
  const type = options.type ?? 'image/png';
  if (type === 'image/png') return encodePng(image);
  const { quality } = options;
  if (quality !== undefined && !(quality >= 0 && quality <= 1)) {
    throw new InvalidInputError(`Image quality must be between 0 and 1; got ${quality}.`);
  }
  if (typeof OffscreenCanvas === 'undefined') {
    throw new Error(`Encoding ${type} needs OffscreenCanvas: call this in a browser page or worker (PNG works anywhere).`);
  }
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser gives no 2D context on an OffscreenCanvas, so it cannot encode images.');
  const pixels: Uint8ClampedArray<ArrayBuffer> = type === 'image/jpeg' ? flatten(image, options.background) : image.data.slice();
  context.putImageData(new ImageData(pixels, image.width, image.height), 0, 0);
  const blob = await canvas.convertToBlob(quality === undefined ? { type } : { type, quality });
  // Browsers fall back to PNG for a type they cannot write; say so rather than mislabel the file.
  if (blob.type !== type) throw new Error(`This browser cannot encode ${type} (it produced ${blob.type || 'nothing'}).`);
  return blob;
}
