// Port of nataili esrgan (RealESRGANer.enhance with tiling): upscale an RGBA image tile by tile.
// Memory stays bounded by the tile size: each model call sees one padded tile, and the result is
// written straight into the 8-bit output image. Alpha, when the image has any, is upscaled by the
// same model as a grey image (Real-ESRGAN's default alpha upsampler) and put back.

import { NatailiError } from '../../shared/errors.ts';
import { hasTransparency, type RgbaImage } from '../../shared/image/types.ts';
import { throwIfAborted, type ProgressCallback } from '../../shared/progress.ts';
import { coreInOutput, planTiles, type Tile } from './tiles.ts';


/** Runs the model on one NCHW float tile in [0,1]; the output is NCHW with the model's scale. */
export type TileRunner = (input: Float32Array, dims: readonly [1, 3, number, number]) => Promise<{ data: Float32Array; dims: readonly number[] }>;

export interface UpscaleOptions {
  /** The model's own factor (2 or 4). */
  scale: number;
  /** Core tile side in input pixels; 0 runs the whole image at once. */
  tileSize: number;
  /** Context around each tile, in input pixels. */
  tilePad: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** Copies a rectangle of one channel group into a planar [1,3,h,w] float tile in [0,1]. */
function readTile(image: RgbaImage, tile: Tile, alpha: boolean): Float32Array {
  const { x, y, width, height } = tile.padded;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let row = 0; row < height; row++) {
    let src = ((y + row) * image.width + x) * 4;
    let dst = row * width;
    for (let col = 0; col < width; col++, src += 4, dst++) {
      if (alpha) {
        const a = image.data[src + 3]! / 255;
        out[dst] = a;
        out[plane + dst] = a;
        out[2 * plane + dst] = a;
      } else {
        out[dst] = image.data[src]! / 255;
        out[plane + dst] = image.data[src + 1]! / 255;
        out[2 * plane + dst] = image.data[src + 2]! / 255;
      }
    }
  }
  return out;
}

function toByte(value: number): number {
  // Clamp then round half up, as Real-ESRGAN's (output * 255).round() on clamped floats.
  return Math.round(Math.min(1, Math.max(0, value)) * 255);
}

/** Writes the tile's core from the model output into the upscaled image. */
function writeTile(target: RgbaImage, result: Float32Array, tile: Tile, scale: number, alpha: boolean): void {
  const outWidth = tile.padded.width * scale;
  const plane = outWidth * tile.padded.height * scale;
  const core = coreInOutput(tile, scale);
  const originX = tile.core.x * scale;
  const originY = tile.core.y * scale;
  for (let row = 0; row < core.height; row++) {
    let src = (core.y + row) * outWidth + core.x;
    let dst = ((originY + row) * target.width + originX) * 4;
    for (let col = 0; col < core.width; col++, src++, dst += 4) {
      if (alpha) {
        // The grey image's three channels estimate the same alpha; average them.
        target.data[dst + 3] = toByte((result[src]! + result[plane + src]! + result[2 * plane + src]!) / 3);
      } else {
        target.data[dst] = toByte(result[src]!);
        target.data[dst + 1] = toByte(result[plane + src]!);
        target.data[dst + 2] = toByte(result[2 * plane + src]!);
      }
    }
  }
}

export async function upscaleTiled(image: RgbaImage, run: TileRunner, options: UpscaleOptions): Promise<RgbaImage> {
  const { scale, signal, onProgress } = options;
  const tiles = planTiles(image.width, image.height, options.tileSize, options.tilePad);
  const passes = hasTransparency(image) ? [false, true] : [false];
  const target: RgbaImage = { width: image.width * scale, height: image.height * scale, data: new Uint8ClampedArray(image.width * scale * image.height * scale * 4) };
  if (passes.length === 1) target.data.fill(255);
  const count = tiles.length * passes.length;
  let index = 0;
  for (const alpha of passes) {
    for (const tile of tiles) {
      throwIfAborted(signal);
      const dims = [1, 3, tile.padded.height, tile.padded.width] as const;
      const result = await run(readTile(image, tile, alpha), dims);
      const expected = [1, 3, dims[2] * scale, dims[3] * scale];
      if (result.dims.length !== 4 || result.dims.some((d, i) => d !== expected[i])) {
        throw new NatailiError('model', `The model returned a [${result.dims.join(',')}] tensor for a [${dims.join(',')}] tile; a ×${scale} model should return [${expected.join(',')}]. Check the model's scale in the catalog.`);
      }
      writeTile(target, result.data, tile, scale, alpha);
      onProgress?.({ kind: 'tile', index: ++index, count });
    }
  }
  return target;
}
