// An upscaler's own tile padding (its catalog entry's tile_pad) reaches the post-process job: the
// catalog field is validated, the bundled x4plus-anime-6B entries ask for 32, and the job runs
// each tile with that context unless the request names another, so a network that sees further
// than the app's default leaves no seams.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import esrganCatalog from '../../src/managers/catalog/esrgan.json';
import { bundledCatalog } from '../../src/managers/catalog/index.ts';
import { DEFAULT_TILE_PAD, type CatalogEntry } from '../../src/managers/catalog/schema.ts';
import { validateCatalog, validateEntry } from '../../src/managers/catalog/validate.ts';
import type { ModelSession } from '../../src/runtime/index.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import type { JobEnv, OpenedModel } from '../../src/workers/postprocess/models.ts';
import { tilePlan, upscaleWith, type TileStats } from '../../src/workers/postprocess/upscale.ts';
import { seededRandom } from '../../scripts/onnx/seeded-random.ts';

/** Receptive field of the stand-in network: each output pixel depends on inputs up to this far. */
const REACH = 24;

/**
 * A stand-in ×2 upscaler that sees REACH pixels in each direction (a separable box blur, edges
 * clamped, then nearest ×2), run as the job runs a session: float32 planar in and out.
 */
function wideSession(calls: number[][]): ModelSession {
  const blur = (data: Float32Array, h: number, w: number, horizontal: boolean) => {
    const out = new Float32Array(data.length);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let sum = 0;
          for (let d = -REACH; d <= REACH; d++) {
            const xx = horizontal ? Math.min(w - 1, Math.max(0, x + d)) : x;
            const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + d));
            sum += data[c * h * w + yy * w + xx]!;
          }
          out[c * h * w + y * w + x] = sum / (2 * REACH + 1);
        }
      }
    }
    return out;
  };
  const session = {
    choice: { backend: 'wasm', precision: 'fp32', reason: 'test' },
    async run(feeds: Record<string, { data: Float32Array; dims: number[] }>) {
      const { data, dims } = feeds.input!;
      calls.push([...dims]);
      const [, , h, w] = dims as [number, number, number, number];
      const blurred = blur(blur(data, h, w, true), h, w, false);
      const out = new Float32Array(3 * h * 2 * w * 2);
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < h * 2; y++) {
          for (let x = 0; x < w * 2; x++) out[c * h * w * 4 + y * w * 2 + x] = blurred[c * h * w + (y >> 1) * w + (x >> 1)]!;
        }
      }
      return { output: { type: 'float32', data: out, dims: [1, 3, h * 2, w * 2] } };
    },
  };
  return session as unknown as ModelSession;
}

function entryWith(name: string, tilePad?: number): CatalogEntry {
  return validateEntry(
    {
      name,
      type: 'esrgan',
      description: 'a wide upscaler',
      version: '1',
      nsfw: false,
      ...(tilePad === undefined ? {} : { tile_pad: tilePad }),
      config: {
        files: [{ path: 'model', kind: 'onnx', inputs: ['input'], outputs: ['output'] }],
        download: [{ file_name: 'model.onnx', file_path: 'model', file_url: 'https://example.invalid/model.onnx', precision: 'fp32', size: 1, sha256: '0'.repeat(64) }],
      },
    },
    name,
  );
}

function picture(width: number, height: number): RgbaImage {
  const random = seededRandom(7);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : Math.floor(random() * 256);
  return { width, height, data };
}

const env: JobEnv = { signal: new AbortController().signal, progress: () => {} };

async function upscale(entry: CatalogEntry, image: RgbaImage, options: { tileSize: number; tilePad?: number }) {
  const calls: number[][] = [];
  const model: OpenedModel = { entry, session: wideSession(calls), inputs: ['input'], outputs: ['output'] };
  const stats: TileStats = { tiles: 0, largest: null };
  const result = await upscaleWith(model, image, options, env, stats);
  return { result, calls, stats };
}

describe("a model's tile_pad", () => {
  it('is validated: upscalers only, a whole number of pixels in range', () => {
    expect(entryWith('ok', 32).tile_pad).toBe(32);
    expect(entryWith('none').tile_pad).toBeUndefined();
    for (const bad of [-1, 2.5, 257, '32']) expect(() => entryWith('bad', bad as number)).toThrow(/tile_pad must be a whole number of pixels from 0 to 256/);
    const clip = { ...entryWith('clip-pad'), type: 'clip', tile_pad: 8 };
    expect(() => validateEntry(clip, 'clip-pad')).toThrow(/tile_pad is for upscalers \(type esrgan\) only/);
  });

  it('is 32 for the x4plus models (anime 6B built in and remote), and absent where the default serves', () => {
    const { entries, errors } = validateCatalog(bundledCatalog('esrgan'), 'esrgan');
    expect(errors).toEqual([]);
    const pads = Object.fromEntries(entries.map((entry) => [entry.name, entry.tile_pad]));
    expect(pads['RealESRGAN_x4plus_anime_6B']).toBe(32);
    expect(pads['RealESRGAN_x4plus']).toBe(32);
    expect(pads['realesr-animevideov3-x4']).toBeUndefined();
    // The built-in copy wins in the bundled list; the remote catalog's own entry says the same.
    const remote = validateCatalog(esrganCatalog, 'esrgan.json');
    expect(remote.entries.find((entry) => entry.name === 'RealESRGAN_x4plus_anime_6B')!.tile_pad).toBe(32);
  });

  it('is the pad a job uses unless the request gives one, which still wins', () => {
    expect(tilePlan({}, 'webgpu', 32)).toEqual({ tileSize: 256, tilePad: 32 });
    expect(tilePlan({}, 'wasm')).toEqual({ tileSize: 128, tilePad: DEFAULT_TILE_PAD });
    expect(tilePlan({ tilePad: 4 }, 'wasm', 32)).toEqual({ tileSize: 128, tilePad: 4 });
    expect(tilePlan({ tilePad: 0 }, 'wasm', 32).tilePad).toBe(0);
  });

  it('reaches the session through the job: tiles run with the model pad and meet without seams', async () => {
    const image = picture(100, 72);
    // Whole image at once: the reference a seamless tiling must equal.
    const whole = (await upscale(entryWith('wide-whole', 32), image, { tileSize: 0 })).result;

    const padded = await upscale(entryWith('wide-32', 32), image, { tileSize: 32 });
    // A core tile of 32 with 32 px of context each side: 96-pixel windows (the height is 72).
    expect(padded.stats.largest).toEqual([72, 96]);
    expect(Buffer.from(padded.result.data).equals(Buffer.from(whole.data))).toBe(true);

    // The same network with the app's default pad (16 < its reach of 24) shows seams.
    const plain = await upscale(entryWith('wide-default'), image, { tileSize: 32 });
    expect(plain.stats.largest).toEqual([64, 64]);
    expect(Buffer.from(plain.result.data).equals(Buffer.from(whole.data))).toBe(false);

    // The user's choice overrides the catalog's.
    const override = await upscale(entryWith('wide-override', 32), image, { tileSize: 32, tilePad: 8 });
    expect(override.stats.largest).toEqual([48, 48]);
  });
});
