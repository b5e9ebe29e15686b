import { describe, expect, it } from 'vitest';
import { describeUnet } from '../../src/pipelines/stable-diffusion/onnx/describe.ts';
import { readOnnxGraph } from '../../src/pipelines/stable-diffusion/onnx/model.ts';
import type { SdModels } from '../../src/pipelines/stable-diffusion/pipeline/types.ts';
import { planUpscaleTiles, tileWeight } from '../../src/pipelines/stable-diffusion/upscaler/tiles.ts';
import { upscaleX4 } from '../../src/pipelines/stable-diffusion/upscaler/upscale.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import { fixtureModels, openRunner, picture, sameBytes } from './sd-pipeline-fixtures.ts';
import { buildUpscalerUnet, buildUpscalerVaeDecoder } from './sd-pipeline-upscaler-fixture.ts';

async function upscalerModels(): Promise<SdModels> {
  const base = await fixtureModels();
  const unet = buildUpscalerUnet();
  return { ...base, prediction: 'v', unet: await openRunner(unet, 'x4-unet'), unetInfo: describeUnet(readOnnxGraph(unet)), vaeDecoder: await openRunner(buildUpscalerVaeDecoder(), 'x4-vae') };
}

describe('x4 upscaler tiles', () => {
  it('covers the image with overlapping tiles, the last flush with the edge', () => {
    expect(planUpscaleTiles(40, 24, 32, 8).map((t) => [t.x, t.y, t.width, t.height])).toEqual([
      [0, 0, 32, 24],
      [8, 0, 32, 24],
    ]);
    const tiles = planUpscaleTiles(100, 100, 32, 8);
    const xs = [...new Set(tiles.map((t) => t.x))];
    expect(xs).toEqual([0, 24, 48, 68]);
    const tile = tiles[1]!;
    // Full weight inside, ramps towards an inner edge, none at the image border.
    expect(tileWeight(tile, tile.x + 16, 5, 100, 100, 8)).toBe(1);
    expect(tileWeight(tile, tile.x, 5, 100, 100, 8)).toBeLessThan(0.1);
    expect(tileWeight(tiles[0]!, 0, 0, 100, 100, 8)).toBe(1);
  });
});

describe('x4 upscaler on fixture models', () => {
  it('enlarges ×4, reports tiles, is reproducible by seed and sensitive to noise_level', async () => {
    const models = await upscalerModels();
    expect(models.unetInfo).toMatchObject({ inChannels: 7, classLabels: true });
    const image = picture(20, 12);
    const events: ProgressEvent[] = [];
    const request = { prompt: 'a cat', steps: 3, sampler: 'k_euler', seed: 5, tileSize: 16, tileOverlap: 8 };
    const a = await upscaleX4(models, image, request, { onProgress: (e) => events.push(e) });
    expect([a.image.width, a.image.height]).toEqual([80, 48]);
    const tiles = events.filter((e) => e.kind === 'tile');
    expect(tiles).toHaveLength(2); // 24×16 padded: two 16-wide tiles
    const b = await upscaleX4(models, image, request);
    expect(sameBytes(a.image.data, b.image.data)).toBe(true);
    const c = await upscaleX4(models, image, { ...request, noiseLevel: 300 });
    expect(sameBytes(a.image.data, c.image.data)).toBe(false);
  });

  it('refuses a UNet that is not an upscaler', async () => {
    await expect(upscaleX4(await fixtureModels(), picture(16, 16), { prompt: '' })).rejects.toThrow(/not an x4 upscaler/);
  });
});
