// Tile planning for upscaling large images with a fixed memory budget.
// Each tile is run with `pad` pixels of real image context around it (taken from further inside
// the image at its borders); only the tile's core is kept from the model's output, so the context hides the border
// effects of the convolution and neighbouring tiles meet without seams. This is Real-ESRGAN's
// tile / tile_pad scheme (nataili esrgan via realesrgan's RealESRGANer.tile_process).

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tile {
  /** The region of the input this tile is responsible for. */
  core: Rect;
  /** The region handed to the model: the core plus context around it; the same size for every tile. */
  padded: Rect;
}

/**
 * A window of fixed length (core + 2·pad, or the whole axis if shorter) that contains the core,
 * centred on it and slid inwards at the image borders. Every tile then has the same shape, so a
 * WebGPU session compiles its shaders once instead of once per edge-tile shape, and edge tiles
 * get their context from inside the image.
 */
function span(start: number, length: number, size: number, pad: number, limit: number): [number, number] {
  const window = Math.min(limit, size + 2 * pad);
  const from = Math.min(Math.max(0, start - pad), limit - window);
  return [from, window];
}

/**
 * Covers a width×height image with tiles whose cores are at most `tileSize` square.
 * tileSize 0 (or one at least the image's size) gives a single tile: the whole image.
 */
export function planTiles(width: number, height: number, tileSize: number, pad: number): Tile[] {
  if (!(width > 0 && height > 0)) throw new RangeError(`image size must be positive, got ${width}×${height}`);
  if (tileSize < 0 || pad < 0) throw new RangeError('tile size and pad must not be negative');
  const size = tileSize === 0 ? Math.max(width, height) : tileSize;
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += size) {
    for (let x = 0; x < width; x += size) {
      const core = { x, y, width: Math.min(size, width - x), height: Math.min(size, height - y) };
      const [px, pw] = span(core.x, core.width, size, pad, width);
      const [py, ph] = span(core.y, core.height, size, pad, height);
      tiles.push({ core, padded: { x: px, y: py, width: pw, height: ph } });
    }
  }
  return tiles;
}

/** Where the tile's core lies inside the model's output for its padded region, at `scale`. */
export function coreInOutput(tile: Tile, scale: number): Rect {
  return {
    x: (tile.core.x - tile.padded.x) * scale,
    y: (tile.core.y - tile.padded.y) * scale,
    width: tile.core.width * scale,
    height: tile.core.height * scale,
  };
}

/** The largest padded tile: what bounds the memory one model call needs. */
export function largestPadded(tiles: readonly Tile[]): { width: number; height: number } {
  return tiles.reduce(
    (max, t) => ({ width: Math.max(max.width, t.padded.width), height: Math.max(max.height, t.padded.height) }),
    { width: 0, height: 0 },
  );
}
