import { describe, expect, it } from 'vitest';
import type { RgbaImage as Pixels } from '../../src/shared/image/types.ts';
import { upscaleTiled, type TileRunner } from '../../src/pipelines/esrgan/upscale.ts';
import { seededRandom } from '../../scripts/onnx/seeded-random.ts';

function randomImage(width: number, height: number, seed: number, opaque = true): Pixels {
  const random = seededRandom(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 && opaque ? 255 : Math.floor(random() * 256);
  return { width, height, data };
}

/**
 * A stand-in model with a receptive field: a 3×3 box blur (edges clamped) followed by ×scale
 * nearest upsampling. Written independently of the pipeline, planar in, planar out.
 */
function blurUpscaler(scale: number, calls: number[][] = []): TileRunner {
  return async (input, dims) => {
    calls.push([...dims]);
    const [, channels, h, w] = dims;
    const out = new Float32Array(channels * h * scale * w * scale);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h * scale; y++) {
        for (let x = 0; x < w * scale; x++) {
          const sy = Math.floor(y / scale);
          const sx = Math.floor(x / scale);
          let sum = 0;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const yy = Math.min(h - 1, Math.max(0, sy + dy));
              const xx = Math.min(w - 1, Math.max(0, sx + dx));
              sum += input[c * h * w + yy * w + xx]!;
            }
          }
          out[c * h * scale * w * scale + y * w * scale + x] = sum / 9;
        }
      }
    }
    return { data: out, dims: [1, channels, h * scale, w * scale] };
  };
}

describe('upscaleTiled', () => {
  it('gives the same pixels tiled as whole when the pad covers the receptive field', async () => {
    const image = randomImage(37, 23, 1);
    const whole = await upscaleTiled(image, blurUpscaler(2), { scale: 2, tileSize: 0, tilePad: 0 });
    const tiled = await upscaleTiled(image, blurUpscaler(2), { scale: 2, tileSize: 8, tilePad: 2 });
    expect(tiled.width).toBe(74);
    expect(tiled.height).toBe(46);
    expect(Buffer.from(tiled.data).equals(Buffer.from(whole.data))).toBe(true);
  });

  it('leaves seams when tiles get no context (the check can fail)', async () => {
    const image = randomImage(32, 32, 2);
    const whole = await upscaleTiled(image, blurUpscaler(2), { scale: 2, tileSize: 0, tilePad: 0 });
    const seamed = await upscaleTiled(image, blurUpscaler(2), { scale: 2, tileSize: 8, tilePad: 0 });
    expect(Buffer.from(seamed.data).equals(Buffer.from(whole.data))).toBe(false);
  });

  it('upscales alpha separately and keeps it', async () => {
    const image = randomImage(12, 10, 3, false);
    const result = await upscaleTiled(image, blurUpscaler(4), { scale: 4, tileSize: 5, tilePad: 2 });
    // Expected alpha at output (0,0): blur of the clamped 3×3 neighbourhood of input (0,0).
    const a = (x: number, y: number) => image.data[(Math.min(9, Math.max(0, y)) * 12 + Math.min(11, Math.max(0, x))) * 4 + 3]!;
    let sum = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += a(dx, dy);
    expect(result.data[3]).toBe(Math.round(sum / 9));
    expect(new Set(Array.from(result.data.filter((_, i) => i % 4 === 3))).size).toBeGreaterThan(10);
  });

  it('makes opaque images opaque and runs the model once per tile', async () => {
    const calls: number[][] = [];
    const events: string[] = [];
    const result = await upscaleTiled(randomImage(20, 20, 4), blurUpscaler(2, calls), {
      scale: 2,
      tileSize: 10,
      tilePad: 3,
      onProgress: (event) => events.push(event.kind === 'tile' ? `${event.index}/${event.count}` : event.kind),
    });
    expect(result.data.filter((_, i) => i % 4 === 3).every((v) => v === 255)).toBe(true);
    expect(calls).toHaveLength(4);
    expect(events).toEqual(['1/4', '2/4', '3/4', '4/4']);
  });

  it('hands the model the same bounded tile for a 256² and a 4096² image', async () => {
    for (const side of [256, 4096]) {
      const calls: number[][] = [];
      const image: Pixels = { width: side, height: side, data: new Uint8ClampedArray(side * side * 4).fill(255) };
      const nearest: TileRunner = async (input, dims) => {
        calls.push([...dims]);
        return { data: new Float32Array(input.length * 4), dims: [1, 3, dims[2] * 2, dims[3] * 2] };
      };
      await upscaleTiled(image, nearest, { scale: 2, tileSize: 128, tilePad: 16 });
      expect(new Set(calls.map((d) => d.join('x')))).toEqual(new Set(['1x3x160x160']));
      expect(calls).toHaveLength((side / 128) ** 2);
    }
  });

  it('stops between tiles when cancelled', async () => {
    const controller = new AbortController();
    let calls = 0;
    const runner: TileRunner = async (input, dims) => {
      if (++calls === 2) controller.abort();
      return blurUpscaler(2)(input, dims);
    };
    await expect(upscaleTiled(randomImage(32, 32, 5), runner, { scale: 2, tileSize: 8, tilePad: 1, signal: controller.signal })).rejects.toThrow();
    expect(calls).toBe(2);
  });

  it('says what is wrong when the model has another scale', async () => {
    await expect(upscaleTiled(randomImage(8, 8, 6), blurUpscaler(2), { scale: 4, tileSize: 0, tilePad: 0 })).rejects.toThrow(/×4 model should return \[1,3,32,32\]/);
  });
});
