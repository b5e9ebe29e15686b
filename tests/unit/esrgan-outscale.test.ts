import { describe, expect, it } from 'vitest';
import { outscaledSize, upscaleImage } from '../../src/pipelines/esrgan/outscale.ts';
import type { TileRunner } from '../../src/pipelines/esrgan/upscale.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';

/** ×4 nearest neighbour, planar. */
const nearest4: TileRunner = async (input, dims) => {
  const [, , h, w] = dims;
  const out = new Float32Array(3 * h * 4 * w * 4);
  for (let c = 0; c < 3; c++) for (let y = 0; y < h * 4; y++) for (let x = 0; x < w * 4; x++) out[c * h * w * 16 + y * w * 4 + x] = input[c * h * w + Math.floor(y / 4) * w + Math.floor(x / 4)]!;
  return { data: out, dims: [1, 3, h * 4, w * 4] };
};

function flat(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  return { width, height, data };
}

describe('outscale', () => {
  it('rounds the target size and rejects nonsense factors', () => {
    expect(outscaledSize(10, 7, 3)).toEqual({ width: 30, height: 21 });
    expect(outscaledSize(10, 7, 1.5)).toEqual({ width: 15, height: 11 });
    expect(() => outscaledSize(10, 7, 0)).toThrow(RangeError);
    expect(() => outscaledSize(10, 7, Number.NaN)).toThrow(RangeError);
  });

  it('gives 3× from a 4× model, keeping a flat colour flat', async () => {
    const result = await upscaleImage(flat(9, 5, [10, 200, 30]), nearest4, { scale: 4, outscale: 3, tileSize: 4, tilePad: 1 });
    expect([result.width, result.height]).toEqual([27, 15]);
    for (let i = 0; i < result.data.length; i += 4) expect([...result.data.slice(i, i + 4)]).toEqual([10, 200, 30, 255]);
  });

  it('skips the resample at the model’s own factor', async () => {
    const image = flat(3, 3, [1, 2, 3]);
    const result = await upscaleImage(image, nearest4, { scale: 4, tileSize: 0, tilePad: 0 });
    expect([result.width, result.height]).toEqual([12, 12]);
  });
});
