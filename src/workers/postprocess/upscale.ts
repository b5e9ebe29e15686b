// ESRGAN glue: a loaded upscaler session as the pipeline's TileRunner, its factor measured on first
// use, tile defaults by backend, and a cap on the result's size. The model only ever sees one
// padded tile at a time (the memory bound); the runner records the largest tensor it handed over
// so tests and the page can show that bound.

import { upscaleImage } from '../../pipelines/esrgan/outscale.ts';
import { planTiles } from '../../pipelines/esrgan/tiles.ts';
import type { TileRunner } from '../../pipelines/esrgan/upscale.ts';
import { DEFAULT_TILE_PAD, MAX_TILE_PAD } from '../../managers/catalog/schema.ts';
import type { Backend } from '../../runtime/index.ts';
import { InvalidInputError, NatailiError } from '../../shared/errors.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import type { TileOptions } from './types.ts';
import { onCatalogsChanged, type JobEnv, type OpenedModel } from './models.ts';

/** Default core tile per backend: a GPU amortises a bigger tile; WASM keeps its heap small. */
export const defaultTileSize: Record<Backend, number> = { webgpu: 256, wasm: 128 };
/** The largest image the upscaler writes (256 MiB of RGBA); bigger results would not survive PNG encoding in a tab. */
export const MAX_RESULT_PIXELS = 8192 * 8192;

export interface TileStats {
  /** Tiles run by the pipeline. */
  tiles: number;
  /** Largest [height, width] ever handed to the session, the scale probe included. */
  largest: [number, number] | null;
}

export interface TilePlan {
  tileSize: number;
  tilePad: number;
}

function wholeNumber(value: number | undefined, fallback: number, name: string, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidInputError(`${name} must be a whole number from ${min} to ${max}; got ${v}.`);
  return v;
}

/**
 * The job's tiles: what the user asked for, else the backend's tile size and the model's own
 * padding (its catalog entry's tile_pad), else the app's default padding.
 */
export function tilePlan(options: TileOptions, backend: Backend, modelTilePad?: number): TilePlan {
  const tileSize = wholeNumber(options.tileSize, defaultTileSize[backend], 'Tile size', 0, 4096);
  if (tileSize > 0 && tileSize < 16) throw new InvalidInputError(`Tile size must be 0 (whole image) or at least 16; got ${tileSize}.`);
  return { tileSize, tilePad: wholeNumber(options.tilePad, modelTilePad ?? DEFAULT_TILE_PAD, 'Tile padding', 0, MAX_TILE_PAD) };
}

export function checkOutscale(outscale: number | undefined): void {
  if (outscale === undefined) return;
  if (!Number.isFinite(outscale) || outscale < 0.25 || outscale > 16) throw new InvalidInputError(`Scale must be between 0.25 and 16; got ${outscale}.`);
}

function checkResultSize(width: number, height: number, what: string): void {
  if (width * height <= MAX_RESULT_PIXELS) return;
  const side = Math.sqrt(MAX_RESULT_PIXELS);
  throw new InvalidInputError(
    `${what} would be ${width}×${height} pixels; at most ${(MAX_RESULT_PIXELS / 1e6).toFixed(0)} million (about ${side}×${side}) fit in a tab. Choose a smaller scale, or crop or shrink the image first.`,
  );
}

/** The upscaler's session as a TileRunner that counts tiles and remembers the largest tensor. */
export function sessionRunner(model: OpenedModel, env: JobEnv, stats: TileStats): TileRunner {
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;
  return async (data, dims) => {
    const [, , height, width] = dims;
    if (!stats.largest || height * width > stats.largest[0] * stats.largest[1]) stats.largest = [height, width];
    const result = await model.session.run({ [input]: { type: 'float32', dims: [...dims], data } }, { signal: env.signal, outputs: [output] });
    const tensor = result[output];
    if (!tensor || tensor.type !== 'float32') {
      throw new NatailiError('model', `${model.entry.name} returned no float image as "${output}". Is it an upscaler? Pick another model.`);
    }
    return { data: tensor.data as Float32Array, dims: tensor.dims };
  };
}

// Measured once per model and worker: the catalog has no scale field, and names can mislead.
const scales = new Map<string, number>();
onCatalogsChanged(() => scales.clear());

/**
 * The model's own factor, from one run on a blank tile of the same size the job's tiles will have
 * (so a WebGPU session compiles no extra shapes and the memory bound holds for the probe too).
 */
export async function measureScale(model: OpenedModel, run: TileRunner, image: RgbaImage, plan: TilePlan): Promise<number> {
  const known = scales.get(model.entry.name);
  if (known) return known;
  const { padded } = planTiles(image.width, image.height, plan.tileSize, plan.tilePad)[0]!;
  const dims = [1, 3, padded.height, padded.width] as const;
  const out = await run(new Float32Array(3 * padded.height * padded.width), dims);
  const scale = out.dims[3]! / padded.width;
  if (out.dims.length !== 4 || out.dims[1] !== 3 || !Number.isInteger(scale) || scale < 1 || out.dims[2] !== padded.height * scale) {
    throw new NatailiError('model', `${model.entry.name} turned a [${dims.join(',')}] image into [${out.dims.join(',')}]; an upscaler returns three channels at a whole multiple of the size. Pick another model.`);
  }
  scales.set(model.entry.name, scale);
  return scale;
}

/** Upscales with tiles (progress per tile, cancel between tiles), alpha kept, then resamples to `outscale`. */
export async function upscaleWith(model: OpenedModel, image: RgbaImage, options: TileOptions & { outscale?: number }, env: JobEnv, stats: TileStats): Promise<RgbaImage> {
  checkOutscale(options.outscale);
  const plan = tilePlan(options, model.session.choice.backend, model.entry.tile_pad);
  const run = sessionRunner(model, env, stats);
  const scale = await measureScale(model, run, image, plan);
  checkResultSize(image.width * scale, image.height * scale, `The ×${scale} model's output`);
  const outscale = options.outscale ?? scale;
  checkResultSize(Math.round(image.width * outscale), Math.round(image.height * outscale), 'The result');
  const counted: TileRunner = (data, dims) => {
    stats.tiles++;
    return run(data, dims);
  };
  return upscaleImage(image, counted, { scale, outscale, ...plan, signal: env.signal, onProgress: env.progress });
}
