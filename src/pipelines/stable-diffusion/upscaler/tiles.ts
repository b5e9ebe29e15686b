// Tiles for the x4 upscaler: the low-res image is cut into overlapping squares, each upscaled by
// a whole diffusion run, and the results are blended with linear ramps across the overlaps so no
// seam shows. Tile sides are multiples of 8 (the upscaler UNet halves its input three times).

export interface UpscaleTile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Tile origins along one axis: `size` steps of (tile − overlap), the last one flush with the end. */
function axis(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const step = Math.max(8, tile - overlap);
  const starts: number[] = [];
  for (let at = 0; at + tile < length; at += step) starts.push(at);
  starts.push(length - tile);
  return starts;
}

export function planUpscaleTiles(width: number, height: number, tile: number, overlap: number): UpscaleTile[] {
  const tiles: UpscaleTile[] = [];
  for (const y of axis(height, tile, overlap)) {
    for (const x of axis(width, tile, overlap)) tiles.push({ x, y, width: Math.min(tile, width), height: Math.min(tile, height) });
  }
  return tiles;
}

/** The blend weight of a tile's pixel: ramps from its edges over `ramp` pixels, except at image borders. */
export function tileWeight(tile: UpscaleTile, px: number, py: number, imageWidth: number, imageHeight: number, ramp: number): number {
  if (ramp <= 0) return 1;
  const edge = (position: number, start: number, size: number, full: number): number => {
    const fromStart = start === 0 ? Infinity : position - start + 0.5;
    const fromEnd = start + size === full ? Infinity : start + size - position - 0.5;
    return Math.min(1, Math.min(fromStart, fromEnd) / ramp);
  };
  return Math.max(1e-4, edge(px, tile.x, tile.width, imageWidth) * edge(py, tile.y, tile.height, imageHeight));
}
