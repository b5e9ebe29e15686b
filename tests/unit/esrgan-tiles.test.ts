import { describe, expect, it } from 'vitest';
import { coreInOutput, largestPadded, planTiles } from '../../src/pipelines/esrgan/tiles.ts';

describe('planTiles', () => {
  it('covers every pixel exactly once with cores', () => {
    const width = 300;
    const height = 170;
    const hits = new Uint8Array(width * height);
    for (const { core } of planTiles(width, height, 64, 10)) {
      for (let y = core.y; y < core.y + core.height; y++) for (let x = core.x; x < core.x + core.width; x++) hits[y * width + x]!++;
    }
    expect(hits.every((h) => h === 1)).toBe(true);
  });

  it('gives every tile the same padded size, taking border context from inside the image', () => {
    const tiles = planTiles(100, 100, 40, 8);
    expect(tiles).toHaveLength(9);
    for (const tile of tiles) expect([tile.padded.width, tile.padded.height]).toEqual([56, 56]);
    // Top-left: the window starts at the image corner, all 16 pixels of context right and below.
    expect(tiles[0]).toEqual({ core: { x: 0, y: 0, width: 40, height: 40 }, padded: { x: 0, y: 0, width: 56, height: 56 } });
    // Centre: 8 pixels of context on every side.
    expect(tiles[4]!.padded).toEqual({ x: 32, y: 32, width: 56, height: 56 });
    // Bottom-right: a 20-pixel core; the window ends at the image edge.
    expect(tiles[8]).toEqual({ core: { x: 80, y: 80, width: 20, height: 20 }, padded: { x: 44, y: 44, width: 56, height: 56 } });
  });

  it('keeps every core inside its padded window', () => {
    for (const { core, padded } of planTiles(333, 97, 32, 12)) {
      expect(core.x).toBeGreaterThanOrEqual(padded.x);
      expect(core.y).toBeGreaterThanOrEqual(padded.y);
      expect(core.x + core.width).toBeLessThanOrEqual(padded.x + padded.width);
      expect(core.y + core.height).toBeLessThanOrEqual(padded.y + padded.height);
    }
  });

  it('gives one tile for tile size 0 or a tile larger than the image', () => {
    expect(planTiles(40, 30, 0, 10)).toEqual([{ core: { x: 0, y: 0, width: 40, height: 30 }, padded: { x: 0, y: 0, width: 40, height: 30 } }]);
    expect(planTiles(40, 30, 512, 10)).toHaveLength(1);
  });

  it('bounds the padded tile whatever the image size', () => {
    for (const side of [256, 4096]) {
      expect(largestPadded(planTiles(side, side, 128, 16))).toEqual({ width: 160, height: 160 });
    }
  });

  it('handles a 1×1 image', () => {
    expect(planTiles(1, 1, 64, 10)).toEqual([{ core: { x: 0, y: 0, width: 1, height: 1 }, padded: { x: 0, y: 0, width: 1, height: 1 } }]);
  });

  it('rejects empty images and negative settings', () => {
    expect(() => planTiles(0, 10, 64, 10)).toThrow(RangeError);
    expect(() => planTiles(10, 10, -1, 10)).toThrow(RangeError);
  });
});

describe('coreInOutput', () => {
  it('maps the core into the scaled output of the padded region', () => {
    const [, second] = planTiles(100, 40, 50, 8);
    // Second tile: core x 50..100, window x 34..100 (66 wide) → the core starts 16 input pixels in.
    expect(second!.padded).toEqual({ x: 34, y: 0, width: 66, height: 40 });
    expect(coreInOutput(second!, 4)).toEqual({ x: 64, y: 0, width: 200, height: 160 });
  });
});
