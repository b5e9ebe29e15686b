import { describe, expect, it } from 'vitest';
import { generate } from '../../src/pipelines/stable-diffusion/pipeline/generate.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import { fixtureModels, picture, sameBytes } from './sd-pipeline-fixtures.ts';

describe('generate on the fixture models (ORT wasm in Node)', () => {
  it('txt2img: one image per seed, steps and previews reported, same seed same bytes', async () => {
    const models = await fixtureModels();
    const events: ProgressEvent[] = [];
    const request = { prompt: 'a photo of a cat ### blurry', sampler: 'k_euler', steps: 3, width: 64, height: 64, seed: 42, batchSize: 2 };
    const result = await generate(models, request, { onProgress: (e) => events.push(e) });
    expect(result.mode).toBe('txt2img');
    expect(result.images.map((i) => i.seed)).toEqual([42, 43]);
    expect(result.images[0]!.image.width).toBe(64);
    expect(sameBytes(result.images[0]!.image.data, result.images[1]!.image.data)).toBe(false);
    expect(events.filter((e) => e.kind === 'step').map((e) => (e.kind === 'step' ? e.index : 0))).toEqual([1, 2, 3]);
    const preview = events.find((e) => e.kind === 'preview');
    expect(preview).toMatchObject({ kind: 'preview', width: 16, height: 8 });
    const again = await generate(models, request);
    expect(sameBytes(again.images[1]!.image.data, result.images[1]!.image.data)).toBe(true);
  });

  it('img2img, inpainting (both kinds) and depth2img run', async () => {
    const init = picture(64, 64, true);
    const img2img = await generate(await fixtureModels(), { prompt: 'cat', initImage: picture(64, 64), steps: 4, width: 64, height: 64, seed: 1, sampler: 'k_euler_a' });
    expect(img2img.mode).toBe('img2img');
    const masked = await generate(await fixtureModels(), { prompt: 'cat', initImage: init, maskMode: 'alpha', steps: 4, width: 64, height: 64, seed: 1, sampler: 'DDIM' });
    expect(masked.mode).toBe('inpainting');
    // Without a mask image, a transparent part of the init image is the mask.
    const implicit = await generate(await fixtureModels(), { prompt: 'cat', initImage: init, steps: 4, width: 64, height: 64, seed: 1, sampler: 'DDIM' });
    expect(implicit.mode).toBe('inpainting');
    expect(sameBytes(implicit.images[0]!.image.data, masked.images[0]!.image.data)).toBe(true);
    const nine = await generate(await fixtureModels('sd-unet-inpaint'), { prompt: 'cat', initImage: init, steps: 3, width: 64, height: 64, seed: 1 });
    expect(nine.mode).toBe('inpainting');
    const depth = await generate(await fixtureModels('sd-unet-depth'), { prompt: 'cat', initImage: picture(64, 64), steps: 3, width: 64, height: 64, seed: 1, depthSize: 32 });
    expect(depth.mode).toBe('depth2img');
    const int64 = await generate(await fixtureModels('sd-unet-int64-timestep'), { prompt: 'cat', steps: 2, width: 64, height: 64, seed: 1 });
    expect(int64.images).toHaveLength(1);
  });

  it('n_iter runs continue the seeds; the safety hook blacks out flagged images', async () => {
    const models = await fixtureModels();
    let calls = 0;
    // Called once per run (n_iter runs of batch_size images); flags the second run's image.
    const safety = async (images: { width: number; height: number; data: Uint8ClampedArray }[]) => ({ images, censored: images.map(() => calls++ === 1) });
    const result = await generate(models, { prompt: 'cat', steps: 2, width: 64, height: 64, seed: '7', nIter: 2, sampler: 'k_dpmpp_2m' }, { safety });
    expect(result.images.map((i) => [i.seed, i.censored])).toEqual([
      [7, false],
      [8, true],
    ]);
    const black = result.images[1]!.image.data;
    expect(black.every((v, i) => v === (i % 4 === 3 ? 255 : 0))).toBe(true);
  });

  it('stops between steps when cancelled', async () => {
    const models = await fixtureModels();
    const controller = new AbortController();
    const steps: number[] = [];
    const job = generate(models, { prompt: 'cat', steps: 20, width: 64, height: 64, seed: 1, sampler: 'k_euler' }, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind !== 'step') return;
        steps.push(e.index);
        if (e.index === 2) controller.abort();
      },
    });
    await expect(job).rejects.toThrow();
    expect(steps).toEqual([1, 2]);
  });

  it('hires fix and seamless tiling run at the requested size', async () => {
    const models = await fixtureModels();
    const events: string[] = [];
    const hires = await generate(models, { prompt: 'cat', steps: 2, width: 128, height: 128, seed: 3, sampler: 'k_euler', hiresFix: { nativeSize: 64, steps: 2, denoisingStrength: 0.5 } }, {
      onProgress: (e) => events.push(e.kind === 'tile' ? `run ${e.index + 1}/${e.count}` : e.kind),
    });
    expect(hires.images[0]!.image.width).toBe(128);
    expect(events.filter((e) => e.startsWith('run'))).toEqual(['run 1/2', 'run 2/2']);
    const tiled = await generate(models, { prompt: 'cat', steps: 2, width: 64, height: 64, seed: 3, sampler: 'k_euler', tiling: true });
    const plain = await generate(models, { prompt: 'cat', steps: 2, width: 64, height: 64, seed: 3, sampler: 'k_euler' });
    expect(sameBytes(tiled.images[0]!.image.data, plain.images[0]!.image.data)).toBe(false);
  });
});
